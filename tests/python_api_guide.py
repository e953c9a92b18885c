"""Run docs/python-api.md: its ```python examples in order, each one's output checked against the ```text after it."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, SEEDS

GUIDE = REPO / "docs" / "python-api.md"

_BLOCK = re.compile(r"```(python|text)\n(.*?)```", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Example:
    code: str
    output: str | None  # what it prints, when the guide shows it


def examples() -> list[Example]:
    found: list[Example] = []
    for match in _BLOCK.finditer(GUIDE.read_text(encoding="utf-8")):
        kind, body = match.groups()
        if kind == "python":
            found.append(Example(body, None))
        else:
            assert found and found[-1].output is None, f"a ```text block without a ```python block before it:\n{body}"
            found[-1] = Example(found[-1].code, body)
    return found


def run_guide(folder: Path, monkeypatch: pytest.MonkeyPatch, *, skip: str | None = None) -> int:
    """Run the examples in ``folder`` (with the seeds copied in) and return how many ran.

    ``skip``: leave out the examples whose code contains this text.
    """
    shutil.copytree(SEEDS, folder / "seeds")
    monkeypatch.chdir(folder)
    namespace: dict[str, object] = {"__name__": "guide"}
    ran = 0
    for example in examples():
        if skip is not None and skip in example.code:
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(example.code, str(GUIDE), "exec"), namespace)  # noqa: S102 - the guide's own examples
        if example.output is not None:
            assert printed.getvalue() == example.output, f"docs/python-api.md example printed something else:\n{example.code}"
        ran += 1
    return ran
