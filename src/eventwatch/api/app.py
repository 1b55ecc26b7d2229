"""The REST API and the dashboard: thin routes over ``eventwatch.monitor`` and the store.

>>> from eventwatch.api.app import create_app
>>> app = create_app("eventwatch.duckdb", token="s3cret")  # then: uvicorn.run(app)

Reads are open (the server binds to loopback unless told otherwise); POST /ingest writes and needs the
bearer token. Every error has the body ``{"error": {"status", "code", "message", "details"}}``.
"""

# No ``from __future__ import annotations``: FastAPI reads the route annotations, some of them local.
import datetime as dt
import secrets
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from functools import cache, partial
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
import pydantic_core
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import TypeAdapter
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from eventwatch import __version__
from eventwatch.api import models
from eventwatch.api.admission import HeavyLane, OverShare, PageRows, ReadSlots, TooBusy, Weigher
from eventwatch.api.cache import AnswerCache, ServeCached, answer_key
from eventwatch.api.coding import CoderBusy, CodingPool
from eventwatch.api.database import Database
from eventwatch.api.handoff import MAX_BATCH_BYTES, handoff_router
from eventwatch.api.limits import BodyLimit, SecurityHeaders
from eventwatch.monitor import browse, network
from eventwatch.monitor.alerts import alerts as find_alerts
from eventwatch.monitor.browse import BadCursor, EventFilters
from eventwatch.monitor.config import LEVELS, METHODS, METRICS, PERIODS, UNITS, ApiConfig, default_config
from eventwatch.monitor.series import series as dyad_series
from eventwatch.store.backends import Backend, HeldDuckDB, QueryError, StoreError
from eventwatch.store.budget import OutOfTime, Watchdog
from eventwatch.store.dialect import Connection

STATIC = Path(__file__).parent / "static"
ACTOR = r"^[A-Za-z0-9]{2,24}$"  # a country (RUS) or CAMEO actor code (IGOWSTNAT)
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": models.ErrorBody} for code in (400, 401, 403, 404, 413, 422, 429, 503)
}
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    422: "invalid_request",
    429: "too_many_requests",
    503: "unavailable",
}


def _choice(values: tuple[str, ...]) -> str:
    return f"^({'|'.join(values)})$"


def error_response(status: int, message: str, details: list[dict[str, Any]] | None = None) -> JSONResponse:
    body = models.ErrorBody(
        error=models.ErrorDetail(status=status, code=_CODES.get(status, "error"), message=message, details=details)
    )
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def retry_later(status: int, exc: Exception, seconds: int = 5) -> JSONResponse:
    """``status`` (503: the server is busy; 429: this client asks for more than its share) with
    ``Retry-After``."""
    response = error_response(status, str(exc))
    response.headers["Retry-After"] = str(seconds)
    return response


REQUEST_THREADS = 200  # request threads: reads, and heavy reads waiting for their slot


def create_app(
    db: str | Path | Backend,
    *,
    token: str | None = None,
    config: ApiConfig | None = None,
    coder_factory: Callable[[], Any] | None = None,
    ingest: Callable[[Backend, list[Any]], Any] | None = None,
    announce_url: str | None = None,
    tasks: Sequence[Callable[[Backend, threading.Event], None]] = (),
    fetch_config: Any = None,
) -> FastAPI:
    """The API over the store at ``db`` (a DuckDB file, a postgresql:// URL or a Backend). ``token``
    enables POST /ingest (bearer auth). With ``announce_url`` a served DuckDB file says where its
    server is, so other eventwatch processes hand it their reads and writes (``store.handoff``).

    ``tasks`` run in threads beside the server (``serve --watch``), each given the store and an event
    set when the server stops. ``fetch_config`` (an ``ingest.fetch.FetchConfig``) governs the URLs POST
    /ingest fetches (e.g. ``allow_private`` for intranet feeds). ``coder_factory`` and ``ingest`` replace
    the Coder and ``Store(backend).ingest`` (for tests).
    """
    cfg = config or default_config().api
    cfg.validate()
    database = Database(db, announce_url=announce_url, request_seconds=cfg.request_seconds)
    coding = CodingPool(
        cfg.code_workers, cfg.code_queue, coder_factory, long_chars=cfg.code_long_chars, nice=cfg.code_nice,
        long_nice=cfg.code_long_nice, long_per_client=cfg.code_long_per_client, wait_seconds=cfg.request_seconds,
        long_queue=cfg.code_long_queue,
    )  # fmt: skip
    watchdog = Watchdog()
    weigher = Weigher()
    heavy_lane = HeavyLane(cfg.heavy_reads, wait_seconds=2 * cfg.request_seconds, per_client=cfg.heavy_per_client)
    page_rows = PageRows(cfg.page_rows, cfg.light_page_rows, wait_seconds=2 * cfg.request_seconds)
    read_slots = ReadSlots(cfg.read_workers, wait_seconds=2 * cfg.request_seconds)
    max_response_bytes = int(cfg.max_response_mb * 2**20)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Heavy reads wait for their slot in a request thread; with anyio's default of 40 threads a few
        # dozen of them left ordinary reads (even /health) queueing for a thread. Waiting threads cost
        # little: allow more of them than clients the limits let wait.
        anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        database.start()
        stop = threading.Event()
        threads = [threading.Thread(target=task, args=(database.backend, stop), daemon=True) for task in tasks]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            coding.close()
            database.close()

    app = FastAPI(
        title="eventwatch",
        version=__version__,
        description="Political event data from news: events, evidence, dyadic series and escalation alerts.",
        lifespan=lifespan,
        responses=ERRORS,
    )
    app.state.database = database
    cache = AnswerCache(cfg.cache_entries, cfg.cache_mb * 2**20)
    app.state.cache = cache
    app.add_middleware(
        ServeCached, cache=cache, version=lambda: database.backend.data_version(),
        version_is_local=lambda: isinstance(database.backend, HeldDuckDB),
    )  # fmt: skip
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        BodyLimit, max_bytes=cfg.max_body_bytes, error=error_response, larger={"/store/": MAX_BATCH_BYTES}
    )
    if cfg.trusted_proxies:
        # Outermost, so the shares (``client_of``) see the client the proxy names, not the proxy.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(cfg.trusted_proxies))
    app.include_router(handoff_router(database))

    # -- errors: one body shape for all of them ------------------------------------------------------

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors()
        ]
        first = details[0] if details else {"where": "request", "message": "invalid"}
        return error_response(422, f"{first['where']}: {first['message']}", details)

    @app.exception_handler(StoreError)
    async def _unavailable(_: Request, exc: Exception) -> JSONResponse:
        return error_response(503, str(exc))

    @app.exception_handler(OutOfTime)
    @app.exception_handler(TooBusy)
    @app.exception_handler(CoderBusy)
    async def _busy(_: Request, exc: Exception) -> JSONResponse:
        return retry_later(503, exc)

    @app.exception_handler(OverShare)
    async def _over_share(_: Request, exc: Exception) -> JSONResponse:
        return retry_later(429, exc)

    @app.exception_handler(AnswerTooLarge)
    async def _too_large(_: Request, exc: Exception) -> JSONResponse:
        return error_response(413, str(exc))

    @app.exception_handler(BadCursor)
    @app.exception_handler(QueryError)
    @app.exception_handler(ValueError)
    async def _bad(_: Request, exc: Exception) -> JSONResponse:
        return error_response(400, str(exc))

    # -- auth -----------------------------------------------------------------------------------------

    bearer = HTTPBearer(auto_error=False)

    def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        if not token:
            raise HTTPException(403, f"ingest is disabled: start the server with --token or set {cfg.token_env}")
        if credentials is None or not secrets.compare_digest(credentials.credentials.encode(), token.encode()):
            raise HTTPException(401, "a valid bearer token is required (Authorization: Bearer TOKEN)")

    # -- reads ----------------------------------------------------------------------------------------

    def answer(
        request: Request,
        model: type,
        compute: Callable[[Connection], Any],
        heavy: bool = False,
        rows: int = 0,
        typed: bool = False,
    ) -> Response:
        """``compute``'s value on a read connection, as ``model`` JSON; reused while the store is unchanged,
        computed once for identical requests arriving together. A ``heavy`` read waits for a slot of its
        own, a page of ``rows`` events for its rows (``api.admission``). A ``typed`` value is already
        ``model``'s fields with their types (rows the store typed): it is serialised without validating
        it again."""
        key = answer_key(request.scope["path"], request.scope.get("query_string", b""))

        def fresh() -> bytes:
            # A heavy read or large page is bounded by its own lane; a light read by the read slots, so
            # the abusive kinds never take the places ordinary reads compute in.
            light = not heavy and rows <= cfg.light_page_rows
            with heavy_lane.slot(heavy, client_of(request)), page_rows.hold(rows), read_slots.slot(light):
                with database.read() as con:
                    value = within_budget(con, compute)
                body = json_bytes(model, value, typed)
            if len(body) > max_response_bytes:
                raise AnswerTooLarge(
                    f"the answer is {len(body) / 2**20:.1f} MB, more than the limit of {cfg.max_response_mb:g} MB: "
                    "ask for a shorter date range, a longer period or fewer items"
                )
            return body

        if not cfg.cache_entries:  # no cache: no answer to share, so no version to ask the store for
            return Response(fresh(), media_type="application/json")
        body = cache.answer(key, database.backend.data_version(), fresh, wait_seconds=2 * cfg.request_seconds)
        return Response(body, media_type="application/json")

    def within_budget(con: Connection, compute: Callable[[Connection], Any]) -> Any:
        """``compute(con)``, interrupted (``OutOfTime``: 503) when it runs past the request time budget."""
        with watchdog.limit(cfg.request_seconds, con, out_of_time):
            return compute(con)

    def out_of_time() -> OutOfTime:
        return OutOfTime(
            f"the request took longer than {cfg.request_seconds:g} s and was stopped: "
            "ask for a shorter date range or fewer items"
        )

    Limit = Annotated[int, Query(ge=1, le=cfg.max_page_size, description=f"at most {cfg.max_page_size}")]
    From = Annotated[dt.date | None, Query(alias="from", description="first day, YYYY-MM-DD")]
    To = Annotated[dt.date | None, Query(alias="to", description="last day, YYYY-MM-DD")]
    Actor = Annotated[str | None, Query(pattern=ACTOR, description="country (RUS) or actor code (RUSMIL)")]
    Level = Annotated[str, Query(pattern=_choice(LEVELS))]
    top = default_config().network_limit

    @app.get("/health", response_model=models.Health, tags=["meta"])
    def health(request: Request) -> Any:
        # Cached like any read (the counts change only with the store): under load a monitor's probe is
        # then a dictionary look-up in ServeCached, not a scan of the events queued behind other reads.
        def status(con: Connection) -> dict[str, Any]:
            events, first, last = con.execute("SELECT count(*), min(date), max(date) FROM events").fetchone()
            articles = con.scalar("SELECT count(*) FROM articles")
            return {
                "status": "ok", "version": __version__, "database": database.location, "events": events,
                "articles": articles, "first_date": first, "last_date": last, "ingest_enabled": bool(token),
            }  # fmt: skip

        return answer(request, models.Health, status)

    @app.get("/events", response_model=models.EventPage, tags=["events"])
    def list_events(
        request: Request,
        date_from: From = None,
        date_to: To = None,
        source: Actor = None,
        target: Actor = None,
        cameo: Annotated[str | None, Query(pattern=r"^\d{1,4}$", description="CAMEO code prefix")] = None,
        plover: Annotated[str | None, Query(pattern=r"^[A-Za-z_-]{2,24}$")] = None,
        country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
        limit: Limit = cfg.default_page_size,
        cursor: Annotated[str | None, Query(max_length=400)] = None,
    ) -> Any:
        """Events matching the filters, newest first, one page at a time (keyset cursor)."""
        filters = EventFilters(date_from, date_to, source, target, cameo, plover, country)

        def page(con: Connection) -> dict[str, Any]:
            found = browse.list_events(con, filters, limit=limit, cursor=cursor)
            return {"items": found.items, "next_cursor": found.next_cursor, "limit": found.limit}

        # Never heavy: a keyset page costs its size (at most max_page_size), whatever the date range; but
        # large pages take turns for the interpreter lock their rows hold (api.admission.PageRows).
        return answer(request, models.EventPage, page, rows=limit, typed=True)

    @app.get("/events/{event_id}", response_model=models.EventDetail, tags=["events"])
    def get_event(request: Request, event_id: str) -> Any:
        """One event with all its mentions; each mention has its sentence and the evidence spans in it."""
        return answer(
            request, models.EventDetail, lambda con: found(browse.event_detail(con, event_id), "event", event_id)
        )

    @app.get("/articles/{article_id}", response_model=models.ArticleOut, tags=["events"])
    def get_article(request: Request, article_id: str) -> Any:
        """An article's text with the evidence spans (trigger, source, target) of every mention in it."""
        return answer(
            request, models.ArticleOut, lambda con: found(browse.article(con, article_id), "article", article_id)
        )

    @app.get("/series", response_model=models.SeriesOut, tags=["monitor"])
    def get_series(
        request: Request,
        source: Annotated[str, Query(pattern=ACTOR, description="country (RUS) or actor code (RUSMIL)")],
        target: Annotated[str, Query(pattern=ACTOR)],
        period: Annotated[str | None, Query(pattern=_choice(PERIODS))] = None,
        directed: bool = False,
        unit: Annotated[str | None, Query(pattern=_choice(UNITS))] = None,
        date_from: From = None,
        date_to: To = None,
    ) -> Any:
        """Counts by QuadClass and CAMEO root, Goldstein sum and mean, per period, for one dyad."""
        def points(con: Connection) -> dict[str, Any]:
            return dyad_series(
                con, source, target, period=period, directed=directed, unit=unit, start=date_from, end=date_to,
                max_periods=cfg.max_periods,
            ).to_dict()  # fmt: skip

        # Never heavy: a series is bounded by max_periods (checked first) and reads one dyad.
        return answer(request, models.SeriesOut, points, typed=True)

    @app.get("/dyads", response_model=models.DyadList, tags=["monitor"])
    def get_dyads(
        request: Request,
        date_from: From = None,
        date_to: To = None,
        by: Level = "country",
        directed: bool = False,
        limit: Limit = top,
    ) -> Any:
        """The busiest actor pairs in the period, with cooperation, conflict and net cooperation."""
        def items(con: Connection) -> dict[str, Any]:
            rows = network.dyads(con, start=date_from, end=date_to, by=by, directed=directed, limit=limit)
            return {"items": [r.to_dict() for r in rows]}

        return answer(request, models.DyadList, items, weigher.is_heavy(start=date_from, end=date_to))

    @app.get("/actors", response_model=models.ActorList, tags=["monitor"])
    def get_actors(
        request: Request, date_from: From = None, date_to: To = None, by: Level = "country", limit: Limit = top
    ) -> Any:
        """The most active actors in the period, with their net cooperation."""

        def items(con: Connection) -> dict[str, Any]:
            rows = network.actors(con, start=date_from, end=date_to, by=by, limit=limit)
            return {"items": [r.to_dict() for r in rows]}

        return answer(request, models.ActorList, items, weigher.is_heavy(start=date_from, end=date_to))

    @app.get("/alerts", response_model=models.AlertList, tags=["monitor"])
    def get_alerts(
        request: Request,
        since: Annotated[dt.date | None, Query(description="report alerts from this day on")] = None,
        until: dt.date | None = None,
        period: Annotated[str | None, Query(pattern=_choice(PERIODS))] = None,
        method: Annotated[str | None, Query(pattern=_choice(METHODS))] = None,
        metric: Annotated[str | None, Query(pattern=_choice(METRICS))] = None,
        by: Annotated[str | None, Query(pattern=_choice(LEVELS))] = None,
        min_events: Annotated[int | None, Query(ge=1, le=100000)] = None,
    ) -> Any:
        """Escalation alerts (method and defaults in data/monitor.yaml), with the events behind each."""
        def items(con: Connection) -> dict[str, Any]:
            found = find_alerts(
                con, since=since, until=until, period=period, method=method, metric=metric, by=by,
                min_events=min_events, limit=cfg.max_alerts, max_periods=cfg.max_periods,
            )  # fmt: skip
            return {"items": [a.to_dict() for a in found]}

        return answer(request, models.AlertList, items, weigher.is_heavy(start=since, end=until, open_start=True))

    # -- coding and writing ---------------------------------------------------------------------------

    @app.post("/code", response_model=models.CodeResponse, tags=["coding"])
    async def code(request: Request, body: models.CodeRequest) -> Any:
        """Code the posted text and return its events; nothing is stored. Coding runs in a bounded pool
        of workers (``code_workers``, ``code_queue``): when it is full the answer is 503 with Retry-After;
        a client with a long text already coding or waiting gets 429 for the next one."""
        if len(body.text) > cfg.max_text_chars:
            raise HTTPException(413, f"text is longer than {cfg.max_text_chars} characters")
        events = await coding.code(body.text, body.date.isoformat() if body.date else None, client_of(request))
        return {"events": [e if isinstance(e, dict) else e.to_dict() for e in events]}  # dicts from processes

    @app.post("/ingest", response_model=models.IngestResponse, tags=["coding"], dependencies=[Depends(require_token)])
    def ingest_endpoint(body: models.IngestRequest) -> Any:
        """Code and store posted text and/or fetch and store URLs (bearer token required)."""
        sources = _ingest_sources(body, cfg)
        run = ingest or partial(_store_ingest, fetch_config=fetch_config)
        report = run(database.backend, sources)
        return report.to_dict() if hasattr(report, "to_dict") else report

    # -- dashboard ------------------------------------------------------------------------------------

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    return app


class AnswerTooLarge(Exception):
    """An answer over the response size cap (413)."""


@cache
def _adapter(model: type) -> TypeAdapter:
    return TypeAdapter(model)


def json_bytes(model: type, value: Any, typed: bool = False) -> bytes:
    """``value`` validated as ``model`` and serialised, in the worker thread that computed it; a ``typed``
    value (the model's fields, of its types: rows as the store typed them) serialised as it is, which
    for a page of 500 events is most of the cost spared (tests/unit/test_api.py holds the two equal).

    Routes still declare ``response_model`` (the OpenAPI schema); returning a ready Response spares
    FastAPI its own validation pass, which for a sync route is a second hop through the thread pool.
    """
    if typed:
        return pydantic_core.to_json(value)
    adapter = _adapter(model)
    return adapter.dump_json(adapter.validate_python(value))


def client_of(request: Request) -> str | None:
    """Who is asking, for per-client shares (``api.admission``): the address the request comes from - or,
    from a proxy listed in ``trusted_proxies``, the client its X-Forwarded-For names."""
    return request.client.host if request.client else None


def found(value: Any, what: str, key: str) -> Any:
    """``value``, or a 404 naming what was not found."""
    if value is None:
        raise HTTPException(404, f"no {what} {key!r}")
    return value


def _ingest_sources(body: models.IngestRequest, cfg: ApiConfig) -> list[Any]:
    if not body.text and not body.urls:
        raise HTTPException(422, "nothing to ingest: post text or urls")
    if len(body.urls) > cfg.max_urls:
        raise HTTPException(413, f"at most {cfg.max_urls} URLs per request")
    if body.text and len(body.text) > cfg.max_text_chars:
        raise HTTPException(413, f"text is longer than {cfg.max_text_chars} characters")
    for url in body.urls:
        # Only web addresses: a bare string would be read by the store as a local file path. A malformed
        # http(s) URL is left to the fetcher, which reports it among the problems of the batch.
        scheme, sep, rest = url.partition("://")
        if scheme.lower() not in ("http", "https") or not sep or not rest:
            raise HTTPException(422, f"not an http(s) URL: {url[:100]!r}")
    sources: list[Any] = list(body.urls)
    if body.text:
        from eventwatch.records import Document

        sources.append(
            Document(
                text=body.text,
                date=body.date.isoformat() if body.date else None,
                url=body.url,
                title=body.title,
                source=body.source,
            )
        )
    return sources


def _store_ingest(backend: Backend, sources: list[Any], fetch_config: Any = None) -> Any:
    from eventwatch.store import Store

    return Store(backend).ingest(sources, fetch_config=fetch_config)
