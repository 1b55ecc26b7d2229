"""The routes other eventwatch processes use when this server holds their DuckDB file (``store.handoff``).

``POST /store/query`` runs one read query (in a transaction that is rolled back) and answers with an
Arrow stream; ``POST /store/batch`` writes one batch of coded articles. Both need the token written in
the note beside the file (readable only by the user who started the server); they are not part of the
public API and exist only while a DuckDB file is served.
"""

# No ``from __future__ import annotations``: FastAPI reads the route annotations.
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from eventwatch.api.database import Database
from eventwatch.store.backends import QueryError
from eventwatch.store.dedup import DedupConfig
from eventwatch.store.handoff import ARROW_STREAM, arrow_bytes, decode_params
from eventwatch.store.writer import Batch, Writer

# Batches carry whole article texts: a larger cap than the public API's bodies (see BodyLimit).
MAX_BATCH_BYTES = 256 * 2**20


def handoff_router(database: Database) -> APIRouter:
    router = APIRouter(prefix="/store", include_in_schema=False)
    bearer = HTTPBearer(auto_error=False)

    def require_handoff_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        database.backend  # noqa: B018 - the token exists once the file is held and announced
        expected = database.handoff.token if database.handoff else None
        if expected is None:
            raise HTTPException(404, "this server does not hold a DuckDB file")
        if credentials is None or not secrets.compare_digest(credentials.credentials.encode(), expected.encode()):
            raise HTTPException(401, "the hand-off token from the note beside the database is required")

    @router.post("/query", dependencies=[Depends(require_handoff_token)])
    async def query(request: Request) -> Response:
        body = await request.json()
        sql, params = str(body.get("sql", "")), decode_params(list(body.get("params", [])))
        return Response(await _in_thread(_run_query, database, sql, params), media_type=ARROW_STREAM)

    @router.post("/batch", dependencies=[Depends(require_handoff_token)])
    async def batch(request: Request) -> dict[str, Any]:
        body = await request.json()
        rule = body.get("rule", {})
        config = DedupConfig(tuple(rule.get("key", DedupConfig().key)), int(rule.get("window_days", 0)))
        result = await _in_thread(Writer(database.backend, config).write_batch, Batch.from_json(body["batch"]))
        return {"articles": result.articles, "mentions": result.mentions, "skipped": result.skipped,
                "events": sorted(result.events)}  # fmt: skip

    return router


async def _in_thread(function: Any, *args: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)


def _run_query(database: Database, sql: str, params: list[Any]) -> bytes:
    with database.read() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            table = con.arrow(sql, params)
        except con.errors as exc:
            raise QueryError((str(exc).strip().splitlines() or ["query failed"])[0]) from None
        finally:
            con.execute("ROLLBACK")
    return arrow_bytes(table)
