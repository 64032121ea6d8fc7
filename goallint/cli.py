"""The `goallint` command line (click). Each command's work lives in `goallint/commands/`, imported lazily so
that a pre-commit run pays only for what it uses."""

from __future__ import annotations

import gc
import os
import sys

from goallint.plumbing import kept_code

gc.set_threshold(50_000, 20, 100)  # as `engine.tune_gc` sets it for the run: imports and packs make no garbage

kept_code.install()  # before the imports below compile their patterns

import click  # noqa: E402

from goallint import __version__  # noqa: E402
from goallint.commands.options import CheckOptions  # noqa: E402

# goallint's models validate rule packs and forms, nothing a pydantic plugin (tracing, metrics) is for; the
# plugin lookup reads every installed distribution's entry points on the first model, a cost a cold run feels.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

FORMATS = ("full", "concise", "json", "sarif", "github", "html", "xlsx")
FAIL_ON = ("error", "warning", "info", "never")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="goallint")
def main() -> None:
    """goallint: lint budget performance target forms (预算绩效目标表).

    \b
    Quick start:
      goallint check examples/            lint every form in a folder
      goallint parse '≥95%' '3500元/月/人'  see how indicator values are read
      goallint rules                       list the rules; goallint rule GL401 explains one
    """


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--select", help="Comma-separated codes, names or prefixes (GL4, GL40) to enable instead of the defaults.")
@click.option("--extend-select", help="Codes, names or prefixes to enable on top of the selection.")
@click.option("--ignore", help="Codes, names or prefixes to disable.")
@click.option("--severity", multiple=True, metavar="CODE=LEVEL", help="Override a rule's severity (repeatable).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), help="Lowest severity that makes the exit status 1 [default: error].")
@click.option("--format", "output_format", type=click.Choice(FORMATS),
              help="Output format [default: full on a terminal, concise in a pipe or file, github under GitHub Actions]. "
                   "html on a terminal without -o writes goallint-report.html; xlsx (a findings workbook to send "
                   "back) needs -o.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE (replaced whole once the run ends; its folder is checked before the run).")
@click.option("--statistics", is_flag=True, help="Count findings per rule.")
@click.option("--profile", help="Force a taxonomy profile (dg2025, legacy, dg2019) instead of detecting one.")
@click.option("--config", type=click.Path(dir_okay=False), help="Use this config file.")
@click.option("--isolated", is_flag=True, help="Ignore all config files.")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place (text, YAML and JSON forms; workbooks are never rewritten), "
              "then report the findings that remain.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply unsafe fixes (with --fix or --diff).")
@click.option("--diff", is_flag=True, help="Print what the fixes would change as a unified diff and write nothing; "
              "exit 1 if anything would change, else 0 (as ruff).")
@click.option("--baseline", type=click.Path(dir_okay=False), help="Report only findings not recorded in FILE [default: the config's baseline].")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="Record every current finding in FILE (after --fix) instead of reporting them; exit 0.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Parallel workers [default: the machine's cores; 1 for fewer than 8 files, where starting a pool costs more than it saves]. At most one per file and two per core, whatever N.")
@click.option("--no-progress", is_flag=True, help="No progress bar on stderr.")
@click.option("--no-cache", is_flag=True, help="Lint every file afresh: neither read nor write the reports kept for "
              "unchanged files (also GOALLINT_NO_CACHE=1) [default: reuse them; see README, Performance].")
@click.option("--stdin-filename", help="The file name to report for a form read from stdin (`-`).")
def check(paths: tuple[str, ...], **kwargs: object) -> None:
    """Lint the forms in PATHS (files and folders; `-` reads stdin).

    Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or configuration error.
    With --fix the status counts only the findings that remain; a file whose fixes cannot be written
    stays unchanged and is reported as GL003 (fix-not-written).
    """
    from goallint.commands.check import run_check

    options = CheckOptions(paths=list(paths), **kwargs)  # type: ignore[arg-type]
    sys.exit(run_check(options))


@main.command()
@click.argument("values", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line (the contract of values.md).")
def parse(values: tuple[str, ...], as_json: bool) -> None:
    """Show how the value grammar reads indicator VALUES (`≥95%`, `3500元/月/人`, `12月底前`)."""
    from goallint.commands.parse import run_parse

    sys.exit(run_parse(list(values), as_json))


_CONFIG = click.option("--config", type=click.Path(dir_okay=False),
                       help="Use this config file's packs (default: the goallint.yaml that `check` would find).")
_ISOLATED = click.option("--isolated", is_flag=True, help="Ignore all config files: the bundled rules only.")


@main.command("rules")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
@_CONFIG
@_ISOLATED
def rules_command(as_json: bool, config: str | None, isolated: bool) -> None:
    """List every rule: code, name, severity, on/off, fixable, pack (with the config's own packs)."""
    from goallint.commands.rules import run_rules

    sys.exit(run_rules(as_json, config, isolated))


@main.command("rule")
@click.argument("code_or_name")
@_CONFIG
@_ISOLATED
def rule_command(code_or_name: str, config: str | None, isolated: bool) -> None:
    """Explain one rule: summary, why, a failing and a passing example, fix safety, basis."""
    from goallint.commands.rules import run_rule

    sys.exit(run_rule(code_or_name, config, isolated))


@main.command()
@click.argument("path")
@click.option("--to", "target", type=click.Choice(("yaml", "json")), help="Output format (required unless --explain).")
@click.option("-o", "--output", type=click.Path(), help="Write to FILE instead of stdout; for a folder PATH, a folder "
              "that gets one file per form file (the layout kept).")
@click.option("--explain", is_flag=True, help="Instead of converting, show what each cell was read as (title, field "
              "label and value, indicator-table column, level, value, not used, footer) and where each form and "
              "indicator table starts and ends: why a form from another template was read as it was.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="With --explain: a listing for the terminal, or JSON.")
def convert(path: str, target: str | None, output: str | None, explain: bool, fmt: str) -> None:
    """Write the forms read from PATH (any input format; a folder is walked as `check` walks it) in the
    structured format; with --explain, show how PATH's cells were read."""
    if explain:
        from goallint.commands.explain import run_explain

        sys.exit(run_explain(path, fmt))
    if target is None:
        raise click.UsageError("缺少 --to yaml|json（或用 --explain 查看读法）")
    from goallint.commands.convert import run_convert

    sys.exit(run_convert(path, target, output))


@main.command()
@click.option("--rules", "of_rules", is_flag=True, help="The schema of a rule pack instead of a form file.")
def schema(of_rules: bool) -> None:
    """Print the JSON Schema of the structured form format (or of a rule pack)."""
    from goallint.commands.schema import run_schema

    sys.exit(run_schema(of_rules))


@main.command()
@click.option("--force", is_flag=True, help="Replace an existing goallint.yaml.")
def init(force: bool) -> None:
    """Write a commented starter goallint.yaml into the current folder (refuses to overwrite one)."""
    from goallint.commands.init import run_init

    sys.exit(run_init(force))


if __name__ == "__main__":  # pragma: no cover
    main()
