"""Hostile and broken documents: each is one finding saying what to do, never a traceback, in bounded time and
memory (a subprocess reads them all and reports its peak memory)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from goallint.readers import read_bytes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def pdf_of(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file of these objects (numbered from 1), with a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def content_page(stream: bytes, count: int = 1, filters: bytes = b"") -> bytes:
    head = b"<< /Length %d%s >>\nstream\n" % (len(stream), b" /Filter " + filters if filters else b"")
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                   b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                   head + stream + b"\nendstream"])


def scanned_pdf() -> bytes:
    """A page with drawing only, as a scan is an image with no text."""
    return content_page(b"0 0 0 rg 50 50 400 600 re f")


def encrypted_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, encrypt="secret")
    page.drawString(72, 720, "project")
    page.save()
    return out.getvalue()


def docx_with(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


def nested_docx(depth: int) -> bytes:
    inner = "<w:p><w:r><w:t>项目名称</w:t></w:r></w:p>"
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl><w:p/>"
    return _docx_body(inner)


def _docx_body(inner: str) -> bytes:
    """The example document with this body."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = f'<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>{inner}</w:body></w:document>'
    source = (EXAMPLES / "docx" / "001_8dd0aec2d39c09c7.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        members = {m: archive.read(m) for m in archive.namelist()}
    members["word/document.xml"] = body.encode("utf-8")
    return docx_with(members)


HOSTILE: dict[str, tuple[str, bytes | None, str]] = {
    # name: (file name, bytes (None: made by the test), what the one finding must say)
    "scanned": ("扫描件.pdf", None, "OCR"),
    "encrypted": ("加密.pdf", None, "密码"),
    "truncated": ("截断.pdf", None, "重新导出"),
    "not-a-pdf": ("假.pdf", b"PK\x03\x04 this is a zip", "不是 PDF"),
    "flate-bomb": ("炸弹.pdf", None, "压缩炸弹"),
    "double-flate-bomb": ("两层炸弹.pdf", None, "压缩炸弹"),
    "truncated-flate-bomb": ("截断炸弹.pdf", None, "压缩炸弹"),
    "run-length-bomb": ("行程炸弹.pdf", content_page(b"\x81 " * 150_000, filters=b"/RunLengthDecode"), "压缩炸弹"),
    "page-loop": ("循环.pdf", pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                                      b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                      b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>"]), "PDF"),
    "self-reference": ("自引用.pdf", pdf_of([b"<< /Type /Catalog /Pages 1 0 R /Kids [1 0 R] >>"]), "PDF"),
    "claimed-pages": ("页数.pdf", content_page(b"BT ET", count=1_000_000_000), "OCR"),
    "reference-loop": ("引用循环.pdf", pdf_of([  # /Length 5 0 R, 5 names 6, 6 names 5: pdfminer looped forever
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 5 0 R >>\nstream\nBT ET\nendstream", b"6 0 R", b"5 0 R"]), "重新导出"),
    "resource-loop": ("资源循环.pdf", pdf_of([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources 5 0 R >>",
        b"<< /Length 30 >>\nstream\nBT /F1 12 Tf (x) Tj ET\nendstream", b"<< /Font << /F1 6 0 R >> >>",
        b"6 0 R"]), "重新导出"),
    "form-xobject-loop": ("自绘.pdf", pdf_of([  # a form XObject that draws itself
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /XObject << /X1 5 0 R >> >> >>",
        b"<< /Length 6 >>\nstream\n/X1 Do\nendstream",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /X1 5 0 R >> >>"
        b" /Length 6 >>\nstream\n/X1 Do\nendstream"]), "OCR"),
    "dense-text": ("百万字.pdf", content_page(zlib.compress(b"BT /F1 1 Tf (" + b"a" * 1_000_000 + b") Tj ET"),
                                                filters=b"/FlateDecode"), "字符和线段"),
    "dense-path": ("百万线.pdf", content_page(zlib.compress(b"0 0 m " + b"1 1 l " * 1_000_000 + b"S"),
                                                filters=b"/FlateDecode"), "字符和线段"),
    "dense-rects": ("框.pdf", content_page(zlib.compress(b"0 0 1 1 re f\n" * 300_000), filters=b"/FlateDecode"),
                    "字符和线段"),
    "docx-bomb": ("炸弹.docx", None, "压缩炸弹"),
    "docx-ole": ("加密.docx", OLE + b"\0" * 1024, "密码"),
    "docx-broken": ("损坏.docx", b"PK\x03\x04" + b"\0" * 100, "损坏"),
    "docx-no-body": ("空.docx", docx_with({"[Content_Types].xml": b"<Types/>"}), "word/document.xml"),
    "docx-nested": ("嵌套.docx", None, "嵌套过深"),
    "docx-many-cells": ("大表.docx", None, "段落和单元格"),
    "html-many-cells": ("大表.html", b"<table><tr>" + b"<td>x" * 110_000, "单元格"),
    "xls-truncated": ("截断.xls", None, "损坏"),
    "xls-garbage": ("乱码.xls", b"\x00\x01\x02 garbage", "不是 Excel"),
    "html-nested": ("嵌套.html", ("<html><body>" + "<table><tr><td>" * 20000 + "项目名称").encode(), ""),
    "html-spans": ("合并.html", ("<table>" + "<tr>" + '<td rowspan="65534" colspan="1000">x</td>' * 600
                                 + "</tr>" * 400 + "</table>").encode(), "单元格"),
    "html-entities": ("实体.html", ('<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body>'
                                   "<p>&x;</p><script>document.write('项目名称')</script>"
                                   "<iframe src='http://127.0.0.1:9/'></iframe></body></html>").encode(),
                      "没有找到绩效目标表"),
}


def made(name: str) -> bytes:
    shown, data, _ = HOSTILE[name]
    if data is not None:
        return data
    if name == "scanned":
        return scanned_pdf()
    if name == "encrypted":
        return encrypted_pdf()
    if name == "truncated":
        return (EXAMPLES / "pdf" / "001_8dd0aec2d39c09c7.pdf").read_bytes()[:400]
    bomb = zlib.compress(b" " * (40 * 1024 * 1024), 9)
    if name == "flate-bomb":
        return content_page(bomb, filters=b"/FlateDecode")
    if name == "double-flate-bomb":  # 40 KB inflating to 40 KB, which inflates to 40 MB
        return content_page(zlib.compress(bomb, 9), filters=b"[/FlateDecode /FlateDecode]")
    if name == "truncated-flate-bomb":  # pdfminer retries a truncated stream byte by byte
        return content_page(bomb[:-8], filters=b"/FlateDecode")
    if name == "docx-bomb":
        return docx_with({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * (80 * 1024 * 1024)})
    if name == "docx-nested":
        return nested_docx(300)
    if name == "docx-many-cells":  # 120,000 cells of distinct text: within the size and ratio limits
        cells = "".join(f"<w:tc><w:p><w:r><w:t>{n * 7919 % 1000003:x}</w:t></w:r></w:p></w:tc>" for n in range(60_000))
        return _docx_body(f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>")
    if name == "xls-truncated":
        return (EXAMPLES / "xls" / "001_8dd0aec2d39c09c7.xls").read_bytes()[:2048]
    raise AssertionError(name)


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, (shown, _, _) in HOSTILE.items():
        (folder / shown).write_bytes(made(name))
    return folder


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_document_is_one_clear_finding(name: str, hostile_dir: Path) -> None:
    shown, _, says = HOSTILE[name]
    result = read_bytes((hostile_dir / shown).read_bytes(), shown)
    if result.problem is None:  # read: what it holds is forms, not a crash
        assert not says
        return
    code, message = result.problem
    assert code in ("GL001", "GL002") and says in message, message
    assert "internal reader error" not in message and "Traceback" not in message
    assert any("\u4e00" <= char <= "\u9fff" for char in message)  # said in Chinese


def test_hostile_documents_stay_within_time_and_memory(hostile_dir: Path) -> None:
    code = ("import json, resource, sys, time\nfrom pathlib import Path\nfrom goallint.readers import read_path\n"
            "out = {}\nfor path in sorted(Path(sys.argv[1]).iterdir()):\n"
            "    start = time.perf_counter()\n    result = read_path(path)\n"
            "    out[path.name] = [time.perf_counter() - start, result.problem]\n"
            "status = Path('/proc/self/status')\n"  # VmHWM: this program's peak (ru_maxrss keeps the parent's at fork)
            "hwm = [int(line.split()[1]) for line in status.read_text().splitlines() if line.startswith('VmHWM')]\n"
            "out['peak_mb'] = (hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024\n"
            "print(json.dumps(out))")
    done = subprocess.run([sys.executable, "-c", code, str(hostile_dir)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    peak = report.pop("peak_mb")
    assert peak <= 300, report
    slow = {name: seconds for name, (seconds, _) in report.items() if seconds > 20}
    assert slow == {}, report


def test_a_hostile_folder_run_has_no_traceback(hostile_dir: Path) -> None:
    from click.testing import CliRunner

    from goallint.cli import main

    result = CliRunner().invoke(main, ["check", "--no-cache", "--no-progress", "--format", "json", str(hostile_dir)])
    assert result.exit_code == 1 and "Traceback" not in result.stdout + result.stderr
    data = json.loads(result.stdout)
    per_file: dict[str, int] = {}
    for diagnostic in data["diagnostics"]:
        if diagnostic["code"] in ("GL001", "GL002"):
            per_file[diagnostic["path"]] = per_file.get(diagnostic["path"], 0) + 1
    assert set(per_file.values()) == {1}


def test_gb2312_declared_and_unknown_charsets() -> None:
    page = "<html><head><meta charset=GB2312></head><body><table><tr><td>项目名称</td><td>党建经费</td></tr></table>"
    from goallint.readers.html import decode, document_rows

    assert decode(page.encode("gb2312"))[1] == "gb18030"
    rows = document_rows(page.encode("gb2312")).rows
    assert [cell.raw for cell in rows[0]] == ["项目名称", "党建经费"]
    unknown = page.replace("GB2312", "x-no-such-charset").encode("utf-8")
    assert [cell.raw for cell in document_rows(unknown).rows[0]] == ["项目名称", "党建经费"]
