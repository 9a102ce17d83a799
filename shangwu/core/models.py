"""Shared model bases and configuration. ``StoredFile``: every uploaded file of every module (case
attachments now; visits, task reports, events and inspections later) is a row of a model built on
it, written only by ``core.files.file_store`` (type by content, size limit, daily quota, SHA-256,
generated storage name, nothing on disk if the transaction rolls back). ``DocumentSetting``: how
each kind of 公文 is headed, numbered and closed (GB/T 9704-2012 版头, 发文字号, 版记), and the
numbers handed out. ``Event``: one row per change of a record, the shape of every timeline.
``Vocabulary``: every managed list (categories, tags, stages, chains) a 系统管理员 edits.
``Responsibility``: 包保, an official answerable for one record (an enterprise, a project;
designations and inspections next) at one level, from one day to another. ``ContactPerson``: a
person the bureau talks to about one record (an enterprise's contact, a project investor's), whose
phone numbers are masked everywhere and revealed one at a time (``core.reveal``)."""

from __future__ import annotations

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from shangwu.core.access import Access, RestrictedQuerySet
from shangwu.core.choices import DocumentKind, ResponsibilityLevel, ResponsibilityRole


def user_field(verbose_name: str, **kwargs) -> models.ForeignKey:
    """Who did something to a record (登记人, 上传人, 更正人, 填报人…): a user kept as history, so
    ``SET_NULL`` (STYLE 15: never a cascade into history; the audit log keeps the name), optional
    (imports and commands act without one) and without a reverse accessor. ``kwargs`` override
    (``blank=False`` where a form must name one, ``db_index=False`` where nothing looks rows up
    by it)."""
    options = {"null": True, "blank": True, "on_delete": models.SET_NULL, "related_name": "+"}
    return models.ForeignKey("accounts.User", verbose_name=verbose_name, **options | kwargs)


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
    # False for files kept by an import (a platform's export), stored with quota=False.
    counts_to_quota = True

    file = models.FileField("存储文件", max_length=200)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("文件类型", max_length=100)
    sha256 = models.CharField("文件摘要（SHA-256）", max_length=64)
    uploaded_by = user_field("上传人", blank=False)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True, db_index=True)
    removed_at = models.DateTimeField("删除时间", null=True, blank=True)
    removed_by = user_field("删除人")

    objects = StoredFileQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class Event(models.Model):
    """One change of a record (its *subject*): who (``actor``), when it was recorded (``at``),
    what (``kind``), the status it moved from and to, a note, and the date the change itself
    took place (``on``) where that is not the moment it was recorded (a project's stage move on
    the date the user entered). Written only by the service that makes the change, through
    ``core.services.event_record``; read by the subject's detail page through the one timeline
    include ``core/includes/timeline.html``.

    A new module's events (promotion events, designations, inspections…) subclass it::

        class InspectionEvent(Event):
            subject_field = "inspection"
            inspection = models.ForeignKey(
                Inspection, verbose_name="检查", on_delete=models.PROTECT, related_name="events"
            )
            kind = models.CharField("类型", max_length=20, choices=InspectionEventKind.choices)
            from_status = models.CharField(
                "原状态", max_length=12, choices=InspectionStatus.choices, blank=True
            )
            to_status = models.CharField(
                "新状态", max_length=12, choices=InspectionStatus.choices, blank=True
            )

            class Meta(Event.Meta):
                verbose_name = "检查动态"
                verbose_name_plural = "检查动态"
                indexes = [models.Index(fields=["inspection", "at"], name="inspectionevent_at_idx")]

    (redeclare ``kind`` and the statuses to give them their choices), record them with
    ``event_record(InspectionEvent, subject=inspection, actor=…, kind=…, to_status=…)`` and show
    them with ``{% include "core/includes/timeline.html" with events=events title="检查动态" %}``.
    A subject whose status is not a choice (a project's stage) removes the two status fields
    (``from_status = None``) and overrides ``status_change``; one that shows more about who acted
    overrides ``who`` / ``who_badge``."""

    subject_field = ""
    # (label, before, after) lines of a change, set per event by a selector that reads them.
    change_rows = ()

    kind = models.CharField("类型", max_length=20)
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12, blank=True)
    on = models.DateField("日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    # Events are read through their subject only: an index on actor would be written by every
    # event and read by nothing.
    actor = user_field("操作人", db_index=False)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.subject} {self.get_kind_display()}"

    @property
    def subject(self):
        return getattr(self, self.subject_field)

    def status_change(self) -> tuple[str, str] | None:
        """(from, to) in words when the event moved the status (from is "" for a first status),
        else None."""
        if not self.to_status or self.from_status == self.to_status:
            return None
        return (
            self.get_from_status_display() if self.from_status else "",
            self.get_to_status_display(),
        )

    def who(self) -> str:
        """Who acted, as the timeline says it."""
        return str(self.actor) if self.actor_id else "系统"

    def who_badge(self) -> str:
        """A remark on who acted (recorded on someone's behalf), or ""."""
        return ""


class VocabularyQuerySet(RestrictedQuerySet):
    def active(self):
        """The entries offered for new records (a form's choices); records keep inactive ones."""
        return self.filter(is_active=True)


class Vocabulary(models.Model):
    """One entry of a managed list (诉求类别, 企业标签, 项目阶段, 产业链…) that the 系统管理员
    edits: a stable ``code`` (figures, imports and code know an entry by it, never by its name,
    and it is fixed once the entry exists), a ``name`` shown to users, a place in the list
    (``sort_field``, ``sort_order`` unless the list keeps its own) and ``is_active``: an inactive
    entry is no longer offered for new records (``.active()``) but stays on the records that
    have it, so history is not rewritten. Rows are never deleted.

    A new list subclasses it and gets the shared form, table, filter and detail page::

        class InspectionKind(Vocabulary):
            name = models.CharField("检查类型", max_length=30, unique=True)  # its own label

            class Meta(Vocabulary.Meta):
                verbose_name = "检查类型"
                verbose_name_plural = "检查类型"

            def get_absolute_url(self):
                return reverse("inspections:kind_detail", args=[self.pk])

    with ``VocabularyForm`` (core.forms), ``vocabulary_columns`` (core.tables),
    ``VocabularyFilterSet`` (core.filtersets) and ``VocabularyDetailView`` (core.views)."""

    access = Access.REFERENCE
    audited = True
    sort_field = "sort_order"
    str_fields = ("name",)  # what __str__ reads (core.tables: a list's column of entries)
    # The list's own fields its detail page shows after the shared ones (VocabularyDetailView).
    detail_fields: tuple[str, ...] = ()

    code = models.SlugField(
        "代码",
        max_length=30,
        unique=True,
        help_text="英文字母、数字、下划线；统计和导入按代码识别，建立后不可修改。",
        error_messages={"unique": "该代码已被使用。"},
    )
    name = models.CharField("名称", max_length=30, unique=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class DocumentSetting(models.Model):
    """The 系统管理员's settings for one kind of document. Everything is optional: with nothing
    set the document has no 版头, no number and no 版记, and is signed by the exporting user's
    bureau (``organ_name`` blank)."""

    access = Access.REFERENCE
    audited = True

    kind = models.CharField("公文种类", max_length=30, choices=DocumentKind.choices, unique=True)
    organ_name = models.CharField(
        "发文机关",
        max_length=100,
        blank=True,
        help_text="留空则为导出人所在的商务局（县区人员为本县区商务局）。",
    )
    show_masthead = models.BooleanField(
        "使用版头", default=False, help_text="红色发文机关标志和红色分隔线。"
    )
    masthead_text = models.CharField(
        "发文机关标志",
        max_length=100,
        blank=True,
        help_text="如“××市商务局文件”；留空则为发文机关名称加“文件”。",
    )
    number_prefix = models.CharField(
        "发文机关代字",
        max_length=20,
        blank=True,
        help_text="如“云商”，发文字号为 云商〔2026〕12号，按年度和公文种类顺序编号；留空则不编号。",
    )
    show_colophon = models.BooleanField("使用版记", default=False)
    cc = models.CharField("抄送机关", max_length=300, blank=True)
    printer = models.CharField(
        "印发机关", max_length=100, blank=True, help_text="留空则与发文机关相同。"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "公文格式设置"
        verbose_name_plural = "公文格式设置"
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def get_absolute_url(self):
        return reverse("core:documentsetting_detail", args=[self.pk])


class DocumentNumber(models.Model):
    """One 发文字号 handed out: a serial per kind and year, never given twice (the unique
    constraint is the guarantee, on SQLite and PostgreSQL alike). The same document (``subject``
    of the same organ) downloaded again keeps its number. Rows are only ever created, by
    ``document_number_issue``, which writes the audit row itself."""

    access = Access.REFERENCE

    kind = models.CharField("公文种类", max_length=30, choices=DocumentKind.choices)
    year = models.PositiveIntegerField("年度")
    serial = models.PositiveIntegerField("顺序号")
    text = models.CharField("发文字号", max_length=60)
    organ_name = models.CharField("发文机关", max_length=100)
    subject = models.CharField("文件", max_length=200)
    issued_at = models.DateTimeField("编号时间", auto_now_add=True)
    issued_by = user_field("编号人")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "发文字号"
        verbose_name_plural = "发文字号"
        ordering = ["kind", "-year", "-serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "serial"],
                name="documentnumber_unique_serial",
                violation_error_message="该发文字号已被使用。",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "organ_name", "subject"],
                name="documentnumber_unique_subject",
                violation_error_message="该文件已有发文字号。",
            ),
        ]

    def __str__(self):
        return self.text


class ResponsibilityQuerySet(RestrictedQuerySet):
    def current(self, on: datetime.date | None = None):
        """In force on ``on`` (today): started, and not yet ended (the end day still counts)."""
        on = on or timezone.localdate()
        return self.filter(
            models.Q(end_on__isnull=True) | models.Q(end_on__gte=on), start_on__lte=on
        )


class Responsibility(models.Model):
    """包保: ``official`` answerable for one record (the concrete model's ``subject_field``) at a
    ``level`` (三级包保: 市/县/乡) in a ``role``, from ``start_on`` until ``end_on``.

    One rule for every kind, the rule the 包保 of enterprises always had:

    * **current** on day D when ``start_on <= D`` and ``end_on`` is empty or ``>= D`` (the end
      day still counts): ``Model.objects.current(on=D)``, ``row.is_current(D)``;
    * **ending** (``core.services.responsibility_end``) sets ``end_on``, never before
      ``start_on``. A 包保 whose end day has passed is history and is not ended again; one whose
      end day is still to come (planned, or set in advance) may be ended on another day, since
      the bureau ends 包保 early when people move. Rows are never deleted: ended ones are the
      record's 包保 history;
    * **one at a time**: the same official holds at most one 包保 of the same record at the same
      level for any day (``responsibility_check_overlap``; the concrete model adds the unique
      constraint on its open rows).

    A new kind (designations, inspections) subclasses it next to its scope base, names its
    subject and declares its own ``Meta`` (verbose names, ordering, the constraints below with
    its own names) and manager::

        class DesignationResponsibility(DesignationScoped, Responsibility):
            subject_field = "designation"
            designation = models.ForeignKey(Designation, on_delete=models.PROTECT, ...)
            objects = ResponsibilityQuerySet.as_manager()

    and its services call ``responsibility_check_overlap`` / ``responsibility_end`` inside the
    transaction that writes its own event row.
    """

    audited = True
    subject_field = ""

    official = models.ForeignKey(
        "accounts.User",
        verbose_name="包保人员",
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    level = models.CharField("包保层级", max_length=10, choices=ResponsibilityLevel.choices)
    role = models.CharField("包保角色", max_length=20, choices=ResponsibilityRole.choices)
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = user_field("安排人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def subject(self):
        return getattr(self, self.subject_field)

    def is_current(self, on: datetime.date) -> bool:
        return self.start_on <= on and (self.end_on is None or self.end_on >= on)

    def is_ended(self, today: datetime.date) -> bool:
        """History: its end day has passed (it can no longer be ended)."""
        return self.end_on is not None and self.end_on < today

    @classmethod
    def end_after_start(cls, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=models.Q(end_on__isnull=True) | models.Q(end_on__gte=models.F("start_on")),
            name=name,
            violation_error_message="结束日期不能早于开始日期。",
        )


class ContactPerson(models.Model):
    """A person the bureau talks to about one record (the concrete model's ``owner_field``: an
    enterprise, a project). Phone numbers are personal information: pages, exports, the API and
    the audit log show them masked (138****1234, ``mobile_masked`` / ``landline_masked``);
    seeing the full number takes ``reveal_permission`` and is audited one number at a time
    (``core.reveal.number_reveal``, whose audit text names the person as ``reveal_label``).

    A concrete model subclasses it next to its scope base and adds its owner::

        class ProjectContact(ProjectScoped, ContactPerson):
            owner_field = "project"
            reveal_permission = "projects.reveal_projectcontact"
            reveal_label = "项目联系人"
            project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="contacts")
    """

    audited = True
    audit_masked = {"mobile", "landline"}
    owner_field = ""
    reveal_permission = ""
    reveal_label = "联系人"

    name = models.CharField("姓名", max_length=50)
    position = models.CharField("职务", max_length=50, blank=True)
    mobile = models.CharField(
        "手机号",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^1\d{10}$", "手机号应为以1开头的11位数字。")],
    )
    landline = models.CharField(
        "固定电话",
        max_length=30,
        blank=True,
        validators=[RegexValidator(r"^[0-9+\-() ]{5,30}$", "固定电话只能包含数字、“-”和括号。")],
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.name}（{self.owner}）"

    @property
    def owner(self):
        return getattr(self, self.owner_field)

    @property
    def owner_label(self) -> str:
        """The owner's kind as pages name it (企业 / 项目)."""
        return self._meta.get_field(self.owner_field).verbose_name

    @property
    def mobile_masked(self) -> str:
        from shangwu.audit.services import mask_value

        return mask_value(self.mobile) if self.mobile else ""

    @property
    def landline_masked(self) -> str:
        from shangwu.audit.services import mask_value

        return mask_value(self.landline) if self.landline else ""


class ReferenceStamp(models.Model):
    """A mark of the reference data's last change (one row, ``id`` 1): set to a fresh random value
    whenever a region, a unit, an entry of a managed list, an indicator or a user is saved or
    deleted (``core.reference``). Each signed-in request reads it in the user's own query, and the
    dropdowns of list pages kept per process are used only while it is the one they were read
    under. Random, not a counter: a rolled-back change must never hand a later one its value."""

    value = models.CharField("标记", max_length=32)

    class Meta:
        verbose_name = "基础数据变更标记"
        verbose_name_plural = "基础数据变更标记"

    def __str__(self):
        return self.value
