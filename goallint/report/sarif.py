"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning (rules, results, regions, stable fingerprints)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from goallint import __version__
from goallint.report import SEVERITY_LABELS, STREAMED, RenderOptions, hidden_counts, json_pieces, where

if TYPE_CHECKING:
    from goallint.engine import RunReport
    from goallint.model import Diagnostic, Fix
    from goallint.packs import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
INFO_URI = "https://github.com/goallint/goallint"


def fingerprint(d: Diagnostic) -> str:
    """Stable when unrelated lines move: a hash of the code, the form and the field (not the line)."""
    return hashlib.sha256(f"{d.code}\x1f{d.form}\x1f{d.field}".encode()).hexdigest()[:32]


def artifact_uri(path: str) -> str:
    """A relative URI with forward slashes (absolute paths are made relative to the current folder)."""
    pure = PurePath(path)
    if pure.is_absolute():
        try:
            pure = PurePath(os.path.relpath(path))
        except ValueError:
            pass
    return pure.as_posix()


def _rule(rule: Rule) -> dict[str, Any]:
    doc = rule.doc
    help_text = f"{doc.summary}\n\n{doc.why}\n\n错误示例：{doc.bad}\n正确示例：{doc.good}"
    if doc.basis:
        help_text += f"\n依据：{doc.basis}"
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.why},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVELS[rule.severity], "enabled": rule.enabled},
        "properties": {"pack": rule.pack, "fix": doc.fix},
    }


def _fix(fix: Fix, path: str) -> dict[str, Any]:
    """SARIF's `fix`: one artifactChange whose replacements delete each edit's region and insert its content."""
    replacements = [{"deletedRegion": {"startLine": e.line, "startColumn": e.column, "endLine": e.end_line,
                                       "endColumn": e.end_column},
                     "insertedContent": {"text": e.content}} for e in fix.edits]
    kind = {"safe": "安全修复", "unsafe": "不安全修复"}.get(fix.applicability, fix.applicability)
    return {"description": {"text": f"{fix.message}（{kind}）"},
            "artifactChanges": [{"artifactLocation": {"uri": artifact_uri(path)}, "replacements": replacements}]}


def _result(d: Diagnostic, index: dict[str, int]) -> dict[str, Any]:
    region = {"startLine": max(d.line, 1), "startColumn": max(d.column, 1),
              "endLine": max(d.end_line, d.line, 1), "endColumn": max(d.end_column, 1)}
    result: dict[str, Any] = {
        "ruleId": d.code,
        "level": LEVELS[d.severity],
        "message": {"text": f"{d.form}: {d.message}" if d.form else d.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(d.path)}, "region": region}}],
        "partialFingerprints": {"goallintFingerprint/v1": fingerprint(d)},
    }
    if d.related:  # the same defect in other cells, reported once
        result["relatedLocations"] = [
            {"id": number, "physicalLocation": {"artifactLocation": {"uri": artifact_uri(d.path)}, "region": {
                "startLine": max(o.line, 1), "startColumn": max(o.column, 1),
                "endLine": max(o.end_line, o.line, 1), "endColumn": max(o.end_column, 1)}},
             "message": {"text": o.field or d.field}}
            for number, o in enumerate(d.related, start=1)]
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if d.fix is not None and d.fix.edits:
        result["fixes"] = [_fix(d.fix, d.path)]
    properties = {"severity": SEVERITY_LABELS[d.severity], "location": where(d)}
    if d.field:
        properties.update(form=d.form, field=d.field)
    result["properties"] = properties
    return result


def stream(run: RunReport, options: RenderOptions) -> Iterator[str]:
    """The log in pieces, one result at a time."""
    rules = run.rules
    index = {rule.code: i for i, rule in enumerate(rules)}
    head = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "goallint", "version": __version__, "semanticVersion": __version__,
                                "informationUri": INFO_URI, "rules": [_rule(rule) for rule in rules]}},
            "results": STREAMED,
            "columnKind": "unicodeCodePoints",
            # findings not among the results: hidden by a baseline, or waived by a form's goallint-ignore
            "properties": {"hidden": hidden_counts(run, len(options.baselined))},
        }],
    }
    return json_pieces(head, (_result(d, index) for d in run.diagnostics))


def render(run: RunReport, options: RenderOptions) -> str:
    return "".join(stream(run, options))
