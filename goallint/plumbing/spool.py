"""Ts of a long run kept on disk, not in memory: the findings no longer grow a run's memory.

`Engine.run(spool=True)` moves each file's diagnostics into a `Spool` as the file's report arrives (from this
process or a worker). The spool writes them to an anonymous temporary file, one pickled batch per file, and
keeps in memory only where each batch lies and the counts per rule, severity and fix. Without a writable
temporary folder (or once it is full) the batches stay in memory instead: nothing is lost. Iterating the
spool reads one path's batches at a time and yields its diagnostics merged with the group rules' findings
for that path, sorted by the run's key: the same sequence, in the same order, as sorting all in memory.

A diagnostic is stored as a tuple of its fields and rebuilt with its constructor when read back; fixes keep
their classes. A file's batch is packed (sorted, pickled, counted: `pack`) where the file was linted, so that
with `-j` the workers do it and the main process only writes the bytes they send (`Spool.add_batch`).
"""

from __future__ import annotations

import io
import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from typing import IO, Any, NamedTuple, Protocol, TypeVar, overload

T = TypeVar("T", bound="Spooled")
Row = tuple[Any, ...]


class _Fix(Protocol):
    @property
    def applicability(self) -> str: ...


class Spooled(Protocol):
    """What the spool counts of an item (a `goallint.model.T`)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def fix(self) -> _Fix | None: ...


class Batch(NamedTuple):
    """One file's diagnostics as the spool keeps them: pickled rows in the run's order, and what the spool
    counts of them (small: a worker sends this instead of the diagnostics themselves)."""

    data: bytes
    """The pickled rows, then (when `rendered` >= 0) their rendered text: the bytes the spool writes as sent."""
    length: int
    counts: dict[tuple[str, str, str], int]
    fixes: dict[str, int]
    rendered: int = -1
    """The size of the diagnostics rendered one after another (`Spool.render`, UTF-8) at the end of `data`, when
    the run's report is one line each (else -1)."""


def pack(diagnostics: Sequence[T], rows: Callable[[Sequence[T]], list[Row]], key: Callable[[T], Any],
         render: Callable[[T], str] | None = None) -> Batch:
    """A file's diagnostics as a `Batch`: sorted by `key` (a stable sort: what sorting the whole run would
    do to them), turned into rows by `rows`, pickled; with `render`, also rendered (joined)."""
    ordered = sorted(diagnostics, key=key)
    counts: dict[tuple[str, str, str], int] = Counter(map(_NAMED, ordered))  # counted in C, in order of arrival
    fixes: dict[str, int] = Counter([d.fix.applicability for d in ordered if d.fix is not None])
    data = pickle.dumps(rows(ordered), protocol=pickle.HIGHEST_PROTOCOL)
    if render is None:
        return Batch(data, len(ordered), counts, fixes)
    # encoded here, where the file was linted: the main process writes the bytes as they come
    text = "".join(map(render, ordered)).encode("utf-8", "surrogatepass")
    return Batch(data + text, len(ordered), counts, fixes, len(text))


_NAMED = attrgetter("code", "name", "severity")


class Spool(Sequence[T]):
    """A run's diagnostics in a temporary file; iterate it (more than once if needed), `len()` it, count it.
    `rows` and `rebuild` turn a list of them into plain tuples and one tuple back (`model.rows_of`,
    `model.rebuild`: pickling a tuple costs a fraction of a model); `key` is the order of a run's diagnostics
    (`model.sort_key`). With `render` (a report that is one piece of text per diagnostic, in order), each
    batch keeps its diagnostics rendered too, and `rendered` gives the report's text without reading them."""

    def __init__(self, rows: Callable[[Sequence[T]], list[Row]], rebuild: Callable[[Row], T],
                 key: Callable[[T], Any], render: Callable[[T], str] | None = None) -> None:
        self._rows, self._rebuild, self._key = rows, rebuild, key
        self.render = render
        self._files: list[IO[bytes]] = [_temporary()]
        self._batches: dict[str, list[tuple[int, int, int, int]]] = {}
        """path → (file index, offset, size, size of its rendered text or -1) of each batch written for it, in
        arrival order (the rendered text follows the pickled rows)."""
        self._groups: dict[str, list[T]] = {}
        self._length = 0
        self.counts: Counter[tuple[str, str, str]] = Counter()
        """(code, name, severity) → how many."""
        self.fixes: Counter[str] = Counter()
        """Fix applicability (`safe`, `unsafe`) → how many diagnostics offer such a fix."""

    def add(self, path: str, diagnostics: list[T]) -> None:
        """Write one file's diagnostics (the caller drops its own list)."""
        if diagnostics:
            self.add_batch(path, pack(diagnostics, self._rows, self._key, self.render))

    def add_batch(self, path: str, batch: Batch) -> None:
        """Write one file's diagnostics, packed (`pack`, with this spool's `rows`, `key` and `render`)."""
        if not batch.length:
            return
        data = batch.data
        try:
            offset = self._append(self._files[-1], data)
        except OSError:  # the temporary folder is full: what is written stays readable, the rest in memory
            self._files.append(io.BytesIO())
            offset = self._append(self._files[-1], data)
        rendered = batch.rendered
        self._batches.setdefault(path, []).append((len(self._files) - 1, offset,
                                                   len(data) - rendered if rendered >= 0 else len(data), rendered))
        self._length += batch.length
        self.counts.update(batch.counts)
        self.fixes.update(batch.fixes)

    @staticmethod
    def _append(file: IO[bytes], data: bytes) -> int:
        file.seek(0, 2)
        offset = file.tell()
        file.write(data)
        file.flush()
        return offset

    def add_groups(self, diagnostics: list[T]) -> None:
        """The group rules' findings (few), merged into their paths when read."""
        for d in diagnostics:
            self._groups.setdefault(d.path, []).append(d)
        self._note(diagnostics)

    def _note(self, diagnostics: list[T]) -> None:
        self._length += len(diagnostics)
        self.counts.update((d.code, d.name, d.severity) for d in diagnostics)
        self.fixes.update(d.fix.applicability for d in diagnostics if d.fix is not None)

    def _read(self, index: int, offset: int, size: int, _rendered: int = -1) -> list[T]:
        file = self._files[index]
        file.seek(offset)
        rows: list[Row] = pickle.loads(file.read(size))  # noqa: S301 - our own temporary file
        return [self._rebuild(row) for row in rows]

    def _paths(self) -> list[str]:
        return sorted(self._batches.keys() | self._groups.keys())

    def _merged(self, path: str) -> list[T]:
        """A path's diagnostics and group findings in the run's order."""
        found = [d for batch in self._batches.get(path, []) for d in self._read(*batch)]
        found.extend(self._groups.get(path, []))
        found.sort(key=self._key)
        return found

    def __iter__(self) -> Iterator[T]:
        for path in self._paths():
            batches = self._batches.get(path, [])
            if len(batches) == 1 and path not in self._groups:  # a batch is packed in order
                yield from self._read(*batches[0])
            else:
                yield from self._merged(path)

    def rendered(self, render: Callable[[T], str]) -> Iterator[str] | None:
        """The text of `render` over every diagnostic in order, one piece per path, where the batches were
        rendered with this very function (else None: iterate the diagnostics)."""
        if render is not self.render:
            return None
        return self._rendered(render)

    def _rendered(self, render: Callable[[T], str]) -> Iterator[str]:
        for path in self._paths():
            batches = self._batches.get(path, [])
            if len(batches) == 1 and path not in self._groups and batches[0][3] >= 0:
                index, offset, size, rendered = batches[0]
                file = self._files[index]
                file.seek(offset + size)
                yield file.read(rendered).decode("utf-8", "surrogatepass")
            else:
                yield "".join(render(d) for d in self._merged(path))

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return list(self)[index]  # not on any hot path: reports iterate

    def close(self) -> None:
        for file in self._files:
            file.close()


def _temporary() -> IO[bytes]:
    """An anonymous temporary file (gone when closed or when the process ends); memory when there is none
    (a read-only or missing temporary folder)."""
    try:
        return tempfile.TemporaryFile(prefix="goallint-")
    except OSError:
        return io.BytesIO()
