"""The README and docs/ stay true: generated parts current, every command and option in the CLI
reference, the Quick start's two commands, every relative link and anchor leading somewhere, and the
import format's JSON Lines example importable."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_cli, write

from factdb.cli import cli

README = REPO / "README.md"
DOCS = REPO / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
BASIC = REPO / "tests" / "fixtures" / "import" / "basic.yaml"

FENCE = re.compile(r"^```.*?^```[^\n]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(.+?) *$", re.MULTILINE)


def prose(page: Path) -> str:
    """The page without code: fenced blocks and inline code spans hold no links or headings."""
    return FENCE.sub("", page.read_text(encoding="utf-8"))


def relative_links(page: Path) -> list[str]:
    """Every link target on the page that is not a URL (``docs/compare.md``, ``figures.md#errors``, ``#options``)."""
    targets = LINK.findall(INLINE_CODE.sub("", prose(page)))
    return [target for target in targets if not re.match(r"[a-z][a-z0-9+.-]*:", target)]


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation other than ``-`` and ``_`` dropped,
    spaces turned into hyphens."""
    text = heading.replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    return {anchor(heading) for heading in HEADING.findall(prose(page))}


def page_name(page: Path) -> str:
    return str(page.relative_to(REPO))


@pytest.mark.parametrize("page", [page for page in PAGES if "[[[cog" in page.read_text(encoding="utf-8")], ids=page_name)
def test_generated_sections_are_current(page: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", str(page.relative_to(REPO))], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, (f"{page_name(page)} is stale; run `cog -r README.md docs/*.md`.\n"
                                    f"{result.stdout}{result.stderr}")


def test_the_readme_and_the_schema_and_cli_pages_are_generated() -> None:
    for page in (README, DOCS / "schema.md", DOCS / "cli.md", DOCS / "import-format.md"):
        assert "[[[cog" in page.read_text(encoding="utf-8"), f"{page_name(page)} has no cog block"


def test_every_command_and_option_is_documented_in_the_cli_reference() -> None:
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert f"factdb {name}" in reference, f"command {name} is missing from docs/cli.md"
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("--"):
                    assert option in reference, f"option {option} of `factdb {name}` is missing from docs/cli.md"


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    readme = README.read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in quick_start.splitlines() if line.startswith("python3 ")]
    assert len(commands) == 2
    assert "factdb serve" in commands[0] and "import seeds/*.yaml" in commands[0]
    assert "pytest" in commands[1]
    assert "<!-- test-command -->" in (REPO / ".ci" / "run").read_text()


def test_the_readme_is_a_front_door_that_links_every_docs_page() -> None:
    readme = README.read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 300
    linked = {(REPO / target.split("#", 1)[0]).resolve() for target in relative_links(README)}
    for page in sorted(DOCS.glob("*.md")):
        assert page.resolve() in linked, f"README.md does not link {page_name(page)}"


@pytest.mark.parametrize("page", PAGES, ids=page_name)
def test_every_relative_link_points_at_a_file_that_exists(page: Path) -> None:
    for target in relative_links(page):
        path = target.split("#", 1)[0]
        if path:
            assert (page.parent / path).exists(), f"{page_name(page)} links {target}, which does not exist"


@pytest.mark.parametrize("page", PAGES, ids=page_name)
def test_every_anchor_in_a_relative_link_names_a_heading(page: Path) -> None:
    for target in relative_links(page):
        path, _, fragment = target.partition("#")
        linked = (page.parent / path) if path else page
        if fragment and linked.suffix == ".md":
            assert fragment in anchors(linked), f"{page_name(page)} links {target}, but {linked.name} has no such heading"


def test_the_json_lines_example_is_the_yaml_example_in_another_format(tmp_path: Path) -> None:
    db = tmp_path / "factdb.sqlite"
    assert run_cli("init", "--db", db).exit_code == 0
    assert run_cli("import", "--db", db, BASIC).exit_code == 0
    section = (DOCS / "import-format.md").read_text(encoding="utf-8").split("**JSON** files", 1)[1]
    path = write(tmp_path, "readme.jsonl", section.split("```json\n", 1)[1].split("```", 1)[0])
    result = run_cli("import", "--db", db, path)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("Nothing changed.\n")
