"""Wallboard: a wall screen set by its link alone, refreshing itself, saying when it is stale.

/wallboard?period=7d&refresh=30&panels=today,week,comments&theme=light&kiosk=1
"""

from __future__ import annotations

from nps_core.ui.wallboard import live_board, wallboard_config, wallboard_style

config, notices = wallboard_config()
wallboard_style(config)
live_board(config, notices)
