"""Documents: `text_file`, read relative to the import file and never from outside its folder (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import problems, rows, run_cli, write


# -- text_file --------------------------------------------------------------------------------------


def test_text_file_is_read_relative_to_the_import_file_not_the_working_folder(
        fresh_store: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "data/texts/report.txt", "HRANA said at least 7,000 people had been arrested.\n")
    write(tmp_path, "data/docs.yaml", "documents:\n  - {id: report, title: Report, text_file: texts/report.txt}\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run_cli("import", "--db", fresh_store, "../data/docs.yaml")
    assert result.exit_code == 0, result.output
    assert rows(fresh_store, "SELECT text FROM documents") == [("HRANA said at least 7,000 people had been arrested.\n",)]


def test_text_file_symlink_leading_out_of_the_folder_is_refused(fresh_store: Path | str, tmp_path: Path) -> None:
    write(tmp_path, "secret.txt", "not for import")
    folder = tmp_path / "import"
    folder.mkdir()
    (folder / "report.txt").symlink_to(tmp_path / "secret.txt")
    path = write(folder, "docs.yaml", "documents:\n  - {id: report, title: Report, text_file: report.txt}\n")
    result = run_cli("import", "--db", fresh_store, path)
    assert problems(result) == [
        f"{path}:2: documents[0].text_file: 'report.txt' points outside the import file's folder ({folder}) (hint: keep "
        "document texts in the same folder as the import file or below it, with a relative path)"]
