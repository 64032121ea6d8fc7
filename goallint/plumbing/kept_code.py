"""Compiled code kept between runs: the command's regular expressions and its records' generated methods.

A cold one-form run compiles ~130 regular expressions (goallint's own, and those click and Lark compile;
`re` works out each one's matcher code in Python) and the `__init__` of ~100 records (`dataclasses` writes
each as source and compiles it). Neither depends on any form, so what they compile to is kept in the
private cache folder, as the rule packs' snapshot is, and read back in one `marshal.loads` by the next run:

- a regular expression is kept as the arguments `re` hands `_sre.compile` (its flags, matcher code, groups),
  under its pattern and flags: the pattern made from them is the one `re.compile` makes (patterns compare
  equal by their code; `tests/test_kept_code.py`);
- a generated method is kept as the code object its source compiles to, under that source.

The file's name holds what the kept code depends on besides the key: Python's build (`sys.version`), the
bytecode and `_sre` formats and the optimisation level. A missing, broken or foreign file is ignored (and
rewritten); a run that compiled something new rewrites it when it ends. The file is bounded: past
`MAX_ENTRIES` entries, a run keeps only what it used itself (some modules, such as `tokenize`, build
patterns whose text differs from one process to the next). `GOALLINT_CACHE_DIR=` (no cache
folder) turns it off, as it does the snapshots.

`install()` (the command line calls it first) routes `re`'s compilations through `regex()` for the process;
`records.py` routes `dataclasses`' compilations through `code()` while it makes a record.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # re's engine, which has no stubs
import atexit
import marshal
import sys
from types import CodeType
from typing import Any

if sys.version_info >= (3, 11):
    from re import _compiler, _parser  # type: ignore[attr-defined]
else:  # pragma: no cover
    import sre_compile as _compiler
    import sre_parse as _parser

FORMAT = 1
"""Bump when what an entry holds changes shape."""
MAX_ENTRIES = 2048
"""Entries kept at most (a one-form run uses ~350)."""
_DEBUG = 128  # re.DEBUG: such a compilation prints, so it is never kept

_kept: dict[Any, Any] | None = None
"""What the cache file held (read on first use), then what this run added."""
_added = False
_loading = False
_used: set[Any] = set()
"""The keys this run read back or compiled."""
_original_compile = _compiler.compile


def _file_name() -> str:
    import hashlib
    from importlib.util import MAGIC_NUMBER

    stamp = f"{FORMAT}\0{sys.version}\0{MAGIC_NUMBER!r}\0{_sre.MAGIC}\0{sys.flags.optimize}"
    return f"compiled-{hashlib.sha256(stamp.encode()).hexdigest()[:32]}.marshal"


def _path() -> Any:
    from goallint.plumbing.cache_folder import private_folder

    folder = private_folder()
    return None if folder is None else folder / _file_name()


def _entries() -> dict[Any, Any]:
    """The kept entries, read from the cache file on first use. Finding the file imports modules that may
    compile patterns of their own: those are compiled as usual, not kept."""
    global _kept, _loading
    if _kept is None:
        if _loading:
            return {}
        _loading = True
        try:
            found: Any = {}
            path = _path()
            if path is not None:
                try:
                    found = marshal.loads(path.read_bytes())
                except (OSError, ValueError, EOFError, TypeError):
                    pass  # missing or broken: made again, and rewritten at the end of the run
            _kept = found if isinstance(found, dict) else {}
        finally:
            _loading = False
    return _kept


def _remember(key: Any, value: Any) -> None:
    global _added, _kept
    if _kept is None or len(_kept) >= 2 * MAX_ENTRIES:
        return  # compiled while the file is being found, or a process that compiles without end
    _kept[key] = value
    _used.add(key)
    if not _added:
        _added = True
        atexit.register(_save)


def _save() -> None:
    from goallint.plumbing.atomic import write_cache_file

    path = _path()
    if path is None or _kept is None:
        return
    kept = _kept if len(_kept) <= MAX_ENTRIES else {key: _kept[key] for key in _used if key in _kept}
    try:
        data = marshal.dumps(kept)
    except ValueError:  # pragma: no cover - only marshal's own types are kept
        return
    write_cache_file(path, data)


def regex(pattern: Any, flags: int = 0) -> Any:
    """`re`'s internal `_compiler.compile(pattern, flags)`, from the kept arguments when there are some."""
    if not isinstance(pattern, str) or flags & _DEBUG:
        return _original_compile(pattern, flags)
    flags = int(flags)  # `re` hands an int; a `RegexFlag` would not be kept
    key = ("re", pattern, flags)
    found = _entries().get(key)
    if found is not None:
        try:
            compiled = _sre.compile(pattern, *found)
            _used.add(key)
            return compiled
        except (TypeError, ValueError, RuntimeError, OverflowError):
            pass  # not what this `_sre` takes: compiled again below
    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]  # plain ints: `re` names its opcodes
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    arguments = (int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
    compiled = _sre.compile(pattern, *arguments)
    _remember(key, arguments)
    return compiled


def code(source: str) -> CodeType:
    """`compile(source, "<string>", "exec")` as `exec(source)` compiles it, kept under the source."""
    key = ("code", source)
    found = _entries().get(key)
    if isinstance(found, CodeType):
        _used.add(key)
        return found
    compiled = compile(source, "<string>", "exec", dont_inherit=True)
    _remember(key, compiled)
    return compiled


def exec_kept(source: Any, globals: Any = None, locals: Any = None) -> None:
    """`exec` for a module that generates code (`dataclasses`): a source text runs from its kept code."""
    exec(code(source) if isinstance(source, str) else source, globals, locals)  # noqa: S102 - dataclasses' own


def install() -> None:
    """Route `re`'s compilations of this process through `regex()` (each pattern is compiled as before, its
    result the same; only where the work comes from changes). The kept file is read first, so that the
    modules that find it compile their patterns as they would without this."""
    if not hasattr(_compiler, "_code"):  # pragma: no cover - a `re` whose compilation steps differ
        return
    _entries()
    _compiler.compile = regex
