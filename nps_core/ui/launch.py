"""``python -m nps_core.ui.launch [SCRIPT] [--section.option VALUE ...]``: start the
dashboard with ``streamlit run``, unless it would listen beyond this machine without
sign-in; and give the first look a head start.

``make run`` starts the dashboard this way. The address and the secrets are resolved as
Streamlit itself will (flags over ``STREAMLIT_*`` variables over ``config.toml``; the
secrets files of ``secrets.files``); without an ``[auth]`` table any address but
loopback is refused with the reason, and nothing is started. ``app.py`` checks the
same again, for a plain ``streamlit run``.

Streamlit runs in this same process, after the first look's head start
(``nps_core.ui.head_start``) has begun in the background.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from nps_core.ui.head_start import prepare, start_demo_early

__all__ = ["main", "refusal"]

APP = Path(__file__).resolve().parents[2] / "app.py"


def refusal(script: str, args: Sequence[str]) -> str | None:
    """Why ``streamlit run script args`` must not start, or None.

    The arguments are parsed by ``streamlit run``'s own command line parser and loaded
    as it loads them, so the address is the one Streamlit would listen on.
    """
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton
    from streamlit.web import bootstrap, cli

    from nps_core.access.listen import listen_refusal

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
    start_demo_early(Path(script), args)  # before Streamlit is even imported
    reason = refusal(script, args)
    if reason is not None:
        print(f"nps dashboard: {reason}", file=sys.stderr)
        return 2
    prepare(Path(script))
    from streamlit.web import cli

    # In this process (not a new one): the head start's threads must live on.
    cli.main(["run", script, *args], prog_name="streamlit")
    return 0  # not reached: Streamlit's command line exits when the server stops


if __name__ == "__main__":
    sys.exit(main())
