"""Uploaded files: what may be stored, and how a stored file is handed out.

An upload is accepted only when its *content* is one of the allowed types (the name is
not trusted: a renamed HTML page or executable is refused) and it fits the size limit
(`UPLOAD_MAX_BYTES`). A stored file is never served from a public folder: each app has a
view that applies the permission of the row the file belongs to and then calls `serve()`,
which sends it as a download (PDF and images may open in the browser) with `nosniff` and
a sandboxing Content-Security-Policy. In production the proxy sends the bytes after the
app has said yes (`X-Accel-Redirect` to an internal location, see docs/security.md)."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

__all__ = ["ALLOWED_TYPES", "UploadValidator", "detect", "serve", "validate_upload"]


@dataclass(frozen=True)
class FileType:
    mime: str
    extensions: tuple[str, ...]
    inline: bool  # may open in the browser; everything else is a download


ALLOWED_TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", ("pdf",), inline=True),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
        inline=False,
    ),
    "xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ("xlsx",),
        inline=False,
    ),
    "odt": FileType("application/vnd.oasis.opendocument.text", ("odt",), inline=False),
    "ods": FileType("application/vnd.oasis.opendocument.spreadsheet", ("ods",), inline=False),
    "png": FileType("image/png", ("png",), inline=True),
    "jpg": FileType("image/jpeg", ("jpg", "jpeg"), inline=True),
    "txt": FileType("text/plain; charset=utf-8", ("txt",), inline=False),
}
ALLOWED_NAMES = "PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG, TXT"
# Markup that a browser would run if it ever rendered the file: never "plain text".
_MARKUP = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")
_SNIFF_BYTES = 8192


def _is_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8")
    lowered = text.lstrip("\ufeff \t\r\n").lower().encode()
    return not lowered.startswith(b"<") and not any(tag in lowered for tag in _MARKUP)


def detect(upload) -> str | None:
    """The allowed type the content is, or None. Reads only the start of the file."""
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.extension if kind.extension in ALLOWED_TYPES else None
    if _is_plain_text(head):
        return "txt"
    return None


def validate_upload(upload) -> None:
    """Refuse a file that is too large, of a type not allowed, or whose name claims
    another type than its content."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). The largest allowed is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    kind = detect(upload)
    if kind is None:
        raise ValidationError(
            _("This type of file cannot be stored. Allowed types: %(types)s.")
            % {"types": ALLOWED_NAMES},
            code="file_type",
        )
    suffix = PurePosixPath(upload.name or "").suffix.lower().lstrip(".")
    if suffix not in ALLOWED_TYPES[kind].extensions:
        raise ValidationError(
            _(
                "The file's name ends in .%(suffix)s but its content is %(kind)s. "
                "Rename the file or choose the right one."
            )
            % {"suffix": suffix or "–", "kind": kind.upper()},
            code="file_name",
        )


@deconstructible
class UploadValidator:
    """The model field validator (a class, so that migrations can name it)."""

    def __call__(self, value) -> None:
        # Only a new upload is checked; a stored file was checked when it came in.
        if getattr(value, "_committed", True) is False or not isinstance(value, FieldFile):
            validate_upload(value)

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadValidator)

    def __hash__(self) -> int:
        return hash(UploadValidator)


# A stored file cannot run anything in the browser: no scripts, no plugins, no forms.
SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
# Chromium's PDF viewer does not open in a sandbox; a PDF still loads nothing else.
PDF_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'"


def _type_of(name: str) -> FileType:
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    for file_type in ALLOWED_TYPES.values():
        if suffix in file_type.extensions:
            return file_type
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileType(guessed, (), inline=False)


def serve(stored: FieldFile, *, download_name: str | None = None) -> HttpResponse:
    """Hand out a stored file whose permission the caller has already checked."""
    name = download_name or PurePosixPath(stored.name).name
    file_type = _type_of(stored.name)
    disposition = "inline" if file_type.inline else "attachment"
    accel = settings.FILES_ACCEL_REDIRECT
    if accel:
        response = HttpResponse(content_type=file_type.mime)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(stored.name)
    else:
        response = FileResponse(stored.open("rb"), content_type=file_type.mime)
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "")
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        PDF_CSP if file_type.mime == "application/pdf" else SANDBOX_CSP
    )
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
