"""Handing work to the ``eventwatch serve`` that holds a DuckDB file.

A DuckDB file can be open in one writing process only, and ``serve`` keeps its file open for as long as
it runs (``backends.HeldDuckDB``). It announces itself in ``<file>.serve.json`` beside the file: its
URL, process id and a random token, the file readable only by the user who started it. Another
eventwatch process that finds the file held reads the note and sends its queries to
``POST /store/query`` (the result comes back as Arrow) and its batches of coded articles to
``POST /store/batch``, with the token - instead of waiting for a lock that will not be released. The
coding itself stays in the process that was asked to ingest; the server only writes.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from eventwatch.store.backends import QueryError, StoreError
from eventwatch.store.dialect import Connection

if TYPE_CHECKING:
    from eventwatch.store.dedup import DedupConfig
    from eventwatch.store.writer import Batch, WriteResult

ARROW_STREAM = "application/vnd.apache.arrow.stream"
CONNECT_TIMEOUT = 5.0  # a server that has just announced itself may still be binding its port


@dataclass(frozen=True, slots=True)
class ServerInfo:
    url: str
    token: str
    pid: int


def note_path(db: str | Path) -> Path:
    db = Path(db)
    return db.with_name(db.name + ".serve.json")


def announce(db: str | Path, url: str) -> ServerInfo:
    """Write the note saying this process serves ``db`` at ``url``; returns it (with a fresh token)."""
    info = ServerInfo(url=url, token=secrets.token_urlsafe(24), pid=os.getpid())
    path = note_path(db)
    temp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"url": info.url, "token": info.token, "pid": info.pid}, out)
    os.replace(temp, path)
    return info


def withdraw(db: str | Path, info: ServerInfo) -> None:
    """Remove the note, if it is still this server's."""
    if find_server(db, check_alive=False) == info:
        note_path(db).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def find_server(db: str | Path, *, check_alive: bool = True) -> ServerInfo | None:
    """The server holding ``db``, from its note; None if there is none (or it died without removing it)."""
    try:
        data = json.loads(note_path(db).read_text("utf-8"))
        info = ServerInfo(str(data["url"]), str(data["token"]), int(data["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if check_alive and not _alive(info.pid):
        return None
    return info


def _client(server: ServerInfo) -> Any:
    import httpx

    # trust_env off: the server is on this machine, and a proxy from $HTTP_PROXY must not see its token.
    return httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}, timeout=httpx.Timeout(300, connect=2),
        trust_env=False,
    )  # fmt: skip


def _post(client: Any, server: ServerInfo, path: str, body: dict[str, Any]) -> Any:
    import httpx

    deadline = time.monotonic() + CONNECT_TIMEOUT
    while True:
        try:
            response = client.post(path, json=body)
            break
        except httpx.ConnectError:
            if time.monotonic() >= deadline:
                raise StoreError(f"eventwatch serve at {server.url} holds the database but does not answer") from None
            time.sleep(0.2)
        except httpx.HTTPError as exc:
            raise StoreError(f"eventwatch serve at {server.url}: {exc}") from None
    if response.status_code == 400:
        raise QueryError(_message(response))
    if response.status_code != 200:
        raise StoreError(f"eventwatch serve at {server.url}: HTTP {response.status_code}: {_message(response)}")
    return response


def _message(response: Any) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.text[:200]


def encode_params(params: Any) -> list[Any]:
    out: list[Any] = []
    for value in params:
        if isinstance(value, datetime):
            out.append({"timestamp": value.isoformat()})
        elif isinstance(value, date):
            out.append({"date": value.isoformat()})
        else:
            out.append(value)
    return out


def decode_params(params: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in params:
        if isinstance(value, dict) and "date" in value:
            out.append(date.fromisoformat(value["date"]))
        elif isinstance(value, dict) and "timestamp" in value:
            out.append(datetime.fromisoformat(value["timestamp"]))
        else:
            out.append(value)
    return out


def arrow_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


class _Result:
    """A finished query's rows, with the cursor methods the store and monitor use."""

    def __init__(self, table: pa.Table) -> None:
        self.description = [(name,) for name in table.column_names]
        columns = [column.to_pylist() for column in table.columns]
        self._rows = list(zip(*columns, strict=True)) if columns else []
        self._at = 0

    def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
        rows = self._rows[self._at : self._at + size]
        self._at += len(rows)
        return rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.fetchmany(len(self._rows))

    def fetchone(self) -> tuple[Any, ...] | None:
        rows = self.fetchmany(1)
        return rows[0] if rows else None


class RemoteConnection(Connection):
    """Read queries on a DuckDB file, run by the server that holds it (read-only: its transaction is
    rolled back)."""

    dialect = "duckdb"

    def __init__(self, server: ServerInfo) -> None:
        super().__init__(None)
        self.server = server
        self._http = _client(server)

    def __enter__(self) -> RemoteConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def arrow(self, sql: str, params: Any = ()) -> pa.Table:
        response = _post(self._http, self.server, "/store/query", {"sql": sql, "params": encode_params(params)})
        return pa.ipc.open_stream(response.content).read_all()

    def execute(self, sql: str, params: Any = ()) -> Any:
        return _Result(self.arrow(sql, params))

    def batches(self, sql: str, params: Any = (), size: int = 10_000) -> Any:
        yield from self.arrow(sql, params).to_batches(size)

    def table_exists(self, name: str) -> bool:
        return bool(self.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]))

    def insert(self, table: str, data: pa.Table, *, skip_duplicates: bool = False) -> None:
        raise StoreError(f"{self.server.url}: the served database is written by the server only")

    def stage(self, name: str, data: pa.Table) -> Any:
        raise StoreError(f"{self.server.url}: the served database is written by the server only")


def send_batch(server: ServerInfo, batch: Batch, dedup: DedupConfig) -> WriteResult:
    """Have the server holding the store write ``batch`` (one transaction there)."""
    from eventwatch.store.writer import WriteResult

    body = {"rule": {"key": list(dedup.key), "window_days": dedup.window_days}, "batch": batch.to_json()}
    with _client(server) as http:
        answer = _post(http, server, "/store/batch", body).json()
    return WriteResult(answer["articles"], answer["mentions"], answer["skipped"], set(answer["events"]))
