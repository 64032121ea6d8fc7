"""Taxonomy profiles (rules/profiles/*.yaml): the 一级/二级 levels of a template, their aliases and switches."""

from __future__ import annotations

import re
from dataclasses import field
from functools import cache, lru_cache
from pathlib import Path
from typing import Annotated, Literal

from goallint.plumbing.input_errors import place, reason
from goallint.plumbing.records import record
from goallint.plumbing.resources import CACHE_ENTRIES, load_yaml, rules_dir
from goallint.plumbing.validation import OPEN, STRICT, Prepared, validate

_MARKUP = re.compile(r"<[^>]{0,80}>|[#*`$\\?？]|\s+")
"""Markup, spaces, and the `?` runs a mirror left between spaced-out characters (`绩?????效`)."""
_TRADITIONAL = str.maketrans(
    "門單稱職責總體績標級產數質時會態經濟備註評準計釋類據項專資況萬額達際實財縣區廳務運轉礎設滿對處發環與護預劃報編號層綜規檢驗響費價認證鑒應盡衛醫療傳統書員導農業補學聯繫電話負簽審見權說來結餘撥當個為這種無東範圍關現執論進壓後條則續屬義採購維養開過動節",
    "门单称职责总体绩标级产数质时会态经济备注评准计释类据项专资况万额达际实财县区厅务运转础设满对处发环与护预划报编号层综规检验响费价认证鉴应尽卫医疗传统书员导农业补学联系电话负签审见权说来结余拨当个为这种无东范围关现执论进压后条则续属义采购维养开过动节",
)
"""Traditional forms of the characters that make up labels (pages converted by a mirror: `績效指標`), so a
label matches in either script; names and values are kept as written."""
_TRADITIONAL_CHARS = re.compile("[" + re.escape("".join(map(chr, _TRADITIONAL))) + "]")
"""Whether a text holds one of those characters: a search is far cheaper than `translate`, which looks every
character up, and nearly every text has none."""
_PARENS = re.compile(r"[（(][^（）()]{0,40}[）)]")
_SCORE = re.compile(r"[（(]?\d+(?:\s*[-~—－]\s*\d+)?[）)]?分$")
"""A scored form's points after a label: `成本指标(0-20)分`, `年度绩效目标(90分)`."""


_PINYIN = re.compile(r"[（(][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]")
"""Pinyin a mirror inserted after characters (`指標(biāo)`)."""


@lru_cache(maxsize=CACHE_ENTRIES)
def plain_label(text: str) -> str:
    """A level label as the template prints it: the pinyin a mirror inserted dropped, traditional characters
    read as simplified (`產(chǎn)出指標(biāo)` → `产出指标`); other text as it is."""
    return _PINYIN.sub("", text).translate(_TRADITIONAL)


@lru_cache(maxsize=CACHE_ENTRIES)  # the same labels and names repeat in every form; bounded whatever the run
def label_key(text: str) -> str:
    """A label as matched against vocabularies: no spaces, no markup, no parenthetical note, no trailing colon or 指标."""
    key = _MARKUP.sub("", text)
    if _TRADITIONAL_CHARS.search(key) is not None:
        key = key.translate(_TRADITIONAL)
    if key.endswith("分"):  # only the end is searched: the pattern backtracks on a long run of digits
        key = key[:-24] + _SCORE.sub("", key[-24:])
    key = _PARENS.sub("", key)
    key = key.replace("（", "").replace("）", "").replace("(", "").replace(")", "").rstrip("：:")
    while key.endswith("指标"):
        key = key[: -len("指标")]
    if key.endswith("指") and len(key) > 2:  # a label cut in the source (`数量指`)
        key = key[:-1]
    return key


@record(kw_only=True)
class Level:
    __pydantic_config__ = OPEN

    label: str
    aliases: list[str] = field(default_factory=list)
    required: bool = False

    def keys(self) -> list[str]:
        return [label_key(self.label), *(label_key(alias) for alias in self.aliases)]


RuleSwitch = Literal["off", "on", "error", "warning", "info"]


def _yaml_off(value: object) -> object:
    """YAML 1.1 reads a bare `off` as False and `on` as True."""
    if isinstance(value, dict):
        return {k: ("off" if v is False else "on" if v is True else v) for k, v in value.items()}
    return value


@record(kw_only=True)
class Detect:
    """When a form's indicator table is of this profile's template: any of the tests holds. Profiles are
    tried in `order` (lowest first); the one marked `default` takes a form no other claims."""

    __pydantic_config__ = STRICT

    order: int = 100
    two_sided: bool = False
    """A two-sided 中期/年度 table."""
    level1: list[str] = field(default_factory=list)
    """一级 labels printed on the form (any of)."""
    level2: list[str] = field(default_factory=list)
    """二级 labels printed on the form (any of)."""
    empty: bool = False
    """A form without indicators."""
    default: bool = False

    def matches(self, two_sided: bool, level1: set[str], level2: set[str], empty: bool) -> bool:
        return (self.two_sided and two_sided) or (self.empty and empty) or \
            any(label_key(label) in level1 for label in self.level1) or \
            any(label_key(label) in level2 for label in self.level2)


@record(kw_only=True)
class Profile:
    """One template's taxonomy. Level keys (`cost`, `output`, `quantity` …) are what rules select on."""

    __pydantic_config__ = OPEN

    name: str
    title: str = ""
    detect: Detect = field(default_factory=Detect)
    """How the reader recognises a form of this template from its own labels."""
    level1: dict[str, Level]
    level2: dict[str, dict[str, Level]]
    cost_levels: list[tuple[str, str]] = field(default_factory=list)
    quantity_levels: list[tuple[str, str]] = field(default_factory=list)
    rules: Annotated[dict[str, RuleSwitch], Prepared(_yaml_off)] = field(default_factory=dict)

    def level1_key(self, label: str) -> str | None:
        """The canonical 一级 key of a label as written (`成本指标` → `cost`), or None."""
        return _level1_index(self.name).get(label_key(label))

    def level2_key(self, label: str, level1: str | None = None) -> tuple[str, str] | None:
        """(一级 key, 二级 key) of a 二级 label; under `level1` first, else under any 一级 of the profile."""
        key = label_key(label)
        index = _level2_index(self.name)
        if level1 is not None and (level1, key) in index:
            return (level1, index[(level1, key)])
        for (parent, alias), child in index.items():
            if alias == key:
                return (parent, child)
        return None

    def is_cost_level(self, level1: str | None, level2: str | None) -> bool:
        return any(level1 == l1 and (level2 == l2 or level2 is None) for l1, l2 in self.cost_levels)

    def is_quantity_level(self, level1: str | None, level2: str | None) -> bool:
        return any(level1 == l1 and level2 == l2 for l1, l2 in self.quantity_levels)


class ProfileError(ValueError):
    """A profile file that cannot be loaded; the message names the file and the key."""


def load_profile_file(path: Path) -> Profile:
    import yaml  # as pydantic, only to validate a profile: the bundled ones come from their snapshot
    from pydantic import ValidationError

    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
        return validate(Profile, data)
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path}: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ProfileError(f"{path}: {place(first['loc'])}: {reason(first)}") from exc


@cache
def profiles() -> dict[str, Profile]:
    """Every bundled profile by name (validated once per install: `snapshot.kept`)."""
    from goallint.plumbing.snapshot import kept

    folder = rules_dir() / "profiles"
    return kept("profiles", [str(folder).encode("utf-8", "surrogateescape")], dict, lambda: _load_profiles(folder))


def _load_profiles(folder: Path) -> dict[str, Profile]:
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        profile = load_profile_file(path)
        found[profile.name] = profile
    return found


def get_profile(name: str) -> Profile:
    try:
        return profiles()[name]
    except KeyError:
        known = ", ".join(sorted(profiles()))
        raise ProfileError(f"unknown profile {name!r} (known: {known})") from None


@cache
def _level1_index(name: str) -> dict[str, str]:
    profile = profiles()[name]
    return {alias: key for key, level in profile.level1.items() for alias in level.keys()}


@cache
def _level2_index(name: str) -> dict[tuple[str, str], str]:
    profile = profiles()[name]
    return {
        (parent, alias): key
        for parent, children in profile.level2.items()
        for key, level in children.items()
        for alias in level.keys()
    }
