"""Settings of the team's state and follow-up work, from secrets or the environment."""

from __future__ import annotations

from pathlib import Path

from nps_core.data.settings import (
    DEFAULT_PUBLIC_URL,
    DEFAULT_SLA_HOURS,
    load_settings,
    read_secrets_file,
)

DB_URL = "postgresql+psycopg://nps:pa55word@db.internal/nps"


def test_defaults_without_any_setting() -> None:
    settings = load_settings(environ={})
    assert settings.state_url == ""
    assert settings.public_url == DEFAULT_PUBLIC_URL
    assert settings.followup_sla_hours == DEFAULT_SLA_HOURS


def test_secrets_win_over_the_environment_in_both_modes() -> None:
    secrets = {
        "state": {"state_url": DB_URL},
        "dashboard": {"public_url": "https://nps.example.com/", "followup_sla_hours": 24},
    }
    environ = {"NPS_STATE_URL": "sqlite:///x", "NPS_FOLLOWUP_SLA_HOURS": "72"}
    for extra in ({}, {"NPS_SHOP_ID": "shop-1"}):
        settings = load_settings(secrets, {**environ, **extra})
        assert settings.state_url == DB_URL
        assert settings.public_url == "https://nps.example.com"
        assert settings.followup_sla_hours == 24.0


def test_the_environment_names_them_too() -> None:
    settings = load_settings(
        environ={
            "NPS_STATE_URL": DB_URL,
            "NPS_PUBLIC_URL": "http://h:1",
            "NPS_FOLLOWUP_SLA_HOURS": "12.5",
        }
    )
    assert (settings.state_url, settings.public_url, settings.followup_sla_hours) == (
        DB_URL,
        "http://h:1",
        12.5,
    )


def test_the_state_url_stays_out_of_repr_it_may_hold_a_password() -> None:
    assert "pa55word" not in repr(load_settings(environ={"NPS_STATE_URL": DB_URL}))


def test_a_process_without_streamlit_reads_the_same_secrets_file(tmp_path: Path) -> None:
    user, project = tmp_path / "user.toml", tmp_path / "project.toml"
    user.write_text('[state]\nstate_url = "sqlite:///user"\n[dashboard]\npublic_url = "http://u"\n')
    project.write_text('[state]\nstate_url = "sqlite:///project"\n')
    secrets = read_secrets_file([user, project, tmp_path / "missing.toml"])
    # The project's tables win whole, as in Streamlit.
    assert secrets == {
        "state": {"state_url": "sqlite:///project"},
        "dashboard": {"public_url": "http://u"},
    }
    assert load_settings(secrets, {}).state_url == "sqlite:///project"
