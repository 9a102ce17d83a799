"""Case attachments move onto the shared file service (core.models.StoredFile): content type,
SHA-256 and soft removal. Rows that exist keep their stored file; their hash and type are
computed from the stored content where it can be read."""

import hashlib
import os

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def fill_hash_and_type(apps, schema_editor):
    from django.core.files.storage import default_storage

    CaseAttachment = apps.get_model("cases", "CaseAttachment")
    for att in CaseAttachment.objects.filter(sha256="").iterator():
        digest = hashlib.sha256()
        try:
            with default_storage.open(att.file.name, "rb") as fh:
                for chunk in iter(lambda: fh.read(64 * 1024), b""):
                    digest.update(chunk)
            sha = digest.hexdigest()
        except OSError:
            sha = ""  # the content is gone; the download answers 404 (文件内容缺失)
        ext = os.path.splitext(att.name)[1].lower()
        CaseAttachment.objects.filter(pk=att.pk).update(
            sha256=sha, content_type=TYPES.get(ext, "application/octet-stream")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_clock_start"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="caseattachment",
            options={
                "ordering": ["uploaded_at", "id"],
                "verbose_name": "附件",
                "verbose_name_plural": "附件",
            },
        ),
        migrations.AddField(
            model_name="caseattachment",
            name="content_type",
            field=models.CharField(default="", max_length=100, verbose_name="文件类型"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="caseattachment",
            name="sha256",
            field=models.CharField(default="", max_length=64, verbose_name="文件摘要（SHA-256）"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="caseattachment",
            name="removed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="删除时间"),
        ),
        migrations.AddField(
            model_name="caseattachment",
            name="removed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="删除人",
            ),
        ),
        migrations.AlterField(
            model_name="caseattachment",
            name="file",
            field=models.FileField(max_length=200, upload_to="", verbose_name="存储文件"),
        ),
        migrations.AlterField(
            model_name="caseattachment",
            name="size",
            field=models.PositiveBigIntegerField(verbose_name="大小（字节）"),
        ),
        migrations.AlterField(
            model_name="caseattachment",
            name="uploaded_at",
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="上传时间"),
        ),
        migrations.RunPython(fill_hash_and_type, migrations.RunPython.noop),
    ]
