"""Rule packs and profiles kept validated between runs, so that a run over unchanged packs validates none.

Validating the bundled packs and profiles imports pydantic and builds the validators of ~40 dataclasses (the
check kinds' `Params`, `Rule`, `Pack`, `Selector`, `When`, `Profile`); what it makes is plain dataclasses,
so read back from a pickle they need no pydantic at all. A snapshot is kept under a hash of everything its
content depends on: goallint's code and data, Python's and the libraries' versions (`cache_folder.code_stamp`) and the caller's
own parts (for the packs: each pack file's path and bytes). It lives beside the result cache, in the private
`<cache folder>/results/`, is written atomically, and is used only when whole, keyed right and of the
expected type; anything else is made again (and rewritten). What `make` raises (a broken pack) is never kept.
Writing a snapshot prunes the folder (at most once an hour; the newest `cache_folder.SNAPSHOTS` snapshots
stay), so it stays bounded even when reports are never kept (`--no-cache`).

Unlike the result cache, snapshots stay on with `--no-cache`: like Lark's tables they depend on no input
form. `GOALLINT_CACHE_DIR=` (no cache folder at all) turns them off too.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterable
from typing import TypeVar

from goallint.plumbing.atomic import write_cache_file
from goallint.plumbing.cache_folder import code_stamp, private_folder, prune_folder

FORMAT = 1
"""Bump when what a snapshot holds changes shape in a way the code hash would not see."""

T = TypeVar("T")


def kept(name: str, parts: Iterable[bytes], expected: type[T], make: Callable[[], T]) -> T:
    """`make()`, or what it returned on an earlier run with the same code and the same `parts`."""
    folder = private_folder()
    if folder is None:
        return make()
    digest = hashlib.sha256(f"{FORMAT}\0{name}\0{code_stamp(folder)}\0".encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "little") + part)
    key = digest.hexdigest()
    path = folder / f"{name}-{key[:40]}.snapshot"
    try:
        stored, value = pickle.loads(path.read_bytes())  # noqa: S301 - our own private folder, as the results
        if stored == key and isinstance(value, expected):
            return value
    except Exception:  # noqa: BLE001,S110 - a missing, partial or foreign snapshot is made again
        pass
    value = make()
    try:
        data = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - what cannot be pickled is simply not kept
        return value
    write_cache_file(path, data)
    prune_folder(folder)  # at most once an hour: bounded even for runs that never keep a report
    return value
