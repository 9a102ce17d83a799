"""Shared model bases. ``StoredFile``: every uploaded file of every module (case attachments now;
visits, task reports, events and inspections later) is a row of a model built on it, written
only by ``core.files.file_store`` (type by content, size limit, daily quota, SHA-256, generated
storage name, nothing on disk if the transaction rolls back)."""

from __future__ import annotations

from django.db import models

from shangwu.core.access import Access, RestrictedQuerySet


class StoredFileQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):
        """A file is in scope when its owner record is (``owner_field``): the owner's own
        ``restrict()`` decides, so a file never reaches further than the record it belongs to."""
        owner_field = self.model.owner_field
        owner_model = self.model._meta.get_field(owner_field).related_model
        owners = owner_model.objects.all().restrict(user, action)
        return self.filter(**{f"{owner_field}__in": owners.values("pk")})

    def listed(self):
        """The files a page lists and lets download: not removed."""
        return self.filter(removed_at__isnull=True)


class StoredFile(models.Model):
    """One uploaded file. ``file`` holds the generated storage name (``<folder>/<yyyy>/<mm>/<uuid>.<ext>``);
    ``name`` the user's own file name, shown and used on download. Removal is soft: the row and its
    audit history stay, the file is no longer listed or downloadable.

    A concrete model names its owner in ``owner_field`` (a foreign key to a scoped model) and its
    storage folder in ``storage_folder``."""

    access = Access.BUSINESS
    audited = True
    owner_field = ""
    storage_folder = "files"

    file = models.FileField("存储文件", max_length=200)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("文件类型", max_length=100)
    sha256 = models.CharField("文件摘要（SHA-256）", max_length=64)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)
    removed_at = models.DateTimeField("删除时间", null=True, blank=True)
    removed_by = models.ForeignKey(
        "accounts.User", verbose_name="删除人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = StoredFileQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name
