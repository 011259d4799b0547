"""Alembic migrations of the state store (run by ``nps_core.data.state.open_state``)."""
