"""The HTML review report: escaping, counts equal to the JSON report, and (in headless chromium) filters and safety."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from goallint.model import Cell, Diagnostic, Indicator, ProjectForm, Span, form_name
from goallint.readers import read_path
from goallint.report.html import FileInput, RuleDoc, build_view, default_grade, render_html, script_json

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

HOSTILE_YAML = """\
forms:
  - kind: project
    name: "<script>window.__pwned = 1; alert(1)</script>恶意项目"
    department: "<img src=x onerror=\\"window.__pwned = 2; alert(2)\\">"
    budget: "<svg onload=alert(3)>"
    period_start: 2025
    period_end: 2025
    period_goal: "</script><script>alert(4)</script>"
    annual_goal: "\\u2028 ' \\" &amp; </textarea><!-- -->"
    indicators:
      - {level1: 成本指标, level2: "<b onmouseover=alert(5)>经济成本指标</b>", name: "<iframe src=javascript:alert(6)>",
         period: "≥95% <script>alert(7)</script>", annual: "<img src=x onerror=alert(8)>"}
      - {level1: 产出指标, level2: 数量指标, name: "]]></script><script>alert(9)</script>", period: 3, annual: 3}
"""
HOSTILE_RULE = RuleDoc("GL999", "x<script>alert(10)</script>", "error", summary="<img src=x onerror=alert(11)>",
                       why="</p><script>alert(12)</script>", bad="<svg/onload=alert(13)>", good="&lt;ok&gt;")


# ---- helpers ---------------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text of the JSON block."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = dict(attrs).get("id") if tag == "script" else None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.texts[self._in] = self.texts.get(self._in, "") + data


def parse_page(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


def page_data(page: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(parse_page(page).texts["goallint-data"])
    return data


def page_totals(page: str) -> dict[str, int]:
    """The totals the page shows in its summary cards."""
    return {key: int(value) for key, value in re.findall(r'data-total="(\w+)">(\d+)<', page)}


def hostile_input(tmp_path: Path) -> FileInput:
    """The hostile form read through the structured reader, with a finding on each hostile cell."""
    source = tmp_path / "hostile.yaml"
    source.write_text(HOSTILE_YAML, encoding="utf-8")
    result = read_path(source, "hostile.yaml")
    assert result.problem is None, result.problem
    form = result.forms[0]
    assert isinstance(form, ProjectForm)
    cells = [form.name, form.department, form.budget, form.period_goal, form.annual_goal]
    cells += [c for ind in form.indicators for c in (ind.level2, ind.name, ind.period_value, ind.annual_value)]
    diagnostics = []
    for cell in cells:
        assert cell is not None and cell.span is not None
        diagnostics.append(Diagnostic(
            code="GL999", name="x", severity="error", message=f"“{cell.raw}” <script>alert(14)</script>",
            path="hostile.yaml", line=cell.span.line, column=cell.span.column, form=form.name.text if form.name else "",
            field="<img src=x onerror=alert(15)>"))
    return FileInput("hostile.yaml", [form], diagnostics)


def check_output(tmp_path: Path, fmt: str, *paths: Path) -> str:
    """`goallint check PATHS --format FMT -o FILE` through the real CLI; the report's text."""
    from click.testing import CliRunner

    from goallint.cli import main

    out = tmp_path / f"report.{fmt}"
    result = CliRunner().invoke(main, ["check", *map(str, paths), "--format", fmt, "-o", str(out), "--no-progress"])
    assert result.exit_code in (0, 1), result.output
    return out.read_text(encoding="utf-8")


# ---- page structure and escaping (no browser) ------------------------------------------------------------


def assert_inert(page: str) -> _Tags:
    """No element, attribute or script from a form's text: only the page's own two script elements."""
    tags = parse_page(page)
    names = [tag for tag, _ in tags.tags]
    assert names.count("script") == 2  # the JSON block and the report's own script, nothing else
    assert not {"img", "svg", "iframe", "b", "textarea"} & set(names)
    assert not [(tag, attr) for tag, attrs in tags.tags for attr in attrs if attr.startswith("on")]
    assert "javascript:" not in " ".join(str(v) for _, attrs in tags.tags for v in attrs.values())
    assert not re.search(r"[<>&]", tags.texts["goallint-data"])
    return tags


def test_hostile_text_is_escaped_everywhere(tmp_path: Path) -> None:
    page = render_html([hostile_input(tmp_path)], {"GL999": HOSTILE_RULE})
    tags = assert_inert(page)
    # the hostile text is shown as text, escaped
    assert "&lt;script&gt;window.__pwned = 1; alert(1)&lt;/script&gt;恶意项目" in page
    assert "&lt;img src=x onerror=&#34;window.__pwned = 2; alert(2)&#34;&gt;" in page
    assert "&amp;amp;" in page
    assert "&lt;iframe src=javascript:alert(6)&gt;" in page
    assert tags.texts["goallint-data"]  # the JSON block parses back to the same text
    assert page_data(page)["forms"][0]["name"] == form_name(hostile_input(tmp_path).forms[0])


def test_hostile_form_through_the_cli(tmp_path: Path) -> None:
    source = tmp_path / "hostile.yaml"
    source.write_text(HOSTILE_YAML, encoding="utf-8")
    page = check_output(tmp_path, "html", source)
    assert_inert(page)
    assert page_totals(page)["forms"] == 1
    assert "&lt;script&gt;window.__pwned = 1; alert(1)&lt;/script&gt;恶意项目" in page


def test_content_security_policy_pins_the_one_script(tmp_path: Path) -> None:
    import base64
    import hashlib

    page = render_html([hostile_input(tmp_path)], {})
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy is not None
    script = page.split("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy.group(1)
    assert "default-src 'none'" in policy.group(1)


@given(st.text())
def test_script_json_round_trips_and_never_closes_the_block(text: str) -> None:
    encoded = script_json({"t": text, text: [text]})
    assert not re.search("[<>&\u2028\u2029]", encoded)
    assert json.loads(encoded) == {"t": text, text: [text]}


def _cell(line: int, raw: str) -> Cell:
    return Cell(raw=raw, span=Span(line=line, column=2, end_line=line, end_column=2 + len(raw)))


def _diag(code: str, severity: str, line: int, column: int = 2, form: str = "甲项目") -> Diagnostic:
    return Diagnostic(code=code, name=code.lower(), severity=severity,  # type: ignore[arg-type]
                      message=f"{code} 的问题", path="a.txt", line=line, column=column, form=form)


def _two_forms() -> FileInput:
    first = ProjectForm(
        path="a.txt", span=Span(line=1, column=1, end_line=1, end_column=5), name=_cell(2, "甲项目"),
        budget=_cell(3, "100"), annual_goal=_cell(4, "目标"),
        indicators=[
            Indicator(level1=_cell(5, "产出指标"), level2=_cell(5, "数量指标"), name=_cell(5, "人数"),
                      period_value=_cell(5, "3人"), annual_value=_cell(5, "3人")),
            Indicator(level1=_cell(5, "产出指标"), level2=_cell(6, "质量指标"), name=_cell(6, "合格率"),
                      period_value=_cell(6, "≥90%"), annual_value=_cell(6, "")),
        ],
    )
    second = ProjectForm(path="a.txt", span=Span(line=20, column=1, end_line=20, end_column=5),
                         name=_cell(21, "甲项目"), budget=_cell(22, "50"))
    diagnostics = [
        _diag("GL102", "error", 1, 1),  # at the first form's start: a form-level finding
        _diag("GL204", "warning", 6),  # on a cell of the first form
        _diag("GL401", "error", 22),  # same name, later in the file: the second form
        _diag("GL104", "info", 40, 7),  # no such cell: shown at the form's top, not lost
        Diagnostic(code="GL001", name="no-form-found", severity="error", message="无", path="a.txt"),
    ]
    return FileInput("a.txt", [first, second], diagnostics)


def test_every_finding_appears_once_at_its_form_and_cell() -> None:
    page = render_html([_two_forms()], {})
    view = build_view([_two_forms()], {})
    first, second = view.forms
    assert [f.code for f in first.form_findings] == ["GL102"]
    assert [f.code for f in second.form_findings] == ["GL104"]
    assert [(row.label, [f.code for f in row.cell.findings]) for row in second.fields if row.cell.findings] == [
        ("年度预算金额", ["GL401"])]
    assert [f.code for f in second.headline] == ["GL401"]  # repeated at the top as a link, not as a finding
    assert f'data-ref="{second.headline[0].id}"><a class="code" href="#{second.headline[0].id}"' in page
    table = first.tables[-1]
    assert [f.code for f in table.rows[1].findings] == ["GL204"]
    assert [f.code for f in view.files[0].findings] == ["GL001"]  # a finding of no form is on the file
    assert len(re.findall(r"data-finding ", page)) == 5
    assert (first.grade, second.grade) == ("差", "差")
    assert page_totals(page) == {"files": 1, "forms": 2, "error": 3, "warning": 1, "info": 1}


def test_level_cells_span_the_rows_they_cover() -> None:
    view = build_view([_two_forms()], {})
    rows = view.forms[0].tables[-1].rows
    assert rows[0].cells[0].rowspan == 2 and rows[1].cells[0].merged
    assert rows[0].cells[1].rowspan == 1 and not rows[1].cells[1].merged


@pytest.mark.parametrize(("codes", "grade"), [
    ([], "优"), ([("GL303", "warning"), ("GL904", "info")], "良"), ([("GL303", "warning"), ("GL301", "error")], "中"),
    ([("GL401", "error")], "差"), ([("GL102", "error")], "差"), ([("GL504", "warning")], "良"),
])
def test_default_grade(codes: list[tuple[str, str]], grade: str) -> None:
    assert default_grade([_diag(code, severity, 1) for code, severity in codes]) == grade


# ---- the real run: the seeds through the CLI -------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str, Path]:
    """The JSON and HTML reports of one run: the five seed files and the structured twin of a seed form."""
    tmp = tmp_path_factory.mktemp("seeds")
    seeds = sorted(EXAMPLES.glob("*.txt")) + sorted((EXAMPLES / "structured").glob("*.yaml"))
    report = json.loads(check_output(tmp, "json", *seeds))
    page = check_output(tmp, "html", *seeds)
    return report, page, tmp / "report.html"


def test_seed_page_counts_equal_the_json_report(seed_reports: tuple[dict[str, Any], str, Path]) -> None:
    report, page, _ = seed_reports
    assert page_totals(page) == {key: n for key, n in report["summary"].items() if key != "hidden"}
    assert dict(re.findall(r'data-hidden-total="(\w+)">(\d+)<', page)) == {"baseline": "0", "waiver": "0"}
    data = page_data(page)
    assert data["totals"] == report["summary"]
    by_rule: dict[str, int] = {}
    for diag in report["diagnostics"]:
        by_rule[diag["code"]] = by_rule.get(diag["code"], 0) + 1
    assert data["rules"] == by_rule
    assert len(re.findall(r"data-finding ", page)) == len(report["diagnostics"])
    graded = {(f["path"], f["form"], f["grade"]) for f in report["forms"] if f["kind"]}  # not the formless files
    assert {(f["path"], f["name"], f["grade"]) for f in data["forms"]} == graded


# ---- in a real browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        # .ci/run installs chromium: in CI its absence is a broken set-up, not a reason to test less
        reason = "/usr/bin/chromium is absent (install Debian's chromium: apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Opened:
    """A page opened from disk, with every console message, page error and dialog it produced."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("console", lambda m: self.problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri())

    def visible(self, selector: str) -> int:
        count: int = self.page.locator(f"{selector}:visible").count()
        return count


def test_seed_report_in_the_browser(browser: Any, seed_reports: tuple[dict[str, Any], str, Path],
                                    tmp_path: Path) -> None:
    report, _, path = seed_reports
    opened = Opened(browser, path)
    page = opened.page
    summary = report["summary"]
    assert opened.problems == []
    for key in ("files", "forms", "error", "warning", "info"):
        assert page.locator(f'[data-total="{key}"]').inner_text() == str(summary[key])
    assert opened.visible("section.form") == summary["forms"]
    assert opened.visible("[data-finding]") == len(report["diagnostics"])
    page.screenshot(path=str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000

    # a severity filter: only errors stay
    for severity in ("warning", "info"):
        page.uncheck(f'input[name=severity][value="{severity}"]')
    errors = sum(1 for d in report["diagnostics"] if d["severity"] == "error")
    assert opened.visible("[data-finding]") == errors
    assert opened.visible('[data-finding][data-sev="warning"]') == 0
    assert page.locator('[data-hl="warning"]').count() == 0
    page.check('input[name=severity][value="warning"]')
    page.check('input[name=severity][value="info"]')

    # a search narrows the forms
    names = [form["name"] for form in page_data(seed_reports[1])["forms"]]
    name = names[-1]
    page.fill("input[name=q]", name)
    same = [other for other in names if name.lower() in other.lower()]
    assert 1 <= opened.visible("section.form") == len(same) <= summary["forms"]
    assert len(same) < summary["forms"] or summary["forms"] == 1
    assert all(name in title for title in page.locator("section.form:visible h2").all_inner_texts())
    assert f"显示 {len(same)} / {summary['forms']}" in page.locator(".shown").inner_text()
    page.fill("input[name=q]", "没有这个表单")
    assert opened.visible("section.form") == 0
    assert opened.visible("tr[data-form-row]") == 0
    assert opened.problems == []


def test_grade_filter_and_sorting(browser: Any, seed_reports: tuple[dict[str, Any], str, Path]) -> None:
    _, html, path = seed_reports
    forms = page_data(html)["forms"]
    opened = Opened(browser, path)
    page = opened.page
    for grade in ("优", "良", "中"):
        page.uncheck(f'input[name=grade][value="{grade}"]')
    worst = sum(1 for f in forms if f["grade"] == "差")
    assert opened.visible("section.form") == worst
    assert opened.visible("tr[data-form-row]") == worst
    page.click("th:has-text('错误')")  # sorts by error count, ascending, then descending
    page.click("th:has-text('错误')")
    first = page.locator("tr[data-form-row]:visible td").nth(7).inner_text()  # after 主管部门 and 预算
    assert int(first or 0) == max(f["error"] for f in forms if f["grade"] == "差")
    assert opened.problems == []


def test_hostile_form_injects_nothing(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "hostile.html"
    path.write_text(render_html([hostile_input(tmp_path)], {"GL999": HOSTILE_RULE}), encoding="utf-8")
    opened = Opened(browser, path)
    page = opened.page
    page.mouse.move(200, 400)
    page.locator("a[data-rule=GL999]").first.click()  # the rule dialog shows hostile docs as text
    assert page.locator("#rule-dialog[open]").count() == 1
    page.wait_for_timeout(200)
    assert opened.dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.scripts.length") == 2
    assert page.evaluate("document.querySelectorAll('img, svg, iframe, b, textarea').length") == 0
    assert "<script>window.__pwned = 1; alert(1)</script>恶意项目" in page.locator("table.fields td.cell").first.inner_text()
    assert [p for p in opened.problems if "Content Security Policy" not in p] == []
    page.screenshot(path=str(tmp_path / "hostile.png"))


def test_print_puts_one_form_per_page_without_filters(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "two.html"
    path.write_text(render_html([_two_forms()], {}), encoding="utf-8")
    opened = Opened(browser, path)
    page = opened.page
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.filters')).display") == "none"
    assert page.evaluate("[...document.querySelectorAll('section.form')].map(s => getComputedStyle(s).breakBefore)") \
        == ["page", "page"]
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 3  # the summary, then each form on its own page
    assert opened.problems == []


# ---- the reviewer's page: arithmetic cells, the index's department and budget, marks that become a baseline --


@pytest.fixture
def reviewed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The YAML example copied into a folder, and its page written from that folder (paths relative to it)."""
    import shutil

    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLES / "structured" / "党建组织员工资补贴.yaml", tmp_path / "form.yaml")
    check_output(tmp_path, "html", Path("form.yaml"))
    return tmp_path


def test_an_arithmetic_finding_tints_every_cell_it_used(browser: Any, reviewed: Path) -> None:
    opened = Opened(browser, reviewed / "report.html")
    page = opened.page
    tinted = sorted(text.strip() for text in page.locator('[data-tint="error"]').all_inner_texts())
    # the standard it was reported on, the quantity it multiplied by (same column), and the budget
    assert tinted == sorted(["10.3万元/人/年", "23名党建组织员", "1893200元"]), tinted
    used = page.locator("[data-tint]").first.get_attribute("data-uses")
    assert page.locator(f"#{used} .code").inner_text() == "GL401"
    page.uncheck('input[name=severity][value="error"]')  # the finding hidden: its cells no longer tinted
    assert page.locator("[data-tint]").count() == 0
    assert opened.problems == []


def test_the_index_shows_and_sorts_by_department_and_budget(browser: Any,
                                                           seed_reports: tuple[dict[str, Any], str, Path]) -> None:
    _, _, path = seed_reports
    opened = Opened(browser, path)
    page = opened.page
    headers = page.locator("table.index thead th").all_inner_texts()
    column = headers.index("预算（元）")
    assert headers[column - 1] == "主管部门"
    page.click("table.index th:has-text('预算（元）')")
    values = [float(v) for v in page.locator(f"table.index tbody tr td:nth-child({column + 1})").evaluate_all(
        "cells => cells.map(c => c.getAttribute('data-v'))")]
    assert values == sorted(values) and values[-1] > 1_000_000
    page.click("table.index th:has-text('预算（元）')")
    first = page.locator(f"table.index tbody tr td:nth-child({column + 1})").first.inner_text()
    assert first.replace(",", "").split(".")[0] == str(int(values[-1]))
    page.click("table.index th:has-text('主管部门')")
    departments = page.locator(f"table.index tbody tr td:nth-child({column})").all_inner_texts()
    runs = [d for i, d in enumerate(departments) if i == 0 or departments[i - 1] != d]
    assert len(set(departments)) > 1 and len(runs) == len(set(runs))  # sorted: each department in one run
    assert opened.problems == []


def test_marks_are_kept_and_download_as_a_baseline_that_check_reads(browser: Any, reviewed: Path) -> None:
    from click.testing import CliRunner

    from goallint.cli import main

    opened = Opened(browser, reviewed / "report.html")
    page = opened.page
    findings = page.locator("[data-finding]")
    total = findings.count()
    cost = page.locator('[data-finding][data-code="GL401"]').first
    cost.locator('[data-mark="dismissed"]').click()
    cost.locator("[data-note]").fill("标准按 2025 年文件执行，已核实")
    other = page.locator('[data-finding]:not([data-code="GL401"])').first
    other.locator('[data-mark="accepted"]').click()
    assert page.locator(".review-count").inner_text() == "已接受 1 条，已驳回 1 条"
    page.reload()  # the marks are kept in the browser
    cost = page.locator('[data-finding][data-code="GL401"]').first
    assert cost.get_attribute("data-review") == "dismissed"
    assert cost.locator("[data-note]").input_value() == "标准按 2025 年文件执行，已核实"
    with page.expect_download() as download:
        page.click("[data-review-download]")
    saved = reviewed / "goallint-baseline.yaml"
    download.value.save_as(saved)
    entries = yaml.safe_load(saved.read_text(encoding="utf-8"))["entries"]
    assert {entry["review"] for entry in entries} == {"accepted", "dismissed"}
    assert {"code": "GL401", "note": "标准按 2025 年文件执行，已核实"}.items() <= next(
        e for e in entries if e["code"] == "GL401").items()
    result = CliRunner().invoke(main, ["check", "--isolated", "--no-progress", "--format", "json",
                                       "--baseline", str(saved), "form.yaml"])
    document = json.loads(result.stdout)
    assert "GL401" not in {d["code"] for d in document["diagnostics"]}
    assert document["summary"]["hidden"]["baseline"] == 2 and len(document["diagnostics"]) == total - 2
    page.click("[data-review-clear]")
    assert page.locator('[data-finding][data-review="dismissed"]').count() == 0
    assert opened.problems == []
