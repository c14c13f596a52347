"""README's two commands are the ones CI really runs."""

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_ci_runs_the_readme_test_command_exactly() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Test it", 1)[1]
    command = re.search(r"```bash\n(.+?)\n```", section, re.S).group(1).strip()
    ci_lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command in ci_lines


def test_readme_run_command_uses_only_commands_that_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run it", 1)[1]
    command = re.search(r"```bash\n(.+?)\n```", section, re.S).group(1)
    used = set(re.findall(r"oncoref (\w+)", command))
    assert used <= {"list", "outline", "search", "define", "check", "index"}
    assert command.endswith("/oncoref")  # no command: the window opens


def test_oncoref_without_a_command_opens_the_window_and_exits_cleanly(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        ONCOREF_CACHE_DIR=str(tmp_path / "cache"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    env.pop("ONCOREF_CONFIG_DIR")  # the settings go where the system keeps them
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--exit-when-ready"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ready: 4 documents, ")
    assert "Traceback" not in done.stderr and "Fatal" not in done.stderr
    assert (tmp_path / "config" / "OncoRef" / "OncoRef.conf").exists()  # settings saved
