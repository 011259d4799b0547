"""The first look's head start, begun as ``nps_core.ui.launch`` starts (``make run``).

A plain ``streamlit run`` imports nothing of the app and builds nothing until a browser
opens the page; the first visitor then waits for the page's imports and, in demo mode,
for the demo database and its server, one after the other. Here that work begins at
once, in the background, while Streamlit starts its web server and the browser loads
the page: the first look waits only for what is left. Only a head start: whatever fails
here is done again, and its error shown, by the page that needs it.
"""

from __future__ import annotations

import ast
import os
import threading
import time
import tomllib
from collections.abc import Callable, Sequence
from contextlib import suppress
from importlib import import_module
from pathlib import Path

from nps_core.data.settings import data_dir, load_settings
from nps_core.server.embedded import prepare_demo

__all__ = ["first_look_modules", "prepare", "start_demo_early"]

_RUNTIME_WAIT_S = 60.0


def start_demo_early(main_script: Path, args: Sequence[str]) -> None:
    """Start the demo at once when no account can be configured: no ``NPS_SHOP_ID`` and
    no secrets file that Streamlit would read. Streamlit takes a second to import, and
    the settings proper are read after it (``prepare``); should they name an account
    after all (a secrets file set in an unusual way), a demo was made for nothing."""
    if os.environ.get("NPS_SHOP_ID") or os.environ.get("STREAMLIT_SECRETS_FILES"):
        return
    if any(arg.startswith("--secrets") for arg in args):
        return
    for folder in {Path.cwd(), main_script.resolve().parent, Path.home()}:
        if (folder / ".streamlit" / "secrets.toml").exists() or _names_secrets(
            folder / ".streamlit" / "config.toml"
        ):
            return
    settings = load_settings(None)
    prepare_demo(settings.demo_reviews, data_dir())


def _names_secrets(config: Path) -> bool:
    """Whether a Streamlit config file sets where the secrets are (or cannot be read)."""
    try:
        return "secrets" in tomllib.loads(config.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return True


def first_look_modules(main_script: Path) -> list[str]:
    """The modules the main script and its default page import, once each: what the
    first look needs (the other pages import theirs when first opened)."""
    names: dict[str, None] = {}
    for script in filter(None, (main_script, _default_page(main_script))):
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names[node.module] = None
            elif isinstance(node, ast.Import):
                names.update(dict.fromkeys(alias.name for alias in node.names))
    return list(names)


def _default_page(main_script: Path) -> Path | None:
    """The page the main script names with ``st.Page(path, ..., default=True)``, else the
    first page script it names (``st.navigation`` opens the first page by default)."""
    tree = ast.parse(main_script.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
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
    scripts = sorted(
        (node.lineno, node.col_offset, main_script.parent / node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.endswith(".py")
        and (main_script.parent / node.value).is_file()
    )
    return scripts[0][2] if scripts else None


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
    modules = first_look_modules(main_script)
    for target, args in ((_start_source, ()), (_import_ahead, (modules,))):
        thread = threading.Thread(target=_quietly, args=(target, *args), daemon=True)
        thread.start()


def _quietly(target: Callable[..., object], *args: object) -> None:
    with suppress(Exception):  # a head start only: the page does it again
        target(*args)
