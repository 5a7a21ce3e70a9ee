"""Uploaded bytes -> plain text. The type is sniffed from the content, not the file name.

PDF via pypdf, DOCX via python-docx (after a zip-bomb check), plain text and Markdown decoded with a BOM/UTF-8
check. Parsing runs in a child process with a time limit, so a hostile file cannot hang the caller.
"""

from __future__ import annotations

import io
import logging
import multiprocessing as mp
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype

from extractor.errors import InputError

log = logging.getLogger(__name__)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_pages: int = 40
    max_chars: int = 200_000
    timeout_s: float = 20.0
    max_unzipped_bytes: int = 50 * 1024 * 1024
    max_zip_ratio: float = 200.0

    @classmethod
    def from_settings(cls, settings) -> "Limits":  # noqa: ANN001 - core.settings.Settings
        return cls(max_bytes=settings.max_file_bytes, max_pages=settings.max_pages,
                   max_chars=settings.max_text_chars, timeout_s=settings.parse_timeout_s)


@dataclass(frozen=True)
class Document:
    text: str
    media_type: str  # "application/pdf" | DOCX_MIME | "text/plain"
    pages: int = 1


def sniff_type(data: bytes) -> str:
    if data.startswith(b"%PDF-") or data[:1024].lstrip().startswith(b"%PDF-"):
        return "application/pdf"
    kind = filetype.guess(data[:8192])
    if kind is not None:
        if kind.mime == "application/zip" or kind.mime == DOCX_MIME:
            return DOCX_MIME if _looks_like_docx(data) else kind.mime
        return kind.mime
    return "text/plain"


def _looks_like_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def clean_text(text: str) -> str:
    """NFC, no control or zero-width characters, unified line ends, no trailing spaces."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    head = data[:4096]
    if head.count(b"\x00") > max(2, len(head) // 100):  # a stray NUL in a text is cleaned; many mean binary
        raise InputError("unsupported_type", "the file looks binary, not text; upload a PDF, DOCX or text file",
                         415)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("bad_encoding", "the text could not be decoded (use UTF-8)")


def _pdf_text(data: bytes, max_pages: int) -> tuple[str, int]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001 - any failure means we cannot read it
                ok = 0
            if not ok:
                raise InputError("encrypted_pdf", "the PDF is encrypted (password protected); upload an unlocked "
                                 "copy")
        pages = len(reader.pages)
        if pages > max_pages:
            raise InputError("too_many_pages", f"the PDF has {pages} pages; the limit is {max_pages}", 413)
        texts = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError) as exc:
        raise InputError("corrupt_pdf", f"the PDF could not be read ({type(exc).__name__}); is it damaged?") \
            from exc
    return "\n\n".join(texts), pages


def _check_zip(data: bytes, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise InputError("corrupt_docx", "the DOCX file is damaged (not a valid zip archive)") from exc
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > limits.max_unzipped_bytes or total / packed > limits.max_zip_ratio:
        raise InputError("zip_bomb", "the DOCX file unpacks to far more data than it holds; refused", 413)


def _docx_text(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError("corrupt_docx", f"the DOCX file could not be read ({type(exc).__name__})") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _parse(data: bytes, media_type: str, limits: Limits) -> Document:
    if media_type == "application/pdf":
        text, pages = _pdf_text(data, limits.max_pages)
        if not clean_text(text):
            raise InputError("no_text", "no text found in the PDF (a scanned image?); OCR is not available")
        return Document(clean_text(text), media_type, pages)
    if media_type == DOCX_MIME:
        _check_zip(data, limits)
        return Document(clean_text(_docx_text(data)), media_type)
    if media_type == "text/plain":
        return Document(clean_text(decode_text(data)), media_type)
    raise InputError("unsupported_type", f"unsupported file type {media_type}; upload a PDF, DOCX or text file",
                     415)


def _child(conn, data: bytes, media_type: str, limits: Limits) -> None:  # pragma: no cover - child process
    try:
        conn.send(("ok", _parse(data, media_type, limits)))
    except InputError as exc:
        conn.send(("input", (exc.code, exc.message, exc.status)))
    except Exception as exc:  # noqa: BLE001 - report, never crash the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _parse_with_timeout(data: bytes, media_type: str, limits: Limits) -> Document:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, data, media_type, limits), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(limits.timeout_s):
            raise InputError("parse_timeout", f"parsing took longer than {limits.timeout_s:.0f} s; refused", 422)
        status, payload = parent.recv()
    except EOFError as exc:
        raise InputError("parse_failed", "the document could not be parsed (the parser stopped)") from exc
    finally:
        if process.is_alive():
            process.kill()
        process.join(1)
        parent.close()
    if status == "ok":
        return payload
    if status == "input":
        raise InputError(*payload)
    raise InputError("parse_failed", f"the document could not be parsed ({payload})")


def read_document(data: bytes, limits: Limits = Limits(), isolate: bool = True) -> Document:
    """Bytes of an upload -> cleaned plain text. Raises InputError for anything a user must fix."""
    if not data or not data.strip():
        raise InputError("empty_file", "the file is empty")
    if len(data) > limits.max_bytes:
        raise InputError("too_large", f"the file is {len(data) / 1e6:.1f} MB; the limit is "
                         f"{limits.max_bytes / 1e6:.1f} MB", 413)
    media_type = sniff_type(data)
    if media_type not in ("application/pdf", DOCX_MIME, "text/plain"):
        raise InputError("unsupported_type", f"unsupported file type {media_type}; upload a PDF, DOCX or text "
                         "file", 415)
    document = _parse_with_timeout(data, media_type, limits) if isolate and media_type != "text/plain" \
        else _parse(data, media_type, limits)
    if not document.text:
        raise InputError("no_text", "no text found in the document")
    if len(document.text) > limits.max_chars:
        raise InputError("too_much_text", f"the document has {len(document.text)} characters of text; the limit "
                         f"is {limits.max_chars}", 413)
    return document
