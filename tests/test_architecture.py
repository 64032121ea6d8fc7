"""Data flows one way through goallint's modules: no module imports a module of a later stage, not even
inside a function (issue 19).

The stages, from the bottom up (a module may import its own stage and those below it):

- plumbing: files, caches and packaging (`atomic`, `resources`, `safe_yaml`, `outputs`, `named_files`,
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
from pathlib import Path

import goallint

PACKAGE = Path(goallint.__file__).resolve().parent

STAGES = ("plumbing", "model", "values", "layout", "readers", "checks", "engine", "library", "report",
          "commands", "cli")

_BY_NAME = {
    "goallint": "plumbing", "goallint.__main__": "cli", "goallint.cli": "cli",
    "goallint.atomic": "plumbing", "goallint.resources": "plumbing", "goallint.safe_yaml": "plumbing",
    "goallint.outputs": "plumbing", "goallint.named_files": "plumbing", "goallint.walk": "plumbing",
    "goallint.spool": "plumbing", "goallint.snapshot": "plumbing", "goallint.cache_folder": "plumbing",
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


def upward_imports() -> set[str]:
    rank = {stage: index for index, stage in enumerate(STAGES)}
    found: set[str] = set()
    for path in all_modules():
        importer = module_name(path)
        for imported in imports_of(path):
            if rank[stage_of(imported)] > rank[stage_of(importer)]:
                found.add(f"{importer} -> {imported}")
    return found


def test_every_module_has_a_stage() -> None:
    modules = [module_name(path) for path in all_modules()]
    assert len(modules) > 50
    for module in modules:
        assert stage_of(module) in STAGES


def test_the_import_walker_sees_imports_inside_functions(tmp_path: Path) -> None:
    # The walker is what the main test rests on: it must see a function's import, a relative one, and
    # tell a module imported with `from package import module` from a name in that package.
    engine = PACKAGE / "engine.py"
    assert "goallint.checks" in imports_of(engine)
    assert module_name(PACKAGE / "layout" / "__init__.py") == "goallint.layout"
    assert stage_of("goallint.layout.assembler") == "layout"
    assert stage_of("goallint.commands.check") == "commands"
    assert _is_module("goallint.layout.assembler") and not _is_module("goallint.layout.assemble")


def test_no_module_imports_a_later_stage() -> None:
    found = upward_imports()
    new = sorted(found - KNOWN_UPWARD)
    assert not new, "upward imports (a module importing a later stage):\n" + "\n".join(new)


def test_the_known_upward_imports_are_still_there() -> None:
    gone = sorted(KNOWN_UPWARD - upward_imports())
    assert not gone, "removed upward imports: delete them from KNOWN_UPWARD:\n" + "\n".join(gone)
