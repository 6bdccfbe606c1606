"""Expected failures on the command line: one line saying what failed and what to do,
a non-zero exit, no traceback (unless --debug)."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from recoup.cli.app import app

LEDGER = Path(__file__).parent / "data" / "ledger"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RECOUP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RECOUP_DATABASE_URL", raising=False)
    monkeypatch.delenv("RECOUP_DEBUG", raising=False)
    return tmp_path / "home"


def _fails(*args: str, code: int | None = None) -> str:
    result: Result = CliRunner().invoke(app, list(args))
    said = result.output
    assert result.exit_code != 0, said
    if code is not None:
        assert result.exit_code == code, said
    assert ("Traceback" not in said and result.exception is None) or isinstance(
        result.exception, SystemExit
    ), said
    lines = [line for line in said.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), said
    return " ".join(said.split())


def test_a_bad_database_url_says_so(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOUP_DATABASE_URL", "postgresql+psycopg://ar:s3cret@db:notaport/x")
    said = _fails("accounts", code=3)
    assert "not a valid URL" in said and "RECOUP_DATABASE_URL" in said
    assert "s3cret" not in said


def test_a_missing_driver_says_which(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOUP_DATABASE_URL", "mysql+mysqldb://ar@127.0.0.1/recoup")
    said = _fails("accounts", code=3)
    assert "driver" in said and "not installed" in said


def test_an_unknown_kind_of_database_says_what_to_use(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECOUP_DATABASE_URL", "postgres://ar@127.0.0.1/recoup")
    said = _fails("accounts", code=3)
    assert "unknown kind of database" in said and "postgresql+psycopg://" in said


def test_a_database_server_that_is_down_says_so(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("RECOUP_DATABASE_URL", f"postgresql+psycopg://ar:pw@127.0.0.1:{port}/x")
    said = _fails("report", code=3)
    assert "cannot connect" in said and "start the database server" in said
    assert ":pw@" not in said


def test_a_mistyped_sqlite_path_does_not_create_an_empty_ledger(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "database ready" in CliRunner().invoke(app, ["init"]).output
    typo = home / "recoop.db"
    monkeypatch.setenv("RECOUP_DATABASE_URL", f"sqlite:///{typo}")
    said = _fails("accounts", code=3)
    assert "no database" in said and "recoup init" in said
    assert not typo.exists()


def test_a_sqlite_folder_that_does_not_exist_is_an_error_unless_init_creates_it(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "nowhere" / "deeper"
    monkeypatch.setenv("RECOUP_DATABASE_URL", f"sqlite:///{folder / 'recoup.db'}")
    said = _fails("accounts", code=3)
    assert "no folder" in said and str(folder) in said
    assert not folder.exists()
    created = CliRunner().invoke(app, ["init", "--company", "Acme Ltd"])
    assert created.exit_code == 0, created.output
    assert (folder / "recoup.db").is_file()


def test_a_home_that_cannot_be_written_says_so(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:  # fmt: skip
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RECOUP_HOME", str(blocker / "home"))
    monkeypatch.delenv("RECOUP_DATABASE_URL", raising=False)
    said = _fails("init", "--company", "Acme Ltd", code=4)
    assert "not a folder" in said and "check the path" in said


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs a read-only file system at /sys")
def test_a_read_only_home_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    home = Path("/sys/recoup-home")
    monkeypatch.setenv("RECOUP_HOME", str(home))
    monkeypatch.delenv("RECOUP_DATABASE_URL", raising=False)
    said = _fails("init", "--company", "Acme Ltd", code=4)
    assert str(home) in said and ("read-only" in said or "permission denied" in said)


@pytest.fixture
def ready(home: Path) -> Iterator[Path]:
    result = CliRunner().invoke(app, ["init", "--company", "Acme Ltd", "--sender", "Dana"])
    assert result.exit_code == 0, result.output
    yield home


def test_export_onto_an_existing_file_is_refused(ready: Path, tmp_path: Path) -> None:
    target = tmp_path / "actions.csv"
    target.write_text("keep me")
    said = _fails("export", str(target), code=4)
    assert "existing file" in said
    assert target.read_text() == "keep me"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_says_so(ready: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "promises.csv").symlink_to("/dev/full")
    said = _fails("export", str(out), code=4)
    assert "no space left" in said and "free some space" in said


def test_a_port_in_use_says_so(ready: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setenv("RECOUP_HTTP_PORT", str(taken.getsockname()[1]))
        said = _fails("run", code=5)
    assert "already in use" in said and "RECOUP_HTTP_PORT" in said


def test_import_of_a_path_that_does_not_exist_says_so(ready: Path) -> None:
    said = _fails("import", "/nope", code=2)
    assert "/nope does not exist" in said


def test_eval_only_names_the_unknown_scenario(home: Path) -> None:
    said = _fails("eval", "--only", "no-such-scenario", "--baseline", "none")
    assert "no-such-scenario" in said and "no scenario files" not in said


def test_debug_shows_the_traceback(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOUP_DATABASE_URL", "postgres://ar@127.0.0.1/recoup")
    result = CliRunner().invoke(app, ["--debug", "accounts"])
    assert result.exit_code != 0 and result.exception is not None
    assert type(result.exception).__name__ == "DatabaseError"


def test_a_bad_setting_names_the_variable(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECOUP_HTTP_PORT", "eighty")
    said = _fails("accounts", code=2)
    assert "http_port" in said


def test_a_policy_map_typo_is_refused_with_the_key(ready: Path) -> None:
    policy = ready / "policy.toml"
    policy.write_text(
        policy.read_text().replace(
            "segment_caps = { enterprise = ", "segment_caps = { enterprize = "
        )
    )
    said = _fails("tick", code=2)
    assert "tone.segment_caps" in said and "'enterprize'" in said


def test_the_environment_is_left_as_found() -> None:
    assert "RECOUP_DEBUG" not in os.environ
