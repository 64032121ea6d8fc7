"""Make docs/report.png: the HTML report of the seed examples, shot in Debian's headless chromium.

Usage: .venv/bin/python docs/make_screenshot.py [PATH ...] [--html OUT.html] [--form NAME] [--height PX]
(PATHs default to the seed files examples/*.txt.)
Needs /usr/bin/chromium (apt-get install -y chromium fonts-noto-cjk) and the playwright package (test extra).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def build_report(paths: list[str], html: Path) -> None:
    """`goallint check PATHS --format html -o HTML` (exit 1 just means findings)."""
    seeds = paths or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").glob("*.txt"))
    command = [sys.executable, "-m", "goallint.cli", "check", *seeds, "--format", "html", "-o", str(html), "--no-progress"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or not html.exists():
        raise SystemExit(f"goallint check failed ({done.returncode}): {done.stderr.strip()}")


def shoot(html: Path, png: Path, form: str, height: int) -> None:
    """Open the page from disk, fold the long overview tables, bring one form under the summary, shoot."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": height})
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(html.as_uri())
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
        if form:
            page.fill("input[name=q]", form)
        page.screenshot(path=str(png))
        browser.close()
    if problems:
        raise SystemExit(f"the page reported errors: {problems}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="Form files or folders (default: examples/*.txt).")
    parser.add_argument("--html", type=Path, help="Keep the report here (default: a temporary file).")
    parser.add_argument("--form", default="党建组织员工资补贴", help="Search for this form name before the shot.")
    parser.add_argument("--height", type=int, default=1500)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        html = args.html or Path(tmp) / "report.html"
        build_report(args.paths, html)
        shoot(html, args.out, args.form, args.height)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
