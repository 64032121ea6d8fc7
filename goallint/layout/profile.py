"""Detect a form's taxonomy profile from its own labels, and re-home 二级 cells carried under the wrong 一级."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from goallint.layout.vocab import key_of
from goallint.model import AnyForm, DerivedCell, Indicator
from goallint.plumbing.memo import Memo
from goallint.profiles import Profile, get_profile, profiles


@cache
def _in_detection_order() -> list[Profile]:
    """The profiles in the order their `detect` tests are tried (worked out once, asked for every form)."""
    return sorted(profiles().values(), key=lambda profile: (profile.detect.order, profile.name))


def detect_profile(form: AnyForm, two_sided: bool) -> str:
    """The profile whose `detect` tests the form's own labels meet, tried in order (rules/profiles/*.yaml:
    `dg2019` two-sided or 预期产出/效果, `national2015` satisfaction a 二级 under 效益, `dg2025` a 成本 一级 or
    no indicators, else the default `legacy`).

    A department form follows the same tests: the 2024 部门整体 template (004) has no 成本 一级, the 2025 one has."""
    return profile_of(form.indicators, two_sided)


def profile_of(indicators: Sequence[Indicator], two_sided: bool) -> str:
    """`detect_profile` of a form with these indicators."""
    level1 = frozenset([key_of(indicator.level1.raw) for indicator in indicators if indicator.level1 is not None])
    level2 = frozenset([key_of(indicator.level2.raw) for indicator in indicators if indicator.level2 is not None])
    return _detected[(two_sided, level1, level2, not indicators)]


def _detect(labels: tuple[bool, frozenset[str], frozenset[str], bool]) -> str:
    """The profile of a form by (two-sided, its 一级 keys, its 二级 keys, no indicators): forms of one template
    print the same labels, so this is worked out once for each template a run meets."""
    two_sided, level1, level2, empty = labels
    known = _in_detection_order()
    for profile in known:
        if profile.detect.matches(two_sided, level1, level2, empty):  # type: ignore[arg-type]
            return profile.name
    return next((profile.name for profile in known if profile.detect.default), known[-1].name)


_detected: Memo[tuple[bool, frozenset[str], frozenset[str], bool], str] = Memo(_detect)


def repair_levels(indicators: list[Indicator], profile_name: str, own_level1: list[bool]) -> list[Indicator]:
    """A carried-down 一级 that its 二级 cannot belong to (004: 服务对象满意度 under 效益) is dropped, so the
    profile resolves the 一级 from the 二级; a 一级 written on the row itself is kept as written."""
    out = []
    for indicator, own in zip(indicators, own_level1, strict=True):
        if not own and indicator.level1 is not None and indicator.level2 is not None and _misplaced[
                (profile_name, indicator.level1.raw, indicator.level2.raw)]:
            indicator = replace(indicator, level1=None)
        out.append(indicator)
    return out


def _is_misplaced(labels: tuple[str, str, str]) -> bool:
    """Whether a 二级 label (raw) belongs under another 一级 than the one (raw) carried down to it, in a profile."""
    profile_name, level1_raw, level2_raw = labels
    profile = get_profile(profile_name)
    level1 = profile.level1_key(level1_raw)
    home = profile.level2_key(key_of(level2_raw), level1) if level1 is not None else None
    return home is not None and home[0] != level1


_misplaced: Memo[tuple[str, str, str], bool] = Memo(_is_misplaced)
"""`_is_misplaced` by (profile, 一级, 二级): each form of a template carries the same labels down."""


def infer_levels(indicators: list[Indicator], profile_name: str) -> list[Indicator]:
    """A 一级 not printed on its rows but implied by their 二级 (101: rows of 数量指标 above the 产出指标 cell
    of a merged block; 121: 时效指标 with no 一级 at all) is the profile's 一级 of that 二级, located at the 二级."""
    profile = get_profile(profile_name)
    out = []
    for indicator in indicators:
        if indicator.level1 is None and indicator.level2 is not None:
            home = profile.level2_key(indicator.level2.raw)
            if home is not None:
                indicator = replace(indicator, level1=DerivedCell(profile.level1[home[0]].label + "指标",
                                                                  indicator.level2.span))
        out.append(indicator)
    return out
