"""Detect a form's taxonomy profile from its own labels, and re-home 二级 cells carried under the wrong 一级."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from goallint.layout.vocab import cell_key
from goallint.model import AnyForm, DerivedCell, Indicator
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
    level1 = {cell_key(indicator.level1) for indicator in indicators if indicator.level1 is not None}
    level2 = {cell_key(indicator.level2) for indicator in indicators if indicator.level2 is not None}
    known = _in_detection_order()
    for profile in known:
        if profile.detect.matches(two_sided, level1, level2, not indicators):
            return profile.name
    return next((profile.name for profile in known if profile.detect.default), known[-1].name)


def repair_levels(indicators: list[Indicator], profile_name: str, own_level1: list[bool]) -> list[Indicator]:
    """A carried-down 一级 that its 二级 cannot belong to (004: 服务对象满意度 under 效益) is dropped, so the
    profile resolves the 一级 from the 二级; a 一级 written on the row itself is kept as written."""
    profile = get_profile(profile_name)
    out = []
    for indicator, own in zip(indicators, own_level1, strict=True):
        if not own and indicator.level1 is not None and indicator.level2 is not None:
            level1 = profile.level1_key(indicator.level1.raw)
            level2 = cell_key(indicator.level2)
            home = profile.level2_key(level2, level1) if level1 is not None else None
            if home is not None and home[0] != level1:
                indicator = replace(indicator, level1=None)
        out.append(indicator)
    return out


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
