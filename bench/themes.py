"""Time nps_core.analysis.themes.find_themes on 100,000 comments, cold.

Three corpora of 100,000 comments each: the demo shop's (the bundled generator; English
and Russian phrase banks, so many comments repeat), the evaluation set of
tests/themes_eval replicated, and the random-word comments of bench/text.py (nearly
all distinct: the worst case for the per-comment work). Each is themed in a fresh
Python process — nothing cached, stop lists and stemmers loaded by that first call —
and the seconds of the call are printed, with the CPU seconds it used (on a machine
other processes keep busy, the wall time is longer than the work).
Target: at most 5 s for each.

``--screenshots DIR`` instead saves the Comments page's Themes section on the demo
shop (60,000 reviews, last 90 days, with one pinned theme) as ``DIR/themes.png``,
``DIR/themes-share.png`` (share over time) and ``DIR/themes-chosen.png`` (after a
click on a theme's bar: its comments listed).

Run from the repository root:  .venv/bin/python -m bench.themes [--corpus NAME]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from bench.pages import WIDTH, start_streamlit
from bench.text import SEED, synthetic
from nps_core import PinnedTheme, find_themes, groups_of
from nps_core.data.state import open_state
from nps_core.server.demo import DEMO_SHOP_ID, generate_reviews
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, wait_for_app
from tests.support.paths import APP, ROOT
from tests.support.servers import stop

N = 100_000
TARGET_S = 5.0
CORPORA = ("demo", "eval", "random")


def demo_frame(n: int) -> pd.DataFrame:
    # About two reviews in three have a comment; generate enough, keep the first n.
    rows = generate_reviews(int(n * 1.7), days=365, seed=7, today=date(2025, 6, 30))
    frame = pd.DataFrame(rows)
    frame = frame[frame["comment"].notna()].head(n).reset_index(drop=True)
    return _review_frame(frame["comment"], frame["rate"])


def eval_frame(n: int) -> pd.DataFrame:
    data = pd.read_csv(ROOT / "tests" / "themes_eval" / "comments.csv")
    reps = -(-n // len(data))
    big = pd.concat([data] * reps, ignore_index=True).head(n)
    return _review_frame(big["comment"], big["rate"])


def random_frame(n: int) -> pd.DataFrame:
    # One review in ten has no comment there: draw enough for n comments.
    comments, groups = synthetic(n * 115 // 100, np.random.default_rng(SEED))
    rates = groups.map({"detractor": 3, "passive": 7, "promoter": 10}).astype("int8")
    keep = comments.notna().to_numpy()
    return _review_frame(comments[keep].head(n), rates[keep].head(n))


def _review_frame(comments: pd.Series, rates: pd.Series) -> pd.DataFrame:
    """The columns find_themes reads, typed as in the review frame."""
    frame = pd.DataFrame({"comment": comments.astype("string"), "rate": rates.astype("int8")})
    frame["group"] = groups_of(frame["rate"])
    return frame


BUILDERS = {"demo": demo_frame, "eval": eval_frame, "random": random_frame}


def child(corpus: str) -> None:
    """Build one corpus, theme it once, print the figures as JSON."""
    t0 = time.perf_counter()
    frame = BUILDERS[corpus](N)
    t1, c1 = time.perf_counter(), time.process_time()
    themes = find_themes(frame)
    t2, c2 = time.perf_counter(), time.process_time()
    distinct = int(frame["comment"].nunique())
    covered = float(themes.assignment.notna().mean())
    print(
        json.dumps(
            {
                "corpus": corpus,
                "comments": int(frame["comment"].notna().sum()),
                "distinct": distinct,
                "themes": len(themes.table),
                "covered": round(covered, 3),
                "setup_s": round(t1 - t0, 2),
                "themes_s": round(t2 - t1, 2),
                "cpu_s": round(c2 - c1, 2),
                "labels": themes.table["label"].head(6).tolist(),
            },
            ensure_ascii=False,
        )
    )


SCREEN_REVIEWS = 60_000
SCREEN_PIN = PinnedTheme("Delays", ("late", "delay", "опоздал", "задержка"))
CHART = ".st-key-cmt_theme_chart0"


def screenshots(folder: Path) -> None:
    """The Themes section in Chromium, saved as PNG files in `folder`."""
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-themes-") as tmp:
        data = Path(tmp) / "data"
        state = open_state(f"sqlite:///{data / 'state.sqlite3'}")
        state.pinned.save(f"demo|{DEMO_SHOP_ID}", [SCREEN_PIN])
        state.close()
        url, process = start_streamlit(APP, data, SCREEN_REVIEWS)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": WIDTH, "height": 1500})
                page.goto(f"{url}/comments?period=90d", timeout=300_000)
                wait_for_app(page, timeout=300_000)
                page.wait_for_selector(f"{CHART} .main-svg .bars .point path", timeout=300_000)
                page.wait_for_timeout(1000)
                page.screenshot(path=str(folder / "themes.png"))
                page.get_by_role("tab", name="Share over time").click()
                page.wait_for_selector(".st-key-cmt_theme_shares .main-svg", timeout=60_000)
                wait_for_app(page)
                page.wait_for_timeout(1500)
                page.screenshot(path=str(folder / "themes-share.png"))
                page.get_by_role("tab", name="What each theme costs").click()
                page.wait_for_selector(f"{CHART} .main-svg .bars .point path", timeout=60_000)
                wait_for_app(page)
                box = page.locator(f"{CHART} .bars .point path").first.bounding_box()
                assert box is not None
                page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.wait_for_function("() => location.search.includes('theme=')")
                wait_for_app(page)
                # Streamlit scrolls inside its main block: grow the window to all of it.
                height = page.evaluate(
                    "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
                )
                page.set_viewport_size({"width": WIDTH, "height": height})
                page.wait_for_timeout(2000)
                page.screenshot(path=str(folder / "themes-chosen.png"))
                browser.close()
        finally:
            stop(process)
    for name in ("themes", "themes-share", "themes-chosen"):
        print(f"saved {folder / name}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=CORPORA, help="only this corpus")
    parser.add_argument("--screenshots", type=Path, help="save the Themes section's PNGs here")
    parser.add_argument("--child", choices=CORPORA, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if args.screenshots:
        screenshots(args.screenshots)
        return
    for corpus in [args.corpus] if args.corpus else CORPORA:
        out = subprocess.run(
            [sys.executable, "-m", "bench.themes", "--child", corpus],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        verdict = "ok" if figures["themes_s"] <= TARGET_S else "OVER TARGET"
        print(
            f"{corpus:>6}: {figures['comments']:,} comments ({figures['distinct']:,} distinct), "
            f"{figures['themes']} themes, {figures['covered']:.0%} in a theme — "
            f"find_themes {figures['themes_s']:.2f} s cold ({figures['cpu_s']:.2f} s of CPU) "
            f"[{verdict}]"
        )
        print(f"        top labels: {'; '.join(figures['labels'])}")


if __name__ == "__main__":
    main()
