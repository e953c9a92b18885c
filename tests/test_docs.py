"""The README is the manual: its generated parts are current and every command and option is in it."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

from factdb.cli import cli


def test_readme_generated_sections_are_current() -> None:
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", "README.md"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, f"README.md is stale; run `cog -r README.md`.\n{result.stdout}{result.stderr}"


def test_every_command_and_option_is_documented_in_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert f"factdb {name}" in readme, f"command {name} is missing from README.md"
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("--"):
                    assert option in readme, f"option {option} of `factdb {name}` is missing from README.md"


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in quick_start.splitlines() if line.startswith("python3 ")]
    assert len(commands) == 2
    assert "factdb serve" in commands[0] and "import seeds/*.yaml" in commands[0]
    assert "pytest" in commands[1]
    assert "<!-- test-command -->" in (REPO / ".ci" / "run").read_text()
