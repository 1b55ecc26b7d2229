"""Typed request and response bodies of the REST API (they are also its OpenAPI schema)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# The library records are the response models where they are the same shape (validated by pydantic).
from eventwatch.monitor.alerts import Alert
from eventwatch.monitor.network import DyadActivity

Role = Literal["trigger", "source", "target"]


class ErrorDetail(BaseModel):
    status: int
    code: str = Field(description="machine-readable: not_found, invalid_request, unauthorized, ...")
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    """Every error response has this body."""

    error: ErrorDetail


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    event_id: str
    date: dt.date | None = None
    source_code: str | None = None
    source_country: str | None = None
    source_name: str | None = None
    target_code: str | None = None
    target_country: str | None = None
    target_name: str | None = None
    cameo: str | None = None
    cameo_base: str | None = None
    cameo_root: str | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    plover: str | None = None
    num_mentions: int | None = None
    num_sources: int | None = None
    num_articles: int | None = None
    confidence: float | None = None
    location_name: str | None = None
    location_country: str | None = None
    lat: float | None = None
    lon: float | None = None
    source_url: str | None = None
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last page")
    limit: int


class Span(BaseModel):
    role: Role
    start: int
    end: int


class MentionOut(BaseModel):
    mention_id: str
    event_id: str | None = None
    article_id: str | None = None
    article_title: str | None = None
    article_source: str | None = None
    sentence_index: int | None = None
    sentence: str | None = None
    sentence_start: int | None = None
    date: dt.date | None = None
    date_precision: str | None = None
    source_text: str | None = None
    source_code: str | None = None
    source_name: str | None = None
    target_text: str | None = None
    target_code: str | None = None
    target_name: str | None = None
    trigger_text: str | None = None
    cameo: str | None = None
    cameo_name: str | None = None
    goldstein: float | None = None
    quad_class: int | None = None
    plover: str | None = None
    plover_mode: str | None = None
    plover_context: str | None = None
    modality: str | None = None
    confidence: float | None = None
    location_name: str | None = None
    attribution: str | None = None
    quote: str | None = None
    rule: str | None = None
    url: str | None = None
    spans: list[Span] = Field(description="evidence: trigger and actor offsets within the sentence")


class EventDetail(EventOut):
    mentions: list[MentionOut]


class ArticleSpan(Span):
    mention_id: str
    event_id: str | None = None
    cameo: str | None = None


class ArticleOut(BaseModel):
    article_id: str
    url: str | None = None
    title: str | None = None
    source: str | None = None
    date: dt.date | None = None
    text: str
    ingested_at: dt.datetime | None = None
    n_sentences: int | None = None
    n_events: int | None = None
    spans: list[ArticleSpan] = Field(description="evidence spans as character offsets into text")


class SeriesPointOut(BaseModel):
    period: dt.date
    count: int
    verbal_cooperation: int
    material_cooperation: int
    verbal_conflict: int
    material_conflict: int
    cooperation: int
    conflict: int
    goldstein_sum: float
    goldstein_mean: float | None
    roots: dict[str, int]


class SeriesOut(BaseModel):
    source: str
    target: str
    directed: bool
    period: str
    unit: str
    points: list[SeriesPointOut]


class DyadList(BaseModel):
    items: list[DyadActivity]


class ActorOut(BaseModel):
    actor: str
    name: str | None
    n_events: int
    as_source: int
    as_target: int
    cooperation: int
    conflict: int
    net_cooperation: int
    goldstein_sum: float


class ActorList(BaseModel):
    items: list[ActorOut]


class AlertList(BaseModel):
    items: list[Alert]


class Health(BaseModel):
    status: Literal["ok", "no-database"]
    version: str
    database: str
    events: int | None = None
    articles: int | None = None
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    ingest_enabled: bool


class CodeRequest(BaseModel):
    text: str = Field(min_length=1, description="the text to code (capped; see the API config)")
    date: dt.date | None = Field(default=None, description="the report date, for relative dates")


class CodedActor(BaseModel):
    text: str
    code: str | None = None
    country: str | None = None
    sector: str | None = None
    name: str | None = None
    start: int
    end: int


class CodedTrigger(BaseModel):
    text: str
    start: int
    end: int
    lemma: str = ""


class CodedEvent(BaseModel):
    mention_id: str
    sentence_index: int
    sentence: str
    sentence_start: int
    date: str | None = None
    date_precision: str | None = None
    source: CodedActor
    target: CodedActor | None = None
    cameo: str
    cameo_name: str
    cameo_root: str
    goldstein: float
    quad_class: int
    plover: str | None = None
    plover_mode: str | None = None
    plover_context: str | None = None
    trigger: CodedTrigger
    modality: str
    confidence: float
    location: dict[str, Any] | None = None
    attribution: str | None = None
    quote: str | None = None
    rule: str


class CodeResponse(BaseModel):
    events: list[CodedEvent]


class IngestRequest(BaseModel):
    text: str | None = Field(default=None, min_length=1, description="an article's text")
    urls: list[str] = Field(default_factory=list, description="article or feed URLs to fetch and ingest")
    date: dt.date | None = None
    title: str | None = None
    url: str | None = Field(default=None, description="where the posted text came from")
    source: str | None = None


class IngestResponse(BaseModel):
    """The store's ingest report."""

    articles: int = Field(description="articles newly stored")
    skipped: int = Field(description="articles already in the store")
    sentences: int = 0
    mentions: int = 0
    events: int = Field(description="deduplicated events created or updated")
    seconds: float = 0.0
    problems: list[str] = Field(default_factory=list, description="sources that could not be read")
    warnings: list[str] = Field(default_factory=list, description="sources read with a note (bytes replaced, ...)")
