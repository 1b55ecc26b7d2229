"""Where a store lives: locations, the PostgreSQL placeholder translation, and a DuckDB file busy in
another program (a clear, quick error naming it - never a minute's wait)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventwatch.store import Store, StoreBusy
from eventwatch.store.backends import DuckDBFile, PostgresStore, display, open_backend
from eventwatch.store.dialect import postgres_sql
from eventwatch.store.handoff import announce, find_server, note_path, withdraw


def test_locations_pick_the_backend(tmp_path: Path) -> None:
    assert isinstance(open_backend(tmp_path / "a.duckdb"), DuckDBFile)
    assert isinstance(open_backend("postgresql://u@h/db"), PostgresStore)
    assert isinstance(open_backend("postgres://u@h/db"), PostgresStore)
    assert display("postgresql://analyst:s3cret@dbhost:5432/events") == "postgresql://analyst:***@dbhost:5432/events"


def test_placeholders_outside_quotes_only() -> None:
    sql = "SELECT '?', \"a?\", x FROM t WHERE y = ? AND z LIKE '50%' AND w = ? -- 5%"
    assert postgres_sql(sql) == "SELECT '?', \"a?\", x FROM t WHERE y = %s AND z LIKE '50%' AND w = %s -- 5%%"


def test_a_file_held_by_another_program_is_a_quick_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "held.duckdb"
    with Store(db).read():  # creates the file
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('held', flush=True); "
         "time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(StoreBusy, match=rf"in use by another program \(PID {holder.pid}"):
            Store(db, lock_timeout=0.5).events()
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()


def test_the_servers_note_is_private_and_goes_with_it(tmp_path: Path) -> None:
    db = tmp_path / "served.duckdb"
    info = announce(db, "http://127.0.0.1:9")
    assert note_path(db).stat().st_mode & 0o777 == 0o600
    assert find_server(db) == info
    withdraw(db, info)
    assert find_server(db) is None and not note_path(db).exists()
    note_path(db).write_text('{"url": "http://127.0.0.1:9", "token": "t", "pid": 999999999}')
    assert find_server(db) is None  # a server that died without removing its note is ignored
