"""Soak: rebuild a warehouse again and again while Chromium cycles every dashboard page.

``make soak`` (not in CI) builds a warehouse from the bundled TXT samples, starts the dashboard
on it, then rebuilds it ``--rebuilds`` times (each with --force, so the file is replaced) while
one browser page opens every page in turn and a second keeps rerunning an open page.  A page
load counts as an error when it shows an exception, an error box or never finishes.  Prints
``错误 E / 页面载入 N`` and the rebuild outcomes; exits 1 when anything failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
PAGES = ["", "findings", "structure", "sangong", "vehicles", "performance", "sources"]
ERROR_SELECTOR = '[data-testid="stException"], [data-testid="stAlertContentError"]'
PAGE_TIMEOUT_MS = 60_000


def free_port() -> int:
    """Given nothing, return a free local TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(db: Path, source: Path, *extra: str) -> tuple[int, str]:
    """Given a warehouse, a report folder and options, run one build; return (status, last line)."""
    proc = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--db", str(db), *extra, str(source)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    return proc.returncode, lines[-1] if lines else ""


def start_app(db: Path, port: int, log: Path) -> subprocess.Popen:
    """Given a warehouse and a port, start the dashboard and return once it answers."""
    env = {**os.environ, "JUESUAN_DB": str(db), "JUESUAN_AUTOBUILD": "0"}
    cmd = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("看板未能在 60 秒内启动")


def wait_done(page) -> None:
    """Given a browser page, wait until its script run has finished."""
    page.wait_for_selector("h1", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') !== 'running'
                && !document.querySelector('[data-testid="stStatusWidget"]');
        }""",
        timeout=PAGE_TIMEOUT_MS,
    )


def main() -> int:
    """Given the command line, run the soak and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuilds", type=int, default=20)
    parser.add_argument("--source", default=str(ROOT / "samples" / "reports" / "txt"))
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"需要 Chromium（{CHROMIUM}）")
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="soak-"))
    db = tmp / "finance.duckdb"
    code, line = build(db, Path(args.source))
    print(f"初次构建：{line}", flush=True)
    port = free_port()
    app = start_app(db, port, tmp / "streamlit.log")
    outcomes: list[tuple[int, str]] = []
    done = threading.Event()

    def rebuild() -> None:
        for _ in range(args.rebuilds):
            outcomes.append(build(db, Path(args.source), "--force"))
        done.set()

    loads = errors = 0
    problems: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            cycler = browser.new_page()
            rerunner = browser.new_page()
            rerunner.goto(f"http://127.0.0.1:{port}/sources")
            threading.Thread(target=rebuild, daemon=True).start()
            n = 0
            while not done.is_set():
                for page, path in ((cycler, PAGES[n % len(PAGES)]), (rerunner, None)):
                    loads += 1
                    try:
                        if path is None:
                            page.keyboard.press("r")  # rerun the open page
                        else:
                            page.goto(f"http://127.0.0.1:{port}/{path}")
                        wait_done(page)
                        if page.locator(ERROR_SELECTOR).count():
                            errors += 1
                            problems.append(f"/{path or 'sources(rerun)'}: 页面显示错误")
                    except Exception as exc:  # a page that never finished counts as an error
                        errors += 1
                        problems.append(f"/{path or 'sources(rerun)'}: {type(exc).__name__}")
                n += 1
            browser.close()
    finally:
        app.terminate()
        app.wait(timeout=15)
        shutil.rmtree(tmp, ignore_errors=True)
    failed = [line for code, line in outcomes if code != 0]
    print(f"重建 {len(outcomes)} 次，失败 {len(failed)} 次", flush=True)
    for line in failed[:5]:
        print(f"  {line}")
    for line in problems[:10]:
        print(f"  {line}")
    print(f"错误 {errors} / 页面载入 {loads}", flush=True)
    return 1 if errors or failed else 0


if __name__ == "__main__":
    sys.exit(main())
