"""The package's public API: every exported name exists, and none pulls in Streamlit."""

from __future__ import annotations

import subprocess
import sys

import nps_core


def test_every_exported_name_resolves():
    missing = [name for name in nps_core.__all__ if not hasattr(nps_core, name)]
    assert missing == []
    assert sorted(nps_core.__all__) == sorted(set(nps_core.__all__))


def test_core_does_not_import_streamlit():
    code = "import sys, nps_core, nps_core.server.app; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_exported_name_has_one_home():
    assert sorted(nps_core.__all__) == sorted(nps_core._HOMES)


def test_the_server_does_not_import_the_data_stack():
    code = (
        "import sys, nps_core.server.app; "
        "print(sorted(m for m in ('pandas', 'pyarrow', 'httpx', 'streamlit') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
