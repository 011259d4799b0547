"""Time nps_core.analysis.themes.find_themes on 100,000 comments, cold.

Three corpora of 100,000 comments each: the demo shop's (the bundled generator; English
and Russian phrase banks, so many comments repeat), the evaluation set of
tests/themes_eval replicated, and the random-word comments of bench/text.py (nearly
all distinct: the worst case for the per-comment work). Each is themed in a fresh
Python process — nothing cached, stop lists and stemmers loaded by that first call —
and the seconds of the call are printed.
Target: at most 5 s for each.

Run from the repository root:  .venv/bin/python -m bench.themes [--corpus NAME]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date

import numpy as np
import pandas as pd

from bench.text import SEED, synthetic
from nps_core import find_themes, groups_of
from nps_core.server.demo import generate_reviews
from tests.support.paths import ROOT

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
    t1 = time.perf_counter()
    themes = find_themes(frame)
    t2 = time.perf_counter()
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
                "labels": themes.table["label"].head(6).tolist(),
            },
            ensure_ascii=False,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=CORPORA, help="only this corpus")
    parser.add_argument("--child", choices=CORPORA, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
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
            f"find_themes {figures['themes_s']:.2f} s cold [{verdict}]"
        )
        print(f"        top labels: {'; '.join(figures['labels'])}")


if __name__ == "__main__":
    main()
