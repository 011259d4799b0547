"""``python -m nps_core.alerts``: the alerts worker and the weekly digest.

    python -m nps_core.alerts watch --notify URL [--notify URL ...] [--interval 60]
        [--once] [--max-rate 6]
    python -m nps_core.alerts digest --period 7d --notify URL [--notify URL ...]
    python -m nps_core.alerts status

It reads the dashboard's settings (``.streamlit/secrets.toml`` in the working folder,
``NPS_*`` variables) and state store. A cron line for Monday's digest at 08:00:

    0 8 * * 1  cd /srv/nps && .venv/bin/python -m nps_core.alerts digest --period 7d \\
        --notify "mailtos://user:pass@smtp.example.com?to=team@example.com"
"""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import timedelta
from types import FrameType

from nps_core.alerts.digest import run_digest
from nps_core.alerts.notify import DestinationError, destinations
from nps_core.alerts.outbox import DEFAULT_LEASE, Outbox
from nps_core.alerts.runtime import open_runtime
from nps_core.alerts.status import print_status
from nps_core.alerts.watch import Watcher, WatchOptions, run_watch
from nps_core.data.state import Backoff

log = logging.getLogger("nps_core.alerts")


def _period_days(text: str) -> int:
    match = re.fullmatch(r"(\d+)([dw])", text.strip().lower())
    if not match or int(match.group(1)) < 1:
        raise argparse.ArgumentTypeError("a period is a number of days or weeks: 7d, 14d, 1w")
    return int(match.group(1)) * (7 if match.group(2) == "w" else 1)


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be above 0")
    return value


def _delivery_options(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument(
        "--notify",
        action="append",
        default=[],
        required=required,
        metavar="URL",
        help="an Apprise URL (slack://, tgram://, workflows:// (Teams), mailto://, json://…); repeatable",
    )
    parser.add_argument(
        "--lease-seconds",
        type=_positive,
        default=DEFAULT_LEASE.total_seconds(),
        help="how long a worker's hold on a destination lasts unrenewed",
    )
    parser.add_argument(
        "--retry-base",
        type=_positive,
        default=30.0,
        help="seconds before the first retry; doubled each time, 1 h at most",
    )
    parser.add_argument(
        "--max-attempts", type=int, default=10, help="tries before a message is marked failed"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m nps_core.alerts", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    watch = commands.add_parser("watch", help="alert on new detractors and NPS drops")
    _delivery_options(watch, required=True)
    watch.add_argument("--interval", type=_positive, default=60.0, help="seconds between looks")
    watch.add_argument("--once", action="store_true", help="look once, deliver, and exit")
    watch.add_argument(
        "--max-rate",
        type=int,
        default=6,
        choices=range(11),
        metavar="0-10",
        help="highest rate announced (default 6: detractors)",
    )
    watch.add_argument(
        "--lookback-hours",
        type=_positive,
        default=None,
        help="announce reviews this young (default: the follow-up service level)",
    )
    watch.add_argument("--no-bands", action="store_true", help="no control-band alerts")
    digest = commands.add_parser("digest", help="send the digest of the last period")
    _delivery_options(digest, required=True)
    digest.add_argument("--period", type=_period_days, default=7, help="7d (default), 14d, 4w…")
    digest.add_argument("--again", action="store_true", help="send even if sent for this period")
    digest.add_argument(
        "--wait",
        type=_positive,
        default=300.0,
        help="seconds to keep retrying a failed delivery before exiting",
    )
    status = commands.add_parser("status", help="the ledger: pending, sent, failed, and why")
    status.add_argument(
        "--notify",
        action="append",
        default=[],
        metavar="URL",
        help="name these destinations in the report",
    )
    return parser


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handle(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    return stop


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    for noisy in ("apprise", "alembic", "httpx", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        targets = destinations(args.notify)
    except DestinationError as error:
        print(error, file=sys.stderr)
        return 2
    backoff = Backoff(
        base=timedelta(seconds=getattr(args, "retry_base", 30.0)),
        max_attempts=getattr(args, "max_attempts", 10),
    )
    runtime = open_runtime(backoff)
    try:
        if args.command == "status":
            return print_status(runtime.state, targets)
        outbox = Outbox(runtime.state, targets, lease=timedelta(seconds=args.lease_seconds))
        if args.command == "digest":
            return run_digest(runtime, outbox, args.period, again=args.again, wait=args.wait)
        sla = runtime.settings.followup_sla_hours
        options = WatchOptions(
            max_rate=args.max_rate,
            lookback=timedelta(hours=args.lookback_hours or sla),
            bands=not args.no_bands,
        )
        return run_watch(
            Watcher(runtime, outbox, options), args.interval, args.once, _stop_on_signals()
        )
    finally:
        runtime.close()


if __name__ == "__main__":
    sys.exit(main())
