"""README's two commands are the ones CI really runs."""

import re

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
    assert used and used <= {"list", "outline", "search", "define", "check", "index"}
