"""A user's workbook is refused before it is read when it unpacks to more than the limit
(a zip bomb would otherwise take the memory with openpyxl's shared strings), and a
well-formed one opens."""

import io
import subprocess
import sys
import textwrap

import pytest
from openpyxl import Workbook

from yhdyspinta.core import workbooks


def test_a_workbook_that_unpacks_past_the_limit_is_refused(monkeypatch):
    book = Workbook()
    book.active.append(["x" * 5000])
    data = io.BytesIO()
    book.save(data)
    assert workbooks.open_read_only(io.BytesIO(data.getvalue())).sheetnames == ["Sheet"]
    monkeypatch.setattr(workbooks, "MAX_UNPACKED_BYTES", 4000)
    with pytest.raises(workbooks.NotAWorkbook, match="purettuna liian suuri"):
        workbooks.open_read_only(io.BytesIO(data.getvalue()))


@pytest.mark.once  # a file read in a process of its own: no database
def test_a_zip_bomb_is_refused_within_bounded_memory(tmp_path):
    """A 1 GB sheet of shared strings packed into a few megabytes, read in a process
    whose memory is capped at 600 MB: refused, not read."""
    script = textwrap.dedent(
        """
        import io, resource, zipfile
        resource.setrlimit(resource.RLIMIT_AS, (600 * 1024 * 1024, 600 * 1024 * 1024))
        from openpyxl import Workbook
        book = Workbook(); book.active.append(["x"]); plain = io.BytesIO(); book.save(plain)
        bomb = io.BytesIO()
        packed = zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", packed) as out:
            for item in source.infolist():
                if item.filename != "xl/sharedStrings.xml":
                    out.writestr(item, source.read(item.filename))
            with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as big:
                big.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
                chunk = b"a" * (1 << 20)
                for _ in range(1024):
                    big.write(chunk)
                big.write(b"</t></si></sst>")
        import django, os
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yhdyspinta.settings")
        django.setup()
        from yhdyspinta.core.workbooks import NotAWorkbook, open_read_only
        try:
            open_read_only(io.BytesIO(bomb.getvalue()))
        except NotAWorkbook:
            print("refused", len(bomb.getvalue()) // 1024 // 1024, "MB packed")
        """
    )
    done = subprocess.run(  # noqa: S603 - the script above
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.stdout.startswith("refused"), done.stderr[-800:]
