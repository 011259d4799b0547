"""Where the first run's time goes, without changing the code: probes installed in a
process before it imports anything of the app.

    .venv/bin/python -m bench.probe LOG -m streamlit run app.py --server.headless true ...
    env(probe_env(LOG, FOLDER)) any command: every Python process it starts is probed

The first form runs the module given (as ``python -m`` would) with its arguments, after
installing the probes. The second puts a ``sitecustomize`` on ``PYTHONPATH`` that
installs them in every Python process started with that environment: a launcher that
replaces itself with ``streamlit run`` (``os.execv``), and the demo database's own
process, are probed too.

The probes append one JSON line per event to LOG (``{"what", "start", "end", "thread",
"pid"}``, wall clock seconds, so they line up with the browser's clock and the bench's):

* every outermost import taking over 5 ms (``import <module>``): an import hook around
  the interpreter's ``_find_and_load``, which every import statement calls for a module
  not yet loaded;
* each call of the functions in ``PROBES``: wrapped as soon as their module is loaded,
  before anything imports them by name. Names missing from the code are skipped, so the
  same probe serves the code before and after a change.

The probes cost microseconds per import; ``bench/firstrun.py`` times the plain command
for its headline figures and uses them only for the breakdown.
"""

from __future__ import annotations

import _frozen_importlib  # type: ignore[import-not-found]
import functools
import json
import os
import runpy
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["PROBES", "install", "main", "probe_env"]

ENV = "BENCH_PROBE_LOG"
_SITECUSTOMIZE = """
import importlib.util, os
if os.environ.get({env!r}):
    spec = importlib.util.spec_from_file_location("bench_probe", {path!r})
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    probe.install(os.environ[{env!r}])
"""

# module → (attribute path, event name). The first run's steps, before and after issue 17.
PROBES: dict[str, list[tuple[str, str]]] = {
    "streamlit.runtime.scriptrunner.script_runner": [
        ("exec_func_with_error_handling", "script run"),
    ],
    "nps_core.server.embedded": [
        ("_demo_database", "demo database"),
        ("start_demo", "demo start"),
    ],
    "nps_core.server.demo": [("create_demo", "demo database written")],
    "nps_core.server.runner": [("start_server", "API server start")],
    "nps_core.data.fetch": [("fetch_reviews", "fetch")],
}
IMPORT_MIN_S = 0.005

_lock = threading.Lock()
_local = threading.local()


def _writer(path: str) -> Callable[[str, float, float], None]:
    sink = open(path, "a", buffering=1)  # noqa: SIM115 - open for the process's life

    def write(what: str, start: float, end: float) -> None:
        thread = threading.current_thread().name
        line = json.dumps(
            {"what": what, "start": start, "end": end, "thread": thread, "pid": os.getpid()}
        )
        with _lock:
            sink.write(line + "\n")

    return write


def _timed(function: Callable[..., Any], what: str, write: Callable[..., None]) -> Any:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.time()
        try:
            return function(*args, **kwargs)
        finally:
            write(what, start, time.time())

    return timed


def _wrap(module: Any, path: str, what: str, write: Callable[..., None]) -> None:
    *owners, name = path.split(".")
    holder = module
    for owner in owners:
        holder = getattr(holder, owner, None)
    if holder is not None and callable(getattr(holder, name, None)):
        setattr(holder, name, _timed(getattr(holder, name), what, write))


def install(log: str) -> None:
    """Both probes, writing to ``log``."""
    write = _writer(log)
    find_and_load = _frozen_importlib._find_and_load

    def timed_find_and_load(name: str, import_: Any) -> Any:
        depth = getattr(_local, "depth", 0)
        _local.depth = depth + 1
        start = time.time()
        try:
            module = find_and_load(name, import_)
        finally:
            _local.depth = depth
        end = time.time()
        if depth == 0 and end - start > IMPORT_MIN_S:
            write(f"import {name}", start, end)
        for path, what in PROBES.get(name, ()):
            _wrap(module, path, what, write)
        return module

    _frozen_importlib._find_and_load = timed_find_and_load


def probe_env(log: Path, folder: Path) -> dict[str, str]:
    """Environment variables under which every Python process is probed into ``log``
    (a ``sitecustomize`` written to ``folder``; the venv has none of its own)."""
    folder.mkdir(parents=True, exist_ok=True)
    code = _SITECUSTOMIZE.format(env=ENV, path=str(Path(__file__).resolve()))
    (folder / "sitecustomize.py").write_text(code)
    path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    return {ENV: str(log), "PYTHONPATH": path}


def main() -> None:
    log, option, module, *arguments = sys.argv[1:]
    if option != "-m":
        raise SystemExit("usage: python -m bench.probe LOG -m MODULE [ARGUMENTS...]")
    install(log)
    if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
        sys.path.pop(0)  # run by its path: its folder is no package of the app
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
