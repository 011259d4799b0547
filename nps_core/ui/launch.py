"""``python -m nps_core.ui.launch [SCRIPT] [--section.option VALUE ...]``: start the
dashboard with ``streamlit run``, unless it would listen beyond this machine without
sign-in.

``make run`` starts the dashboard this way. The address and the secrets are resolved as
Streamlit itself will (flags over ``STREAMLIT_*`` variables over ``config.toml``; the
secrets files of ``secrets.files``); without an ``[auth]`` table any address but
loopback is refused with the reason, and nothing is started. ``app.py`` checks the
same again, for a plain ``streamlit run``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from streamlit import config
from streamlit.runtime.secrets import secrets_singleton
from streamlit.web import bootstrap, cli

from nps_core.access.listen import listen_refusal

__all__ = ["main", "refusal"]

APP = Path(__file__).resolve().parents[2] / "app.py"


def refusal(script: str, args: Sequence[str]) -> str | None:
    """Why ``streamlit run script args`` must not start, or None.

    The arguments are parsed by ``streamlit run``'s own command line parser and loaded
    as it loads them, so the address is the one Streamlit would listen on.
    """
    context = cli.main_run.make_context("run", [script, *args])
    flags = {
        name: value for name, value in context.params.items() if name not in ("target", "args")
    }
    bootstrap.load_config_options(flags)
    auth = secrets_singleton.load_if_toml_exists() and "auth" in secrets_singleton
    return listen_refusal(config.get_option("server.address"), auth)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    script = args.pop(0) if args and not args[0].startswith("-") else str(APP)
    reason = refusal(script, args)
    if reason is not None:
        print(f"nps dashboard: {reason}", file=sys.stderr)
        return 2
    command = [sys.executable, "-m", "streamlit", "run", script, *args]
    os.execv(sys.executable, command)
    return 0  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())
