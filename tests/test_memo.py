"""The bounded memo every per-text cache uses: it answers as its function, works each answer out once while it
holds it, never holds more than CACHE_ENTRIES, and when full forgets its older half, not the answers just made."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from goallint.plumbing.memo import Memo, make_room
from goallint.plumbing.resources import CACHE_ENTRIES


def test_memo_answers_as_its_function_once_each_and_stays_bounded() -> None:
    asked: list[int] = []

    def double(number: int) -> int:
        asked.append(number)
        return 2 * number

    memo: Memo[int, int] = Memo(double)
    assert [memo[n] for n in (1, 2, 1, 2)] == [2, 4, 2, 4] and asked == [1, 2]
    for number in range(CACHE_ENTRIES * 2 + 10):
        assert memo[number] == 2 * number
        assert len(memo) <= CACHE_ENTRIES
    latest = CACHE_ENTRIES * 2 + 9
    asked.clear()
    assert memo[latest] == 2 * latest and asked == []  # the newest answers survive a make_room
    assert memo[0] == 0 and asked == [0]  # the oldest were forgotten and are worked out again


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(), unique=True, min_size=1, max_size=60))
def test_make_room_forgets_the_older_half_in_order(keys: list[int]) -> None:
    memo = {key: str(key) for key in keys}
    make_room(memo)
    kept = keys[len(keys) // 2:]
    assert list(memo) == kept and all(memo[key] == str(key) for key in kept)
