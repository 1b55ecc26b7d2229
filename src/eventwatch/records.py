"""Typed records that flow between the stages: Document in, Event out.

Every stage reads and writes these plain dataclasses, so a stage can be tested alone and an event can
be serialised (``to_dict``) without knowing which stage made which part of it.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

# Modality values. Only ASSERTED events are "real" and reported by default.
ASSERTED = "asserted"
NEGATED = "negated"
HYPOTHETICAL = "hypothetical"  # conditional or hypothetical ("any invasion would be met with ...")
FUTURE = "future"  # intended or announced, not yet done ("will send", "plans to")
HISTORICAL = "historical"  # a reference to a past event, not news of this report
GENERIC = "generic"  # habitual or generic ("police routinely arrest journalists"), no one event
MODALITIES = (ASSERTED, NEGATED, HYPOTHETICAL, FUTURE, HISTORICAL, GENERIC)


@dataclass(slots=True)
class Document:
    """One article or text to code. ``date`` is ISO-8601 (YYYY-MM-DD) or None.

    ``origin`` says where it was read from (``file.jsonl:12``, a URL, ``<stdin>``), for messages about it;
    it is not part of the article.
    """

    text: str
    id: str = ""
    date: str | None = None
    url: str | None = None
    title: str | None = None
    source: str | None = None
    origin: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = content_id(self.text)

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        del record["origin"]
        return record


def content_hash(text: str) -> str:
    """SHA-256 of the whitespace-normalised text: the same article however wrapped hashes the same.

    Any ``str`` hashes, even one holding a lone surrogate (``"\\ud800"`` from JSON), which strict UTF-8
    refuses; valid text hashes exactly as with strict UTF-8.
    """
    return hashlib.sha256(" ".join(text.split()).encode("utf-8", "surrogatepass")).hexdigest()


def content_id(text: str) -> str:
    """A stable id from the text itself (the first 16 digits of its hash), the same id everywhere."""
    return content_hash(text)[:16]


@dataclass(slots=True)
class Actor:
    """A resolved actor: the text as written, its CAMEO code and parts, and where it stands.

    ``code`` is a CAMEO actor code such as ``USAGOV`` or ``IGOWSTNAT``; ``country`` is ISO-3166
    alpha-3 (None for IGOs/NGOs without one); ``start``/``end`` are character offsets in the document.
    ``entry`` names the knowledge-base entry that resolved it (for tracing a wrong code to its data).
    """

    text: str
    code: str | None = None
    country: str | None = None
    sector: str | None = None
    name: str | None = None
    start: int = 0
    end: int = 0
    entry: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Trigger:
    """The words that express the action, with document character offsets."""

    text: str
    start: int
    end: int
    lemma: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "lemma": self.lemma}


@dataclass(slots=True)
class Location:
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    feature: str = "country"  # "country" or "city"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Step:
    """One decision of one pass of the coder: what it decided (``rule``), why (``detail``), and about what.

    ``span`` is the document character span the decision is about (a trigger, an actor mention);
    ``sentence`` the index of its sentence; ``about`` the character offset of the trigger of the
    candidate event it belongs to (None for decisions about the sentence or the document). The steps of
    a document are its trail; each event keeps its own (``Event.trail``), and ``explain`` prints them.
    """

    pass_name: str
    rule: str
    detail: str = ""
    span: tuple[int, int] | None = None
    sentence: int | None = None
    about: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"pass": self.pass_name, "rule": self.rule, "detail": self.detail, "span": self.span}

    def render(self) -> str:
        return f"{self.pass_name}: {self.rule}" + (f" — {self.detail}" if self.detail else "")


@dataclass(slots=True)
class Event:
    """One coded event mention: who did what to whom, when and where, with its evidence.

    ``cameo`` is the most specific CAMEO event code the text supports; ``plover``/``plover_mode`` come
    from the CAMEO→PLOVER table. ``rule`` names the lexicon entry that fired (and the speech act or
    modality that changed it); ``trail`` holds every decision the coder's passes made about this event,
    in order (which lexicon entry, which registry entry resolved each party and how, why the modality).
    ``confidence`` is in [0, 1]. ``modality`` is one of MODALITIES; only ``asserted`` events are
    output by default.
    """

    doc_id: str
    sentence_index: int
    sentence: str
    sentence_start: int
    source: Actor
    target: Actor | None
    cameo: str
    cameo_name: str
    cameo_root: str
    goldstein: float
    quad_class: int
    plover: str | None
    plover_mode: str | None
    plover_context: str | None
    trigger: Trigger
    modality: str = ASSERTED
    confidence: float = 0.5
    date: str | None = None
    date_precision: str = "unknown"  # day | weekend | week | month | year | document | unknown
    location: Location | None = None
    attribution: str | None = None
    quote: str | None = None
    rule: str = ""
    url: str | None = None
    trail: tuple[Step, ...] = ()

    @property
    def is_real(self) -> bool:
        return self.modality == ASSERTED

    @property
    def mention_id(self) -> str:
        """Stable id of this mention: same document, trigger and actors give the same id."""
        key = "|".join(
            [
                self.doc_id,
                str(self.trigger.start),
                self.cameo,
                self.source.code or self.source.text,
                (self.target.code or self.target.text) if self.target else "",
            ]
        )
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mention_id": self.mention_id,
            "doc_id": self.doc_id,
            "sentence_index": self.sentence_index,
            "sentence": self.sentence,
            "sentence_start": self.sentence_start,
            "date": self.date,
            "date_precision": self.date_precision,
            "source": self.source.to_dict(),
            "target": self.target.to_dict() if self.target else None,
            "cameo": self.cameo,
            "cameo_name": self.cameo_name,
            "cameo_root": self.cameo_root,
            "goldstein": self.goldstein,
            "quad_class": self.quad_class,
            "plover": self.plover,
            "plover_mode": self.plover_mode,
            "plover_context": self.plover_context,
            "trigger": self.trigger.to_dict(),
            "modality": self.modality,
            "confidence": round(self.confidence, 3),
            "location": self.location.to_dict() if self.location else None,
            "attribution": self.attribution,
            "quote": self.quote,
            "rule": self.rule,
            "url": self.url,
            "trail": [step.to_dict() for step in self.trail],
        }
