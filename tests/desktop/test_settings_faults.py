"""Settings survive damage and a program killed while saving them."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QSettings

from desktop.settings import Settings
from tests.conftest import ROOT


def read_all(path: Path) -> Settings:
    s = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    assert isinstance(s.zoom, int) and isinstance(s.tab, int)
    assert isinstance(s.clinic, str) and isinstance(s.phone, str)
    assert all(isinstance(f, Path) for f in s.folders)
    assert isinstance(s.large_print, bool) and isinstance(s.words_to_know, bool)
    assert isinstance(s.last_read, tuple)
    s.geometry, s.splitter  # noqa: B018  (read, and must not raise)
    return s


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.floats(0, 1),
    junk=st.binary(max_size=200),
    text=st.text(alphabet='[]=\\\n"@;#%abc/\x00é', max_size=200),
)
def test_a_damaged_settings_file_reads_as_defaults_and_can_be_saved(
    cut: float, junk: bytes, text: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "OncoRef.ini"
        good = Settings(QSettings(str(path), QSettings.Format.IniFormat))
        good.clinic, good.zoom, good.folders = "Riverside", 3, [Path("/srv/docs")]
        good.sync()
        data = path.read_bytes()
        damage = junk + text.encode("utf-8", "surrogatepass")
        path.write_bytes(data[: int(len(data) * cut)] + damage)
        damaged = read_all(path)
        damaged.clinic = "Again"
        damaged.sync()
        assert read_all(path).clinic == "Again"


def test_settings_saved_by_a_program_killed_at_random_are_never_lost(tmp_path: Path) -> None:
    path = tmp_path / "OncoRef.ini"
    first = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    first.clinic, first.folders = "Clinic 0", [Path("/srv/docs")]
    first.sync()
    script = (
        "import sys\nfrom pathlib import Path\nfrom PySide6.QtCore import QSettings\n"
        "from desktop.settings import Settings\n"
        f"s = Settings(QSettings({str(path)!r}, QSettings.Format.IniFormat))\n"
        "print('go', flush=True)\n"
        "for i in range(1, 100000):\n"
        "    s.clinic = f'Clinic {i}'\n"
        "    s.folders = [Path('/srv/docs'), Path(f'/srv/more{i}')]\n"
        "    s.sync()\n"
    )
    rng = random.Random(21)
    for _ in range(5):
        writer = subprocess.Popen(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
            stdout=subprocess.PIPE,
        )
        assert writer.stdout is not None and writer.stdout.readline() == b"go\n"
        time.sleep(rng.uniform(0.01, 0.3))
        writer.send_signal(signal.SIGKILL)
        writer.communicate()
        kept = read_all(path)
        assert kept.clinic.startswith("Clinic ")  # the old value or a new one, never none
        assert kept.folders[0] == Path("/srv/docs")
