"""Data flows one way through goallint's modules: no module imports a module of a later stage, not even
inside a function (issue 19).

The stages, from the bottom up (a module may import its own stage and those below it):

- plumbing (`goallint/plumbing/`): files, caches and packaging (`atomic`, `resources`, `safe_yaml`, `outputs`, `named_files`,
  `walk`, `spool`, `snapshot`, `cache_folder`) — any stage may use them, and they import only each other;
- model: the forms, cells and diagnostics every later stage passes along (it parses nothing);
- values: reading a cell's text into a value, and the arithmetic on values (`values`, `arith`, `lexing`);
- layout: the templates (`profiles`) and the assembler that turns rows of cells into forms;
- readers: one file's bytes into rows, handed to the layout;
- checks: the check kinds and the rule packs and configuration that choose them;
- engine: running the checks over files, its results and their cache;
- fixer, baseline, grade: library code over the engine's results, returning data;
- report: rendering results;
- commands: the subcommands, which print and choose exit codes; then `cli`, the command line itself.

The model sits below the reading stages although the data reaches it through them: it is the vocabulary
they write in, and it imports nothing of theirs.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import goallint

PACKAGE = Path(goallint.__file__).resolve().parent

STAGES = ("plumbing", "model", "values", "layout", "readers", "checks", "engine", "library", "report",
          "commands", "cli")

_BY_NAME = {
    "goallint": "plumbing", "goallint.__main__": "cli", "goallint.cli": "cli",
    "goallint.model": "model",
    "goallint.lexing": "values",
    "goallint.profiles": "layout",
    "goallint.structured_format": "readers",
    "goallint.packs": "checks", "goallint.config": "checks",
    "goallint.engine": "engine", "goallint.result_cache": "engine", "goallint.selection": "engine",
    "goallint.results": "engine", "goallint.edits": "engine",
    "goallint.fixer": "library", "goallint.baseline": "library", "goallint.grade": "library",
}
_BY_PACKAGE = {
    "goallint.plumbing": "plumbing", "goallint.values": "values", "goallint.arith": "values",
    "goallint.layout": "layout", "goallint.readers": "readers", "goallint.checks": "checks",
    "goallint.engine": "engine", "goallint.report": "report", "goallint.commands": "commands",
}

# Upward imports not yet removed, each written "importer -> imported". This list only shrinks: the test
# fails on an upward import not listed here, and on a listed one that is gone (so it is deleted from here).
KNOWN_UPWARD: frozenset[str] = frozenset()


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> str:
    if module in _BY_NAME:
        return _BY_NAME[module]
    prefix = module
    while "." in prefix:
        if prefix in _BY_PACKAGE:
            return _BY_PACKAGE[prefix]
        prefix = prefix.rsplit(".", 1)[0]
    raise AssertionError(f"{module}: no stage; add it to tests/test_architecture.py")


def imports_of(path: Path) -> set[str]:
    """Every goallint module `path` imports, at the top or inside a function (`from a import b` counts as
    importing `a.b` when that is a module, else `a`)."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if _is_module(sub) else target)
    return {name for name in found if name == "goallint" or name.startswith("goallint.")}


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:]) if "." in name else Path()
    return name.startswith("goallint.") and ((PACKAGE / relative).with_suffix(".py").is_file()
                                              or (PACKAGE / relative / "__init__.py").is_file())


def all_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def is_upward(importer: str, imported: str) -> bool:
    return STAGES.index(stage_of(imported)) > STAGES.index(stage_of(importer))


def upward_imports() -> set[str]:
    return {f"{module_name(path)} -> {imported}" for path in all_modules() for imported in imports_of(path)
            if is_upward(module_name(path), imported)}


def test_every_module_has_a_stage() -> None:
    modules = [module_name(path) for path in all_modules()]
    assert len(modules) > 50
    for module in modules:
        assert stage_of(module) in STAGES


def test_the_import_walker_sees_imports_inside_functions() -> None:
    # The walker is what the main test rests on: it must see an import inside a function (the engine
    # imports the spool only in `run`), and tell a module imported with `from package import module` from a
    # name in that package.
    engine = PACKAGE / "engine.py"
    top = {node.module for node in ast.parse(engine.read_text(encoding="utf-8")).body
           if isinstance(node, ast.ImportFrom)}
    assert "goallint.plumbing.spool" not in top and "goallint.plumbing.spool" in imports_of(engine)
    assert "goallint.checks" in imports_of(engine)
    assert "goallint.checks.support.value_facts" in imports_of(PACKAGE / "checks" / "pair.py")  # from goallint.checks import value_facts
    assert module_name(PACKAGE / "layout" / "__init__.py") == "goallint.layout"
    assert stage_of("goallint.layout.assembler") == "layout"
    assert stage_of("goallint.commands.check") == "commands"
    assert _is_module("goallint.layout.assembler") and not _is_module("goallint.layout.assemble")


def test_what_counts_as_upward() -> None:
    # The knots issue 19 named, as they would be found again.
    assert is_upward("goallint.model", "goallint.values")
    assert is_upward("goallint.engine", "goallint.fixer")
    assert is_upward("goallint.fixer", "goallint.cli") and is_upward("goallint.baseline", "goallint.cli")
    assert is_upward("goallint.commands.check", "goallint.cli")
    assert is_upward("goallint.plumbing.snapshot", "goallint.result_cache") and is_upward("goallint.plumbing.spool", "goallint.model")
    assert not is_upward("goallint.cli", "goallint.commands.check")
    assert not is_upward("goallint.checks.support.base", "goallint.profiles")


def test_no_module_imports_a_later_stage() -> None:
    found = upward_imports()
    new = sorted(found - KNOWN_UPWARD)
    assert not new, "upward imports (a module importing a later stage):\n" + "\n".join(new)


def test_the_known_upward_imports_are_still_there() -> None:
    gone = sorted(KNOWN_UPWARD - upward_imports())
    assert not gone, "removed upward imports: delete them from KNOWN_UPWARD:\n" + "\n".join(gone)


def import_loops() -> list[list[str]]:
    """The groups of modules that import one another, directly or around a loop (Tarjan's components)."""
    graph = {module_name(path): imports_of(path) - {module_name(path)} for path in all_modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    loops: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in graph:
                continue
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                loops.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return loops


def test_no_import_loops() -> None:
    # Within a stage too: the engine and its result cache, the fixer and the engine, once imported each other.
    assert not import_loops(), import_loops()


def test_a_loop_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    real = imports_of

    def with_engine_importing_the_fixer(path: Path) -> set[str]:
        found = real(path)
        return found | {"goallint.fixer"} if module_name(path) == "goallint.engine" else found

    monkeypatch.setattr(sys.modules[__name__], "imports_of", with_engine_importing_the_fixer)
    assert any({"goallint.engine", "goallint.fixer"} <= set(loop) for loop in import_loops())
