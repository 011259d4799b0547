"""The bundled PersonaClick-compatible NPS server (FastAPI over SQLite or PostgreSQL).

Names are imported lazily, so that `nps_core.server.store` alone does not pull in
FastAPI, uvicorn or numpy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nps_core.server.app import create_app
    from nps_core.server.demo import DEMO_SHOP_ID, create_demo, demo_credentials
    from nps_core.server.loader import LoadError, load_file
    from nps_core.server.options import ServerOptions
    from nps_core.server.runner import ServerHandle, start_server
    from nps_core.server.store import Store

__all__ = [
    "DEMO_SHOP_ID",
    "LoadError",
    "ServerHandle",
    "ServerOptions",
    "Store",
    "create_app",
    "create_demo",
    "demo_credentials",
    "load_file",
    "start_server",
]

_HOMES = {
    "create_app": "app",
    "DEMO_SHOP_ID": "demo",
    "create_demo": "demo",
    "demo_credentials": "demo",
    "LoadError": "loader",
    "load_file": "loader",
    "ServerOptions": "options",
    "ServerHandle": "runner",
    "start_server": "runner",
    "Store": "store",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)
