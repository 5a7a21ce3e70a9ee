import io
import zipfile

import pytest

from extractor.documents import DOCX_MIME, Limits, clean_text, read_document, sniff_type
from extractor.errors import InputError
from tests.conftest import make_docx, make_pdf


def test_pdf_text_is_extracted():
    document = read_document(make_pdf(["Svetsare med truckkort", "MIG/MAG-svetsning i 10 år"]))
    assert document.media_type == "application/pdf"
    assert "Svetsare med truckkort" in document.text
    assert "MIG/MAG-svetsning" in document.text


def test_docx_text_is_extracted_by_content_not_name():
    data = make_docx(["Undersköterska", "Erfarenhet av demensvård"])
    assert sniff_type(data) == DOCX_MIME
    document = read_document(data)
    assert document.text.splitlines() == ["Undersköterska", "Erfarenhet av demensvård"]


def test_plain_text_in_cp1252_is_decoded():
    assert read_document("Kock på restaurang i Göteborg".encode("cp1252")).text == "Kock på restaurang i Göteborg"


@pytest.mark.parametrize("data, code", [
    (b"", "empty_file"),
    (b"   \n  ", "empty_file"),
    (b"%PDF-1.7\n this is not really a pdf \x00\x01", "corrupt_pdf"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "unsupported_type"),
    (b"PK\x03\x04 broken zip", "unsupported_type"),
])
def test_bad_input_gets_a_clear_error(data, code):
    with pytest.raises(InputError) as info:
        read_document(data)
    assert info.value.code == code
    assert info.value.message


def test_encrypted_pdf_is_refused():
    with pytest.raises(InputError) as info:
        read_document(make_pdf(["hemligt"], encrypt_with="lösenord"))
    assert info.value.code == "encrypted_pdf"


def test_scanned_pdf_without_text_layer():
    with pytest.raises(InputError) as info:
        read_document(make_pdf(["x"] * 5, draw_text=False))
    assert info.value.code == "no_text"
    assert "OCR" in info.value.message


def test_huge_file_and_page_limits():
    with pytest.raises(InputError) as info:
        read_document(b"a" * 2000, Limits(max_bytes=1000))
    assert info.value.code == "too_large" and info.value.status == 413
    with pytest.raises(InputError) as info:
        read_document(make_pdf([f"rad {i}" for i in range(200)]), Limits(max_pages=3))
    assert info.value.code == "too_many_pages"


def test_docx_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document>" + " " * 60_000_000 + "</w:document>")
    with pytest.raises(InputError) as info:
        read_document(buffer.getvalue())
    assert info.value.code == "zip_bomb"


def test_clean_text_removes_control_and_zero_width_characters():
    assert clean_text("Sv\u200betsare\r\nrad\x00två\ufeff  ") == "Svetsare\nradtvå"
