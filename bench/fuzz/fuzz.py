"""Fuzz goallint's parsers: coverage-guided with atheris when it is installed, else a plain random driver.

Usage:
  .venv/bin/python bench/fuzz/fuzz.py TARGET [--seconds 180] [--driver atheris|random] [--seed N]

TARGET is one of: values (the value grammar), text (the text reader), yaml, json (the structured reader),
xlsx (the workbook reader), packyaml (the pack/config YAML loader), expr (the assert expression language),
check (text reader + every rule, as `goallint check` runs them).

Each target feeds the bytes to one entry point and fails on any exception that escapes it, on an
"internal reader error" GL002 (a reader bug caught by the safety net) and on an internal error of a rule.
The seed inputs are the example forms, the seed values, and the packs' expressions. Findings are written to
the current folder (atheris: crash-*; random: fuzz-crash-TARGET-*.bin) and printed with a traceback.
`pip install atheris` (a binary wheel for CPython 3.11 on x86-64 Linux: no compiler needed) for the
coverage-guided driver; the random driver mutates the seeds (byte flips, splices, inserted tokens).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

Target = Callable[[bytes], None]


class Bug(AssertionError):
    """The target reached a state it must not (an internal error caught by a safety net)."""


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def fuzz_values(data: bytes) -> None:
    from goallint.values import normalize, parse_value
    from goallint.values.grammar import parse_normalized

    raw = _text(data)[:500]
    value = parse_normalized(normalize(raw).text)
    value.to_contract()
    parse_value(raw)


def _read(suffix: str) -> Target:
    def target(data: bytes) -> None:
        from goallint.readers import read_bytes

        result = read_bytes(data, f"fuzz{suffix}")
        if result.problem is not None and "internal reader error" in result.problem[1]:
            raise Bug(result.problem[1])

    return target


def fuzz_packyaml(data: bytes) -> None:
    import yaml

    from goallint.config import ConfigError, parse_config
    from goallint.packs import PackError, parse_pack
    from goallint.plumbing import safe_yaml

    try:
        loaded = safe_yaml.load(_text(data))
    except yaml.YAMLError:
        return
    for parse, error in ((lambda d: parse_pack(d, {}), PackError), (lambda d: parse_config(d, "fuzz.yaml"), ConfigError)):
        try:
            parse(loaded)
        except error:
            pass


def fuzz_expr(data: bytes) -> None:
    from goallint.arith.expr import EvalError, ExprError, compile_expr, evaluate, holds, render
    from goallint.checks.assert_ import FIELD_KINDS

    try:
        compiled = compile_expr(_text(data)[:600], FIELD_KINDS)
    except ExprError:
        return
    rng = random.Random(data)
    env: dict[str, Decimal | list[Decimal] | None] = {}
    for name, kind in FIELD_KINDS.items():
        number = Decimal(rng.choice(["0", "1", "-3.5", "1e20", "99999999999999", "0.001"]))
        env[name] = [number] * rng.randint(0, 3) if kind == "list" else rng.choice([number, None])
    try:
        left, right = evaluate(compiled.left, env), evaluate(compiled.right, env)
        holds(compiled.op, left, right, compiled.tolerance or Decimal(0))
    except EvalError:
        pass
    render(compiled.left, env, {})


_ENGINE = None


def fuzz_check(data: bytes) -> None:
    global _ENGINE
    from goallint.engine import make_engine
    from goallint.readers import read_bytes

    if _ENGINE is None:
        _ENGINE = make_engine(select=["ALL"])
    report = _ENGINE.lint_result(read_bytes(data, "fuzz.txt"))
    if report.errors:
        raise Bug(report.errors[0])


TARGETS: dict[str, Target] = {
    "values": fuzz_values, "text": _read(".txt"), "yaml": _read(".yaml"), "json": _read(".json"),
    "xlsx": _read(".xlsx"), "packyaml": fuzz_packyaml, "expr": fuzz_expr, "check": fuzz_check,
}


def seeds(target: str) -> list[bytes]:
    """Starting inputs for a target (the driver mutates these)."""
    if target in ("text", "check"):
        return [path.read_bytes()[:20000] for path in sorted((ROOT / "examples").glob("*.txt"))]
    if target in ("yaml", "json"):
        import json

        import yaml

        out = [path.read_bytes() for path in sorted((ROOT / "examples" / "structured").glob("*.yaml"))]
        if target == "json":
            out = [json.dumps(yaml.safe_load(item), ensure_ascii=False).encode() for item in out]
        return out
    if target == "xlsx":
        return [path.read_bytes() for path in sorted((ROOT / "examples" / "excel").glob("*.xlsx"))]
    if target == "packyaml":
        return [path.read_bytes() for path in sorted((ROOT / "rules").glob("*.yaml"))][:4]
    if target == "expr":
        import re

        found = re.findall(r'expr: "([^"]+)"', "\n".join(p.read_text("utf-8") for p in (ROOT / "rules").glob("*.yaml")))
        return [item.encode() for item in found] or [b"budget <= 1"]
    import yaml

    values = yaml.safe_load((ROOT / "tests" / "data" / "values.yaml").read_text("utf-8"))
    texts = [str(item.get("input", item) if isinstance(item, dict) else item) for item in _flatten(values)]
    return [text.encode() for text in texts[:400]] or [b"\xe2\x89\xa595%"]


def _flatten(data: object) -> list[object]:
    if isinstance(data, list):
        return [leaf for item in data for leaf in ([item] if isinstance(item, dict | str) else _flatten(item))]
    if isinstance(data, dict):
        return [leaf for item in data.values() for leaf in _flatten(item)]
    return [data]


TOKENS = [b"\t", b"\n", b"\r\n", b"\x00", b"\xff", b"\xe2\x89\xa5", "项目名称".encode(), "万元".encode(), b"%",
          b"&a ", b"*a", b"!!python/object:os.system", b"[", b"{", b"]", b"}", b'"', b"'", b"\\u0000", b"1e999999",
          b"9" * 40, b"(", b")", b"**", b"sum(", b"PK\x03\x04", b"--- ", b": ", b"- ", b"<p>", b"\\geq"]


def mutate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        at = rng.randint(0, len(out))
        if choice < 0.25 and out:
            out[min(at, len(out) - 1)] = rng.randrange(256)
        elif choice < 0.45:
            out[at:at] = rng.choice(TOKENS)
        elif choice < 0.6 and out:
            end = min(len(out), at + rng.randint(1, 64))
            del out[at:end]
        elif choice < 0.75:
            other = rng.choice(pool)
            start = rng.randint(0, len(other))
            out[at:at] = other[start:start + rng.randint(1, 200)]
        elif choice < 0.85 and out:
            end = min(len(out), at + rng.randint(1, 32))
            out[at:at] = out[at:end] * rng.randint(1, 20)
        else:
            out = out[:at]
    return bytes(out)


def run_random(name: str, seconds: float, seed: int) -> int:
    target, pool = TARGETS[name], seeds(name)
    rng = random.Random(seed)
    runs = crashes = 0
    seen: set[str] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data = mutate(rng, rng.choice(pool), pool) if rng.random() < 0.9 else rng.randbytes(rng.randint(0, 300))
        runs += 1
        try:
            target(data)
        except Exception as exc:  # a finding
            key = f"{type(exc).__name__}: {str(exc)[:80]}"
            if key not in seen:
                seen.add(key)
                crashes += 1
                Path(f"fuzz-crash-{name}-{crashes}.bin").write_bytes(data)
                print(f"CRASH {key}\n{traceback.format_exc()}", flush=True)
    print(f"{name}: {runs} inputs in {seconds:.0f} s, {crashes} distinct crashes", flush=True)
    return 1 if crashes else 0


def run_atheris(name: str, seconds: float) -> None:
    import tempfile

    import atheris  # type: ignore[import-not-found]

    corpus = Path(tempfile.mkdtemp(prefix=f"fuzz-{name}-"))
    target = TARGETS[name]
    for index, item in enumerate(seeds(name)):
        (corpus / f"seed{index}").write_bytes(item)
        target(item)  # imports everything the target reaches, so that instrument_all() sees it
    atheris.instrument_all()
    atheris.Setup([sys.argv[0], f"-max_total_time={int(seconds)}", "-rss_limit_mb=4096", "-max_len=65536",
                   str(corpus)], target)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--driver", choices=("atheris", "random"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    driver = args.driver
    if driver is None:
        try:
            import atheris  # type: ignore[import-not-found]  # noqa: F401

            driver = "atheris"
        except ImportError:
            driver = "random"
    if driver == "atheris":
        run_atheris(args.target, args.seconds)
        return 0
    return run_random(args.target, args.seconds, args.seed)


if __name__ == "__main__":
    sys.exit(main())
