"""Shared fixtures: the real taxonomy, model and extractor (built by scripts/setup.sh), loaded once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"

SWEDISH_CV = (ROOT / "examples" / "cv_sv_svetsare.txt").read_text(encoding="utf-8")
ENGLISH_CV = (ROOT / "examples" / "cv_en_nurse.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def resources():
    from extractor.resources import load_resources

    return load_resources()


@pytest.fixture(scope="session")
def extractor(resources):
    from extractor.pipeline import CompetenceExtractor

    return CompetenceExtractor(resources)


def make_pdf(lines: list[str], encrypt_with: str | None = None, draw_text: bool = True) -> bytes:
    """A real PDF, written with reportlab (text layer) and optionally encrypted with pypdf."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    y = 800
    for line in lines:
        if draw_text:
            pdf.drawString(50, y, line)
        else:
            pdf.rect(50, y, 200, 10, fill=1)  # a picture, no text: like a scan
        y -= 16
        if y < 60:
            pdf.showPage()
            y = 800
    pdf.save()
    data = buffer.getvalue()
    if encrypt_with is None:
        return data
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    writer.encrypt(encrypt_with)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
