"""Real files for upload tests (what a clerk's scanner, Word and Excel produce), and fakes."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = bytes.fromhex(  # a 1×1 transparent pixel
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def pdf(name="整改报告.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="现场照片.png"):
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def html_named_pdf(name="通知.pdf"):
    # The browser says application/pdf because of the name; the content is a web page.
    return SimpleUploadedFile(name, HTML_BYTES, content_type="application/pdf")


def docx(name="情况说明.docx"):
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("关于企业用地问题的情况说明")
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def xlsx(name="问题清单.xlsx"):
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.add_worksheet("清单").write(0, 0, "问题")
    workbook.close()
    return SimpleUploadedFile(name, buffer.getvalue())


def zip_named(name, parts: dict[str, bytes]):
    """A zip archive named like an Office file, holding ``parts``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for part, data in parts.items():
            zf.writestr(part, data)
    return SimpleUploadedFile(name, buffer.getvalue())


def stored_files(root) -> list:
    """Every file under the media folder ``root`` (a pathlib.Path)."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
