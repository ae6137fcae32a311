"""The demo's HTML report in a real browser: Debian's Chromium, headless, driven by Playwright.

The page is opened from a file URL in a new, empty profile. The checks: no console message of
type error or warning, no request other than the page itself, every figure rendered (each lane,
bar and SLEDAI-2K element laid out with a size), as many as the figure data say, nothing wider
than the printable width of A4 or Letter when printed, and a PDF of each size. A screenshot of
the page is kept in ``build/test-artefacts/`` (ignored by git).

The browser is installed by ``scripts/ensure-chromium`` (``make test`` runs it); where it is not
there, the test is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from astct_grading.plots import demo_figures, render_html
from astct_grading.report import demo_report

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "build" / "test-artefacts"
CHROMIUM = os.environ.get("ASTCT_CHROMIUM", "/usr/bin/chromium")
#: The flags of a quiet, offline headless run (no sandbox: the tests may run as root).
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Printable widths in CSS pixels (96 per inch) with the page's 12 mm margins.
PRINTABLE_PX = {"A4": (210 - 24) / 25.4 * 96, "Letter": (215.9 - 24) / 25.4 * 96}


def _browser_or_skip() -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.skip(
            f"no browser at {CHROMIUM}: install Debian's chromium (scripts/ensure-chromium, "
            "which make test runs, does it as root) to run the browser test"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - playwright is in the test extra
        pytest.skip("the playwright package is not installed (pip install '.[test]')")


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "demo-report.html"
    path.write_text(render_html(demo_report(), demo_figures()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser_page(
    page_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, list[str], list[str]]]:
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("profile")  # a new, empty user-data-dir
    messages: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1000, "height": 1200},
            offline=True,
        )
        try:
            page = context.new_page()
            page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri(), wait_until="load")
            yield page, messages, requests
        finally:
            context.close()


def test_the_demo_report_opens_offline_without_errors_or_requests(
    browser_page: tuple[Any, list[str], list[str]], page_file: Path
) -> None:
    page, messages, requests = browser_page
    assert page.title().startswith("Demo cohort")
    assert [m for m in messages if m.split(":")[0] in {"error", "warning", "pageerror"}] == []
    assert requests == [page_file.as_uri()]


def _rendered(page: Any, selector: str) -> int:
    """How many elements match ``selector`` and are laid out with a size (a lane, a horizontal
    line, has a width and no height)."""
    count: int = page.eval_on_selector_all(
        selector,
        "els => els.filter(e => { const r = e.getBoundingClientRect();"
        " return r.width > 0 || r.height > 0; }).length",
    )
    return count


def test_every_figure_is_rendered_with_its_lanes_and_bars(
    browser_page: tuple[Any, list[str], list[str]],
) -> None:
    page, _, _ = browser_page
    figures = demo_figures()
    swimmer, sledai = figures.swimmer, figures.sledai
    assert _rendered(page, "figure svg") == 2
    assert _rendered(page, "g[id^='swimmer-lane-']") == len(swimmer.lanes) == 6
    assert _rendered(page, "g[id^='swimmer-bar-']") == swimmer.bar_count == 7
    marks = sum(len(lane.treatments) for lane in swimmer.lanes)
    assert _rendered(page, "g[id^='swimmer-mark-']") == marks
    assert _rendered(page, "g[id^='sledai-panel-']") == len(sledai.lines) == 6
    points = _rendered(page, "g[id^='sledai-point-']") + _rendered(page, "g[id^='sledai-range-']")
    assert points == sledai.point_count == 24
    responses = sum(len(p.responses) for line in sledai.lines for p in line.points)
    assert _rendered(page, "g[id^='sledai-response-']") == responses
    # Each bar is drawn where its lane is: the bars of the top lane above those of the next.
    top = page.eval_on_selector("g[id='swimmer-bar-0-0']", "e => e.getBoundingClientRect().y")
    next_ = page.eval_on_selector("g[id='swimmer-bar-1-0']", "e => e.getBoundingClientRect().y")
    assert top < next_


def test_prints_on_a4_and_letter(browser_page: tuple[Any, list[str], list[str]]) -> None:
    page, _, _ = browser_page
    page.emulate_media(media="print")
    try:
        for size, width in PRINTABLE_PX.items():
            page.set_viewport_size({"width": int(width), "height": 1000})
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{size}: {overflow} px wider than the printable width"
            pdf: bytes = page.pdf(format=size, print_background=True)
            assert pdf.startswith(b"%PDF")
            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            (ARTEFACTS / f"demo-report-{size}.pdf").write_bytes(pdf)
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1000, "height": 1200})


def test_screenshot_is_saved_as_a_test_artefact(
    browser_page: tuple[Any, list[str], list[str]],
) -> None:
    page, _, _ = browser_page
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTEFACTS / "demo-report.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.read_bytes().startswith(b"\x89PNG")
    page.locator("figure").first.screenshot(path=str(ARTEFACTS / "demo-swimmer.png"))
    page.locator("figure").nth(1).screenshot(path=str(ARTEFACTS / "demo-sledai.png"))


def test_ensure_chromium_is_idempotent() -> None:
    # With the browser there, the set-up script does nothing and says so by its exit status.
    _browser_or_skip()
    done = subprocess.run(
        [str(ROOT / "scripts" / "ensure-chromium")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "installing" not in done.stderr
