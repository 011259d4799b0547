"""``python -m nps_core.ui.launch [SCRIPT] [--section.option VALUE ...]``: start the
dashboard with ``streamlit run``, unless it would listen beyond this machine without
sign-in; and give the first look a head start.

``make run`` starts the dashboard this way. The address and the secrets are resolved as
Streamlit itself will (flags over ``STREAMLIT_*`` variables over ``config.toml``; the
secrets files of ``secrets.files``); without an ``[auth]`` table any address but
loopback is refused with the reason, and nothing is started. ``app.py`` checks the
same again, for a plain ``streamlit run``.

A plain ``streamlit run`` imports nothing of the app and builds nothing until a browser
opens the page; the first visitor then waits for the pages' imports and, in demo mode,
for the demo database and its server, one after the other. Here Streamlit runs in this
same process, and background threads start that work at once, while Streamlit starts
its web server and the browser loads the page: the first look waits only for what is
left.
"""

from __future__ import annotations

import ast
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from importlib import import_module
from pathlib import Path

from streamlit import config
from streamlit.runtime.secrets import secrets_singleton
from streamlit.web import bootstrap, cli

from nps_core.access.listen import listen_refusal

__all__ = ["main", "page_modules", "prepare", "refusal"]

APP = Path(__file__).resolve().parents[2] / "app.py"
# The page scripts beside the main script, whose imports are made ahead.
PAGES = "app_pages"
_RUNTIME_WAIT_S = 60.0


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


def page_modules(main_script: Path) -> list[str]:
    """The modules the page scripts import, once each: the default page's first."""
    default = _default_page(main_script)
    scripts = sorted((main_script.parent / PAGES).glob("*.py"), key=lambda p: p != default)
    names: dict[str, None] = {}
    for script in scripts:
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names[node.module] = None
            elif isinstance(node, ast.Import):
                names.update(dict.fromkeys(alias.name for alias in node.names))
    return list(names)


def _default_page(main_script: Path) -> Path | None:
    """The page the main script names with ``st.Page(path, ..., default=True)``."""
    for node in ast.walk(ast.parse(main_script.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and any(
                k.arg == "default" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords
            )
        ):
            return main_script.parent / str(node.args[0].value)
    return None


def _wait_for_runtime() -> bool:
    """Until Streamlit's runtime exists, shortly before its server listens."""
    from streamlit import runtime

    deadline = time.monotonic() + _RUNTIME_WAIT_S
    while not runtime.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _import_ahead(modules: list[str]) -> None:
    """Import ``modules`` once Streamlit has started: meanwhile they would only slow its
    start (one interpreter lock), and the app's cached readers are declared against its
    runtime (declared earlier, Streamlit warns that it has none). The browser then takes
    a second or so over the page, while the server has nothing else to do."""
    if _wait_for_runtime():
        for name in modules:
            import_module(name)


def _start_source() -> None:
    from nps_core.ui.source import start_source

    start_source()


def prepare(main_script: Path) -> None:
    """Start the background work for the app at ``main_script``; returns at once.

    Only a head start: whatever fails here is done again, and its error shown, by the
    page that needs it.
    """
    modules = page_modules(main_script)
    for target, args in ((_start_source, ()), (_import_ahead, (modules,))):
        thread = threading.Thread(target=_quietly, args=(target, *args), daemon=True)
        thread.start()


def _quietly(target: Callable[..., object], *args: object) -> None:
    with suppress(Exception):  # a head start only: the page does it again
        target(*args)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    script = args.pop(0) if args and not args[0].startswith("-") else str(APP)
    reason = refusal(script, args)
    if reason is not None:
        print(f"nps dashboard: {reason}", file=sys.stderr)
        return 2
    prepare(Path(script))
    # In this process (not a new one): the head start's threads must live on.
    cli.main(["run", script, *args], prog_name="streamlit")
    return 0  # not reached: Streamlit's command line exits when the server stops


if __name__ == "__main__":
    sys.exit(main())
