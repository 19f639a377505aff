"""The one reader of a user's Excel workbook: opened row by row (openpyxl's read-only
mode, so a large file is not held in memory whole), refusing a file with macros, one that
unpacks to more than `MAX_UNPACKED_BYTES`, or one that is not a workbook, with a reason in
the user's language."""

from __future__ import annotations

import zipfile
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

# What the workbook's parts may take unpacked: openpyxl reads the shared strings whole,
# so a small file that unpacks to gigabytes (a zip bomb) would take the memory with it.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


class NotAWorkbook(ValueError):
    pass


def open_read_only(file: IO[bytes], *, values: bool = False) -> Workbook:
    """The workbook, to be closed by the caller; `values` reads formulas' cached values
    instead of the formulas (which a reader that refuses formulas needs to see)."""
    try:
        with zipfile.ZipFile(file) as archive:
            if any(name.lower().endswith("vbaproject.bin") for name in archive.namelist()):
                raise NotAWorkbook(_("The file has macros: save it as an .xlsx workbook."))
            if sum(item.file_size for item in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise NotAWorkbook(
                    _("The workbook is too large unpacked: at most %(size)s MB.")
                    % {"size": MAX_UNPACKED_BYTES // 1024 // 1024}
                )
        file.seek(0)
        return load_workbook(file, read_only=True, data_only=values)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        if isinstance(error, NotAWorkbook):
            raise
        raise NotAWorkbook(_("The file is not an Excel workbook (.xlsx).")) from error
