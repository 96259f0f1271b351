"""Real-browser end-to-end test: the app under `streamlit run`, driven by Playwright on Debian's chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from adguide_ui_helpers import DUPILUMAB_QUOTE, REPO_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_TIMEOUT_S = 90


def _require_browser() -> None:
    """Skip without chromium locally; under CI a missing browser (or Playwright) is a failure, not a skip."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the playwright package cannot be imported: {exc}")
        pytest.skip(f"the playwright package is not installed ({exc}) and CI is unset")
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {CHROMIUM} is not installed (apt-get install chromium chromium-driver)")
    pytest.skip(f"{CHROMIUM} is not installed and CI is unset (install it with `make browser` to run this test)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(adguide_home: Path, tmp_path: Path) -> Iterator[str]:
    """`streamlit run ui/app.py` on a free port with a private ADGUIDE_HOME; always terminated."""
    _require_browser()
    port = _free_port()
    env = {**os.environ, "ADGUIDE_HOME": str(adguide_home), "ADGUIDE_MODE": "offline"}
    env.pop("OPENAI_API_KEY", None)
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [streamlit, "run", "ui/app.py", "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}: {(tmp_path / 'streamlit.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer on {url} within {STARTUP_TIMEOUT_S} s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


def test_chat_answers_with_verbatim_quote_in_a_real_browser(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    shot = tmp_path / "chat-dupixent.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server, wait_until="domcontentloaded")
            box = page.get_by_test_id("stChatInputTextArea")
            expect(box).to_be_visible(timeout=60_000)
            box.fill("Dupixent dosing for an adult?")
            box.press("Enter")
            quote = page.locator("blockquote", has_text=DUPILUMAB_QUOTE)
            expect(quote.first).to_be_visible(timeout=60_000)
            expect(page.get_by_text("Answered").first).to_be_visible()
            expect(page.get_by_text("Dupilumab: 600 mg subcutaneous once (loading)").first).to_be_visible()
            page.screenshot(path=str(shot), full_page=True)

            # the quote's link opens the Guideline page on that passage, highlighted and scrolled into view
            page.get_by_role("link", name="Open dupilumab-2 in the guideline").click()
            page.wait_for_url("**/guideline?passage=dupilumab-2", timeout=30_000)
            target = page.locator(".st-key-passage-dupilumab-2")
            expect(target.get_by_text("Linked passage")).to_be_visible(timeout=30_000)
            expect(target).to_be_in_viewport(timeout=10_000)
            page.screenshot(path=str(tmp_path / "guideline-dupilumab-2.png"))
        finally:
            browser.close()
    assert shot.is_file() and shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
