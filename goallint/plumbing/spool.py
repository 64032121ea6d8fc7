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
    length: int
    counts: dict[tuple[str, str, str], int]
    fixes: dict[str, int]


def pack(diagnostics: Sequence[T], rows: Callable[[Sequence[T]], list[Row]], key: Callable[[T], Any]) -> Batch:
    """A file's diagnostics as a `Batch`: sorted by `key` (a stable sort: what sorting the whole run would
    do to them), turned into rows by `rows`, pickled."""
    ordered = sorted(diagnostics, key=key)
    counts: Counter[tuple[str, str, str]] = Counter((d.code, d.name, d.severity) for d in ordered)
    fixes: Counter[str] = Counter(d.fix.applicability for d in ordered if d.fix is not None)
    data = pickle.dumps(rows(ordered), protocol=pickle.HIGHEST_PROTOCOL)
    return Batch(data, len(ordered), dict(counts), dict(fixes))


class Spool(Sequence[T]):
    """A run's diagnostics in a temporary file; iterate it (more than once if needed), `len()` it, count it.
    `rows` and `rebuild` turn a list of them into plain tuples and one tuple back (`model.rows_of`,
    `model.rebuild`: pickling a tuple costs a fraction of a model); `key` is the order of a run's diagnostics
    (`model.sort_key`)."""

    def __init__(self, rows: Callable[[Sequence[T]], list[Row]], rebuild: Callable[[Row], T],
                 key: Callable[[T], Any]) -> None:
        self._rows, self._rebuild, self._key = rows, rebuild, key
        self._files: list[IO[bytes]] = [_temporary()]
        self._batches: dict[str, list[tuple[int, int, int]]] = {}
        """path → (file index, offset, size) of each batch written for it, in arrival order."""
        self._groups: dict[str, list[T]] = {}
        self._length = 0
        self.counts: Counter[tuple[str, str, str]] = Counter()
        """(code, name, severity) → how many."""
        self.fixes: Counter[str] = Counter()
        """Fix applicability (`safe`, `unsafe`) → how many diagnostics offer such a fix."""

    def add(self, path: str, diagnostics: list[T]) -> None:
        """Write one file's diagnostics (the caller drops its own list)."""
        if diagnostics:
            self.add_batch(path, pack(diagnostics, self._rows, self._key))

    def add_batch(self, path: str, batch: Batch) -> None:
        """Write one file's diagnostics, packed (`pack`, with this spool's `rows` and `key`)."""
        if not batch.length:
            return
        data = batch.data
        try:
            offset = self._append(self._files[-1], data)
        except OSError:  # the temporary folder is full: what is written stays readable, the rest in memory
            self._files.append(io.BytesIO())
            offset = self._append(self._files[-1], data)
        self._batches.setdefault(path, []).append((len(self._files) - 1, offset, len(data)))
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

    def _read(self, index: int, offset: int, size: int) -> list[T]:
        file = self._files[index]
        file.seek(offset)
        rows: list[Row] = pickle.loads(file.read(size))  # noqa: S301 - our own temporary file
        return [self._rebuild(row) for row in rows]

    def __iter__(self) -> Iterator[T]:
        for path in sorted(self._batches.keys() | self._groups.keys()):
            batches, groups = self._batches.get(path, []), self._groups.get(path)
            if len(batches) == 1 and not groups:  # a batch is packed in order
                yield from self._read(*batches[0])
                continue
            found = [d for batch in batches for d in self._read(*batch)]
            found.extend(groups or [])
            found.sort(key=self._key)
            yield from found

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
