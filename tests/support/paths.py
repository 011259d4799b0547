"""Where the repository and the app's entry script are, for processes started from it."""

from __future__ import annotations

from pathlib import Path

__all__ = ["APP", "ROOT"]

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
