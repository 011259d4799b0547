"""Fuzz the bundled server from its own OpenAPI document, longer than the test does.

    .venv/bin/python -m bench.fuzz [--cases 1000] [--seed N]

Schemathesis generates ``--cases`` positive and as many negative cases per operation
(four operations: 8 x cases in all), sent over real HTTP to the server on a loopback
port; the driver is the test's (tests/support/fuzzing.py), with every check: no 5xx,
documented status codes, content types and headers, response bodies (every error the
contract's body), invalid input refused, valid input naming the real shop accepted.
Prints the cases by operation and answer; exits non-zero on the first broken check.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from nps_core.server import start_server
from tests.support.fuzzing import RealValues, fuzz
from tests.support.shops import SHOP_ID, SHOP_SECRET, seed_shop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="per operation and mode")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"seed {seed}")

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "fuzz.sqlite3"
        seed_shop(db).close()
        with start_server(db) as server:
            real = RealValues(SHOP_ID, SHOP_SECRET, channel="web", category="product")
            began = time.perf_counter()
            report = fuzz(server.url, real, cases_per_mode=args.cases, seed=seed)
            elapsed = time.perf_counter() - began
            stored = len(server.app.state.store.all_reviews(SHOP_ID))

    print(f"{'operation':<22}{'mode':<10}{'status':>7}{'cases':>8}")
    for (operation, mode, status), count in sorted(report.outcomes.items()):
        print(f"{operation:<22}{mode:<10}{status:>7}{count:>8}")
    print(
        f"cases:               {report.cases} in {elapsed:.0f} s ({report.cases / elapsed:.0f}/s)"
    )
    print(f"5xx answers:         {report.server_errors()}")
    print(
        f"reviews stored:      {stored} from {report.count('POST /nps/create', status=200)} accepted creates"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
