"""Readers turn one file's bytes into forms with exactly located cells. One module per input format."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import goallint.values  # noqa: F401  (the cells a reader returns read their text and value through it)
from goallint.readers.base import Assembler, ReadResult

TEXT_SUFFIXES = (".txt", ".tsv")
STRUCTURED_SUFFIXES = (".yaml", ".yml", ".json")
EXCEL_SUFFIXES = (".xlsx",)
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".xls", ".html", ".htm")
"""Documents as reviewers receive them, each read by its own module (imported only when such a file is read)."""
FORM_SUFFIXES = TEXT_SUFFIXES + STRUCTURED_SUFFIXES + EXCEL_SUFFIXES + DOCUMENT_SUFFIXES
UNREWRITTEN_SUFFIXES = EXCEL_SUFFIXES + DOCUMENT_SUFFIXES
"""Formats `--fix` never rewrites: their findings say the fix, the file stays as it is."""
UNSUPPORTED = {
    ".doc": "旧版 Word 文档（.doc）无法直接读取；请在 Word/WPS 中另存为 .docx（或导出 PDF）后再检查",
    ".wps": "WPS 文字文档无法直接读取；请另存为 .docx（或导出 PDF）后再检查",
    ".et": "WPS 表格文件无法直接读取；请另存为 .xlsx 后再检查",
    ".ofd": "OFD 版式文件无法直接读取；请导出为 PDF 后再检查",
    ".rtf": "RTF 文档无法直接读取；请另存为 .docx 后再检查",
    ".odt": "OpenDocument 文档无法直接读取；请另存为 .docx 后再检查",
    ".ods": "OpenDocument 表格无法直接读取；请另存为 .xlsx 后再检查",
    ".xlsm": "带宏的工作簿无法直接读取；请另存为 .xlsx 后再检查",
    ".mht": "MHT 网页存档无法直接读取；请在浏览器中另存为“网页，仅 HTML”（.html）后再检查",
    ".mhtml": "MHT 网页存档无法直接读取；请在浏览器中另存为“网页，仅 HTML”（.html）后再检查",
}
"""Kinds reviewers are sent that goallint does not read, with what to do instead (a file named explicitly)."""
_IMAGES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif")
_ARCHIVES = (".zip", ".rar", ".7z", ".tar", ".gz")


def unsupported(suffix: str) -> str | None:
    """Why a file of this kind is not read and what to do, for a kind goallint knows it does not read."""
    if suffix in UNSUPPORTED:
        return UNSUPPORTED[suffix]
    if suffix in _IMAGES:
        return "图片无法直接检查；请先做文字识别（OCR），或提供原始的 Word/Excel/PDF 文件"
    if suffix in _ARCHIVES:
        return "压缩包无法直接检查；请先解压，再检查其中的表格文件（或整个文件夹）"
    return None


MAX_FILE_BYTES = 20 * 1024 * 1024
"""Larger inputs are refused (GL002) before they are read: forms are kilobytes, and reading a form file
costs seconds and tens of MB per MB (docs/robustness.md)."""


def _too_large(size: int) -> str:
    return f"file too large ({size / (1024 * 1024):.1f} MB; the limit is {MAX_FILE_BYTES // (1024 * 1024)} MB)"


def read_bytes(data: bytes, path: str, assemble: Assembler | None = None) -> ReadResult:
    """Read a file's bytes by its suffix. Never raises: failures become a GL002 problem. `assemble` replaces
    the layout assembler for the formats read as rows of cells (`convert --explain` traces it)."""
    suffix = Path(path).suffix.lower()
    if len(data) > MAX_FILE_BYTES:
        return ReadResult(path=path, problem=("GL002", _too_large(len(data))))
    try:
        if suffix in STRUCTURED_SUFFIXES:
            from goallint.readers.structured import read as read_structured

            return read_structured(data, path)
        if suffix in EXCEL_SUFFIXES:
            from goallint.readers.excel import read as read_excel

            return read_excel(data, path, assemble)
        if suffix in DOCUMENT_SUFFIXES:
            return _read_document(suffix, data, path, assemble)
        reason = unsupported(suffix)
        if reason is not None:
            return ReadResult(path=path, problem=("GL002", reason))
        from goallint.readers.text import read as read_text

        return read_text(data, path, assemble)
    except Exception as exc:  # a reader bug must not stop the run; the file is reported instead
        return ReadResult(path=path, problem=("GL002", f"读取时出现内部错误（internal reader error）：{type(exc).__name__}: {exc}"))


def _read_document(suffix: str, data: bytes, path: str, assemble: Assembler | None) -> ReadResult:
    if suffix == ".pdf":
        from goallint.readers.pdf import read as read_pdf

        return read_pdf(data, path, assemble)
    if suffix == ".docx":
        from goallint.readers.docx import read as read_docx

        return read_docx(data, path, assemble)
    if suffix == ".xls":
        from goallint.readers.xls import read as read_xls

        return read_xls(data, path, assemble)
    from goallint.readers.html import read as read_html

    return read_html(data, path, assemble)


_OS_REASONS = {errno.ENOENT: "文件不存在：", errno.EACCES: "没有读取权限：", errno.EPERM: "没有读取权限：",
               errno.EISDIR: "这是一个文件夹：", errno.ENAMETOOLONG: "文件名太长：", errno.ELOOP: "符号链接循环："}
"""What an operating system's refusal means, said before its own words."""


def load_path(path: Path, display: str | None = None) -> bytes | ReadResult:
    """A file's bytes, or the GL002 result saying why they cannot be read. Never raises."""
    shown = display if display is not None else str(path)
    try:
        with path.open("rb") as stream:  # the size is checked before reading (a 100 MB file is not read)
            size = os.fstat(stream.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return ReadResult(path=shown, problem=("GL002", _too_large(size)))
            return stream.read(MAX_FILE_BYTES + 1)  # a file that grows while read stops here
    except OSError as exc:
        return ReadResult(path=shown, problem=("GL002", f"无法打开文件（{_OS_REASONS.get(exc.errno or 0, '')}"
                                                        f"{exc.strerror or exc}）"))


def read_path(path: Path, display: str | None = None, assemble: Assembler | None = None) -> ReadResult:
    """Read a file from disk. Never raises."""
    data = load_path(path, display)
    if isinstance(data, ReadResult):
        return data
    return read_bytes(data, display if display is not None else str(path), assemble)


__all__ = ["DOCUMENT_SUFFIXES", "FORM_SUFFIXES", "MAX_FILE_BYTES", "UNREWRITTEN_SUFFIXES", "ReadResult", "load_path",
           "read_bytes", "read_path", "unsupported"]
