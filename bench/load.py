"""Load test: concurrent browser sessions upload and analyse their own files against one `streamlit run app.py`.

    python -m bench.load [--sessions 20] [--lines 50000] [--rounds 1] [--url http://127.0.0.1:8501] [--timeout 600]

Without --url it starts the app itself on a free loopback port. Each session (its own Chromium context, as a
separate browser would be) uploads a different Amazon report, waits for the loss estimate, and checks that the
loss it shows is the one `python -m impact analyze` gives for its own file (each file has its own prices, so a
number from another session's file would show). The streamlit process's memory (RSS) is sampled before,
during and after; after the sessions close the script waits for the server to drop them and reports how close
memory came back to the baseline and when. With --rounds N the same sessions run again on the same server: memory
after round N about equal to after round 1 means freed memory is being reused, growing means something is kept.
Exit code 1 if any session failed or saw another session's data.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import app_healthy, free_port
from bench.perf import generate_amazon_report

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (streamlit runs in one process)."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def wait_healthy(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app_healthy(url):
            return
        time.sleep(0.3)
    raise SystemExit(f"the app at {url} did not become healthy within {timeout:.0f} s")


def log(msg: str) -> None:
    if os.environ.get("IMPACT_LOAD_VERBOSE"):
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


WINDOW = ("2025-10-20T06:48:00Z", "2025-10-20T21:20:00Z")  # the app's default window: AWS us-east-1, 2025-10-20


def expected_loss(path: Path) -> str:
    """The loss the app should show for this file, as the CLI computes it, formatted like the app's KPI card."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "impact",
            "analyze",
            str(path),
            "--window",
            *WINDOW,
            "--channels",
            "amazon",
            "--tz",
            "UTC",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lost = json.loads(out)["windows"][0]["revenue"]["lost"]
    return f"${lost:,.0f}"


async def session(browser, url: str, path: Path, expected: dict[str, str], timeout_ms: int) -> dict:
    started = time.perf_counter()
    ctx = await browser.new_context(timezone_id="UTC")
    page = await ctx.new_page()
    result = {"file": path.name, "ok": False}
    try:
        # Under load (20 pages opening at once on 2 shared cores) the first page can take longer than playwright's
        # 30 s default: the session's own deadline applies, and the time is reported.
        await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
        result["page_seconds"] = round(time.perf_counter() - started, 1)
        await page.get_by_text("DEMO data").first.wait_for(timeout=timeout_ms)
        log(f"{path.name}: page up, uploading")
        # The first file input is the orders uploader (the sidebar also takes a windows file).
        await page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
            str(path), timeout=timeout_ms
        )
        # Done when the loss card shows this file's number; while a run is under way the page still shows the
        # demo's numbers. Whatever it shows at the deadline is compared below.
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="Revenue lost")
        deadline = time.monotonic() + 0.8 * timeout_ms / 1000  # leave time to report before the run's timeout
        while time.monotonic() < deadline:
            if await page.get_by_text("DEMO data").count() == 0 and await metric.count():
                value = (await metric.first.locator('[data-testid="stMetricValue"]').inner_text()).strip()
                if value == expected[path.name]:
                    break
            await page.wait_for_timeout(1000)
        log(f"{path.name}: imported and analysed")
        shown = (await metric.first.locator('[data-testid="stMetricValue"]').inner_text()).strip()
        result["revenue_lost"] = shown
        # Each file has its own prices, so its loss is its own: another session's number means crossed data.
        result["matches_own_file"] = shown == expected[path.name]
        result["other_files_seen"] = [n for n, v in expected.items() if n != path.name and v == shown]
        result["exceptions"] = await page.locator('[data-testid="stException"]').count()
        result["ok"] = result["matches_own_file"] and not result["other_files_seen"] and result["exceptions"] == 0
    except Exception as exc:  # noqa: BLE001 - a failed session is a result, not a crash of the run
        result["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        result["seconds"] = round(time.perf_counter() - started, 1)
        await ctx.close()
    return result


async def settle(pid: int, baseline: float, args) -> tuple[float, float, list[list[int]]]:
    """RSS once the server has had time to drop the closed sessions, polled every 2 s until it is within 10% of the
    baseline (but not before --ttl + 6 s, when the app has dropped them) or --ttl + --settle seconds have passed.
    Returns (MB, seconds after the sessions closed by which it
    had come down to within 2% of that, [[seconds, MB] at each change])."""
    started = time.monotonic()
    deadline = started + args.ttl + args.settle
    curve: list[list[int]] = []
    while True:
        after, waited = rss_mb(pid), time.monotonic() - started
        if not curve or round(after) != curve[-1][1]:
            curve.append([round(waited), round(after)])
        if (after <= baseline * 1.1 and waited >= args.ttl + 6) or time.monotonic() >= deadline:
            there = next(t for t, v in curve if v <= after * 1.02)
            return after, there, curve
        await asyncio.sleep(2)


async def run(args, url: str, pid: int | None, files: list[Path], expected: dict[str, str]) -> dict:
    from playwright.async_api import async_playwright

    def mb(value: float | None) -> int | None:
        return None if value is None or value != value else round(value)  # NaN: memory not measured

    rounds = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        # One warm-up session so the baseline includes the app's own imports and caches.
        warm = await browser.new_context()
        page = await warm.new_page()
        await page.goto(url)
        await page.get_by_text("DEMO data").first.wait_for(timeout=args.timeout * 1000)
        await page.locator('[data-testid="stMetric"]').first.wait_for(timeout=args.timeout * 1000)
        await warm.close()
        log("warm-up done")
        # Long enough for the app to drop the warm-up session too (its reaper looks every 5 s after the TTL).
        await asyncio.sleep(args.ttl + 12)
        baseline = rss_mb(pid) if pid else float("nan")
        for n in range(args.rounds):
            samples: list[float] = []
            stop = asyncio.Event()

            async def sample_memory(stop=stop, samples=samples):
                while not stop.is_set() and pid:
                    samples.append(rss_mb(pid))
                    await asyncio.sleep(0.5)

            sampler = asyncio.create_task(sample_memory())
            t0 = time.perf_counter()
            results = await asyncio.wait_for(
                asyncio.gather(*(session(browser, url, f, expected, args.timeout * 1000) for f in files)),
                timeout=args.timeout,
            )
            elapsed = time.perf_counter() - t0
            stop.set()
            await sampler
            # Every context is closed: the server sees the sessions disconnect and keeps them --ttl seconds.
            nan = float("nan")
            after, after_s, curve = await settle(pid, baseline, args) if pid else (nan, nan, [])
            log(f"round {n + 1}: after {after:.0f} MB, {after_s:.0f} s after the sessions closed")
            rounds.append(
                {
                    "round": n + 1,
                    "ok": sum(r["ok"] for r in results),
                    "wall_seconds": round(elapsed, 1),
                    "session_seconds_max": max(r["seconds"] for r in results),
                    "page_seconds_max": max(r.get("page_seconds", r["seconds"]) for r in results),
                    "rss_peak_mb": mb(max(samples)) if samples else None,
                    "rss_after_mb": mb(after),
                    "after_seconds": mb(after_s),
                    "rss_after_curve": curve,
                    "results": results,
                }
            )
        await browser.close()
    results = [r for rnd in rounds for r in rnd["results"]]
    peaks = [r["rss_peak_mb"] for r in rounds if r["rss_peak_mb"] is not None]
    return {
        "sessions": len(files),
        "rounds": len(rounds),
        "lines_per_file": args.lines,
        "ok": sum(r["ok"] for r in results),
        "failed": [r for r in results if not r["ok"]],
        "crossed": [r for r in results if r.get("other_files_seen")],
        "wall_seconds": rounds[0]["wall_seconds"],
        "session_seconds_max": max(r["seconds"] for r in results),
        "page_seconds_max": max(r["page_seconds_max"] for r in rounds),
        "rss_baseline_mb": mb(baseline),
        "rss_peak_mb": max(peaks) if peaks else None,
        "rss_after_mb": rounds[-1]["rss_after_mb"],
        "per_round": rounds,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--lines", type=int, default=50_000)
    ap.add_argument("--url", help="an app that is already running (memory is then not measured)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds for one round of sessions")
    ap.add_argument("--ttl", type=int, default=10, help="disconnectedSessionTTL given to the app it starts")
    ap.add_argument("--settle", type=int, default=180, help="seconds to wait for memory to come back afterwards")
    ap.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the sessions this many times on the same server, memory read after each round",
    )
    ap.add_argument("--chromium", default=os.environ.get("IMPACT_CHROMIUM", "/usr/bin/chromium"))
    ap.add_argument("--server-log", type=Path, help="write the app's output here (default: discarded)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="impact-load-"))
    files = []
    for i in range(args.sessions):
        f = tmp / f"session_{i:02d}_orders.txt"
        generate_amazon_report(f, args.lines, seed=i + 1, price_scale=1 + i / 10)
        files.append(f)

    proc = None
    url = args.url
    server_log = open(args.server_log, "w") if args.server_log else subprocess.DEVNULL  # noqa: SIM115
    if not url:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.disconnectedSessionTTL",
                str(args.ttl),
            ],
            cwd=ROOT,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_healthy(url)
        expected = {f.name: expected_loss(f) for f in files}
        if len(set(expected.values())) < len(files):
            raise SystemExit("two test files give the same loss; the cross-session check needs distinct ones")
        report = asyncio.run(run(args, url, proc.pid if proc else None, files, expected))
    finally:
        if proc:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        if args.server_log:
            server_log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        total = report["sessions"] * report["rounds"]
        print(
            f"{report['ok']}/{total} sessions ok ({args.lines:,} lines each) in "
            f"{report['wall_seconds']} s (slowest session {report['session_seconds_max']} s, slowest first page "
            f"{report['page_seconds_max']} s); "
            f"{len(report['crossed'])} saw another session's data"
        )
        if report["rss_baseline_mb"] is None:
            print("streamlit RSS: not measured (--url)")
        for r in report["per_round"] if report["rss_baseline_mb"] is not None else ():
            label = f"round {r['round']}: " if report["rounds"] > 1 else ""
            print(
                f"streamlit RSS: {label}baseline {report['rss_baseline_mb']} MB, peak {r['rss_peak_mb']} MB, "
                f"after the sessions closed {r['rss_after_mb']} MB (there {r['after_seconds']} s after they closed)"
            )
        for r in report["failed"]:
            print(f"  failed: {r['file']}: {r.get('error') or r}")
    return 0 if report["ok"] == report["sessions"] * report["rounds"] and not report["crossed"] else 1


if __name__ == "__main__":
    sys.exit(main())
