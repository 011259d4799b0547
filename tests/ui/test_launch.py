"""``python -m nps_core.ui.launch`` (what ``make run`` starts): loopback only without sign-in.

Run as processes, as ``make run`` runs it: resolving Streamlit's configuration changes
process-wide state that the in-process AppTests share.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from nps_core.server import create_demo, start_server
from tests.support.oidc import Provider, auth_secrets, write_secrets
from tests.support.paths import ROOT
from tests.support.servers import free_port, stop, wait_for_http

pytestmark = pytest.mark.slow


@pytest.fixture
def no_secrets(tmp_path: Path) -> Path:
    path = tmp_path / "none.toml"
    path.write_text("", encoding="utf-8")
    return path


@pytest.fixture
def auth_file(tmp_path: Path) -> Path:
    secrets = auth_secrets(Provider("http://127.0.0.1:9"), 8501, {"viewers": ["*@shop.com"]})
    return write_secrets(tmp_path / "auth.toml", secrets)


def env(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NPS_", "STREAMLIT_"))}
    return {**clean, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **extra}


def launch(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nps_core.ui.launch", *args],
        cwd=ROOT, env=env(**extra), capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def refusal(*args: str, **extra: str) -> str:
    code = "import sys; from nps_core.ui.launch import *; print(refusal('app.py', sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT, env=env(**extra), capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["--server.address", "0.0.0.0"], {}),
        (["--server.address=192.168.1.10"], {}),
        ([], {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}),
    ],
)
def test_another_address_without_sign_in_refuses_to_start(no_secrets: Path, args, extra) -> None:
    done = launch("--secrets.files", str(no_secrets), "--server.port", "1", *args, **extra)
    assert done.returncode == 2
    assert "Refusing to listen on" in done.stderr
    assert "without sign-in" in done.stderr
    assert "[auth]" in done.stderr


def test_loopback_and_signed_in_setups_may_start(no_secrets: Path, auth_file: Path) -> None:
    assert refusal("--secrets.files", str(no_secrets), "--server.address", "127.0.0.1") == "None"
    # The project's config.toml says 127.0.0.1 when nothing else does.
    assert refusal("--secrets.files", str(no_secrets)) == "None"
    assert refusal("--secrets.files", str(auth_file), "--server.address", "0.0.0.0") == "None"


@pytest.fixture
def demo_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    shop_id, secret = create_demo(tmp_path / "api.sqlite3", reviews=500, days=10)
    with start_server(tmp_path / "api.sqlite3") as api:
        yield {
            "NPS_API_URL": api.url,
            "NPS_SHOP_ID": shop_id,
            "NPS_SHOP_SECRET": secret,
            "NPS_DATA_DIR": str(tmp_path / "data"),
        }


def test_make_runs_way_starts_the_dashboard_on_loopback(no_secrets: Path, demo_env) -> None:
    port = free_port()
    args = [
        "app.py", "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--secrets.files", str(no_secrets),
    ]  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "nps_core.ui.launch", *args],
        cwd=ROOT, env=env(**demo_env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", process, timeout=60)
    finally:
        stop(process)
