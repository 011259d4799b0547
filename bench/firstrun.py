"""First-run benchmark: `make run` to the first Overview chart, as a new user meets it.

    .venv/bin/python -m bench.firstrun [--runs 3]

A new user has a fresh clone with its `.venv` installed and no `.nps/` folder: each run
gives the dashboard a new, empty data folder (``NPS_DATA_DIR``), so the demo database is
built, its server started and a month of reviews fetched. The command is the one `make
run` runs (read from ``make --dry-run``), from the repository root so that its
`.streamlit/config.toml` applies. A one-line app (``st.write("hello")``) is started with
Streamlit's own ``streamlit run`` and the same options, and opened the same way, in the
same run, alternating, for the ratio. Chromium is running already (a browser is open
when a user types the address) but each load gets a fresh browser profile: nothing
cached.

A load is timed from starting the command until (first Overview chart) the first Plotly
chart of the Overview has drawn its first trace, and (Overview complete) all three have and the
script has finished; for the one-line app, until "hello" shows. The browser is pointed
at the address as soon as Streamlit's health check answers. In the browser, the first
moment of each step is noted: Streamlit's page (its app skeleton), the sidebar's page
list, a spinner or progress bar, the page title.

The breakdown runs the same command once more under ``bench.probe`` (which notes the
time of each import and each step of the first script run) and splits the time to the
first chart along its critical path: server start, page load in the browser, then, in
the script's thread, imports, the demo database (or waiting for it), the API server's
start, the fetch and the rest of the script, and last the browser's render after the
script's last change arrived. Work done meanwhile in other threads (the head start of
``nps_core.ui.launch``) is listed apart, with its times.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from playwright.sync_api import Browser, sync_playwright

from bench.probe import probe_env
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, charts_drawn
from tests.support.paths import ROOT
from tests.support.servers import free_port, stop

TARGET_RATIO = 2.0
HELLO_APP = 'import streamlit as st\n\nst.write("hello")\n'
# The first moment each thing is on the page, in the browser's wall clock (ms).
MARKS_JS = """
(() => {
  const marks = {};
  window.__marks = marks;
  const one = selector => document.querySelector(selector);
  const checks = {
    skeleton: () => one('[data-testid="stAppSkeleton"]'),
    nav: () => one('[data-testid="stSidebarNav"]'),
    indicator: () => one('[data-testid="stSpinner"], [data-testid="stProgress"]'),
    title: () => one('[data-testid="stMain"] h1'),
    chart: () => one('.js-plotly-plot .main-svg g.trace'),
    hello: () => [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
      .some(block => block.innerText.includes('hello')),
  };
  const tick = () => {
    const now = performance.timeOrigin + performance.now();
    for (const [name, check] of Object.entries(checks)) {
      if (!(name in marks) && check()) marks[name] = now;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""
OVERVIEW_DONE = charts_drawn(3)
HELLO_DONE = "() => window.__marks && 'hello' in window.__marks"


@dataclass
class Load:
    """One start of a command and its first page, in seconds from the start."""

    started: float  # wall clock time of the command's start
    health: float  # Streamlit's health check answers: the browser is pointed at it
    done: float  # the page complete (Overview: its three charts and the script finished)
    marks: dict[str, float] = field(default_factory=dict)  # browser marks, as above

    @property
    def first(self) -> float:
        """The first chart (the Overview), or the text (the one-line app)."""
        return self.marks.get("chart", self.marks.get("hello", self.done))


def make_run(port: int, root: Path) -> list[str]:
    """The command `make run` runs in ``root`` (its last line), as make spells it out."""
    out = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", f"PORT={port}"],
        cwd=root, capture_output=True, text=True, check=True,
    )  # fmt: skip
    logical = out.stdout.strip().replace("\\\n", " ").splitlines()  # joins continued lines
    return shlex.split(logical[-1])


def command(script: Path, port: int) -> list[str]:
    """`make run`'s command for an app.py (in its checkout); Streamlit's own `streamlit
    run` with the same options for any other script."""
    if script.name == "app.py":
        return make_run(port, script.parent)
    flags = ["--server.headless", "true", "--server.port", str(port)]
    return [str(Path(sys.executable).parent / "streamlit"), "run", str(script), *flags]


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
            try:
                if http.get(f"{url}/_stcore/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer in {timeout:g} s")


def first_load(browser: Browser, script: Path, data_dir: Path, log: Path | None = None) -> Load:
    """Start the command over an empty ``data_dir`` and open its page in a fresh profile."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("NPS_")}
    env["NPS_DATA_DIR"] = str(data_dir)
    if log is not None:
        env.update(probe_env(log, log.with_suffix(".site")))
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.add_init_script(MARKS_JS)
    done = OVERVIEW_DONE if script.name == "app.py" else HELLO_DONE
    started = time.time()
    output = data_dir.with_suffix(".log")
    with open(output, "wb") as sink:
        process = subprocess.Popen(
            command(script, port),
            cwd=script.parent if script.name == "app.py" else ROOT,
            env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        url = f"http://localhost:{port}"
        try:
            wait_healthy(url, process)
        except RuntimeError:
            print(output.read_text()[-2000:])
            raise
        health = time.time() - started
        page.goto(url, wait_until="commit")
        page.wait_for_function(done, timeout=600_000, polling="raf")
        finished = time.time() - started
        marks = page.evaluate("window.__marks")
    finally:
        context.close()
        stop(process)
    return Load(started, health, finished, {k: v / 1000 - started for k, v in marks.items()})


Span = tuple[str, float, float]  # what, start, end: seconds from the command's start
# The critical path's steps, most specific first: a moment of the script thread inside
# the fetch is the fetch, though the script runs too. "demo start" is what is left of
# start_demo: waiting for a start already under way in the background.
STEPS = [
    "imports", "fetch", "demo database written", "demo database",
    "API server start", "demo start", "script run", "server start",
    "page load in the browser", "render after the script",
]  # fmt: skip


def probe_spans(load: Load, log: Path) -> tuple[list[Span], list[Span]]:
    """The probe's events as (the critical path's, the rest). The critical path: the
    Streamlit process's main thread until the health check answers, then its script
    thread. Events of other processes (the demo database's) are named so."""
    events = [json.loads(line) for line in log.read_text().splitlines()]
    streamlit = next((e["pid"] for e in events if e["thread"].startswith("ScriptRunner")), None)
    critical: list[Span] = []
    background: list[Span] = []
    for event in events:
        what, start, end = event["what"], event["start"] - load.started, event["end"] - load.started
        ours = event["pid"] == streamlit
        in_script = ours and event["thread"].startswith("ScriptRunner")
        booting = ours and event["thread"] == "MainThread" and start < load.health
        if what.startswith("import "):
            what = "server start" if booting else "imports"
        if not ours:
            what += " (own process)"
        (critical if in_script or booting else background).append((what, start, end))
    runs = [span for span in critical if span[0] == "script run"]
    first_run = min((start for _, start, _ in runs), default=load.health)
    script_end = max((end for _, _, end in runs if end < load.first), default=load.first)
    critical += [
        ("server start", 0.0, load.health),
        ("page load in the browser", load.health, first_run),
        ("render after the script", script_end, load.first),
    ]
    return critical, background


def breakdown(critical: list[Span], until: float) -> dict[str, float]:
    """Where the time to ``until`` went (seconds, summing to it): each moment goes to
    the most specific step under way on the critical path."""
    ranked = sorted((s for s in critical if s[0] in STEPS), key=lambda s: STEPS.index(s[0]))
    steps = 2000
    totals = dict.fromkeys([*STEPS, "other"], 0.0)
    for i in range(steps):
        moment = until * (i + 0.5) / steps
        what = next((w for w, start, end in ranked if start <= moment < end), "other")
        totals[what] += until / steps
    return {what: seconds for what, seconds in totals.items() if seconds > 0}


def background_work(background: list[Span]) -> list[Span]:
    """Work in other threads: each step once, from its first start to its last end."""
    merged: dict[str, Span] = {}
    for what, start, end in background:
        first = merged.get(what, (what, start, end))
        merged[what] = (what, min(first[1], start), max(first[2], end))
    return sorted(merged.values(), key=lambda span: span[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--before", type=Path, help="another checkout (e.g. a worktree of main) timed alongside"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-firstrun-") as tmp, sync_playwright() as pw:
        folder = Path(tmp)
        hello = folder / "hello.py"
        hello.write_text(HELLO_APP)
        scripts = {"dashboard": ROOT / "app.py", "hello": hello}
        if args.before:
            scripts["before"] = args.before.resolve() / "app.py"
        loads: dict[str, list[Load]] = {name: [] for name in scripts}
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for run in range(args.runs):  # side by side, the order alternating
            names = list(scripts) if run % 2 == 0 else list(reversed(scripts))
            for name in names:
                load = first_load(browser, scripts[name], folder / f"data-{name}-{run}")
                loads[name].append(load)
                print(
                    f"run {run + 1} {name:>9}: first {load.first:5.1f} s, done {load.done:5.1f} s"
                )
        report(loads)
        for name in scripts:
            if name != "hello":
                log = folder / f"probe-{name}.jsonl"
                probed = first_load(browser, scripts[name], folder / f"data-probe-{name}", log)
                critical, background = probe_spans(probed, log)
                print(
                    f"\n{name}: breakdown of one probed run (first chart at {probed.first:.1f} s)"
                )
                report_breakdown(breakdown(critical, probed.first), background_work(background))
        browser.close()


def report(loads: dict[str, list[Load]]) -> None:
    def median(name: str, value: str) -> float:
        return statistics.median(getattr(load, value) for load in loads[name])

    def mark(name: str, key: str) -> str:
        values = [load.marks[key] for load in loads[name] if key in load.marks]
        return f"{statistics.median(values):5.1f} s" if values else "    –  "

    names = list(loads)
    print(
        f"\nmedians of {len(loads['hello'])} runs, from the command's start (fresh data, profile)"
    )
    print(f"{'':26}" + "".join(f"{name:>12}" for name in names))
    for label, value in (
        ("health check answers", "health"),
        ("first chart / the text", "first"),
        ("page complete", "done"),
    ):
        print(f"{label:26}" + "".join(f"{median(name, value):10.1f} s" for name in names))
    for label, key in (
        ("app skeleton shows", "skeleton"),
        ("page list shows", "nav"),
        ("spinner or progress bar", "indicator"),
        ("page title shows", "title"),
    ):
        print(f"{label:26}" + "".join(f"{mark(name, key):>12}" for name in names))
    for name in names:
        if name == "hello":
            continue
        ratio = median(name, "first") / median("hello", "first")
        pairs = statistics.median(
            mine.first / hello.first
            for mine, hello in zip(loads[name], loads["hello"], strict=True)
        )
        verdict = "within" if ratio <= TARGET_RATIO else "over"
        print(
            f"{name}: first chart {ratio:.2f}× the one-line app (median of the runs' ratios "
            f"{pairs:.2f}×), {verdict} the {TARGET_RATIO:g}× target"
        )


def report_breakdown(parts: dict[str, float], background: list[Span]) -> None:
    for what, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"  {what:28}{seconds:6.2f} s")
    if background:
        print("meanwhile in other threads (from the command's start):")
        for what, start, end in background:
            print(f"  {what:28}{start:6.2f} s to {end:5.2f} s")


if __name__ == "__main__":
    main()
