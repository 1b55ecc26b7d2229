"""Actors: the knowledge base (``data/actors/*.tsv``) and resolving one phrase to a CAMEO actor code.

A phrase ("Iranian Foreign Minister Mohammad Javad Zarif", "8,500 US troops", "Moscow") is resolved by
the names found in it (``PhraseResolver``): a dated leader, an organisation, a country name, adjective
or capital, and a sector word or title. What depends on the rest of the document (pronouns, surnames,
the document's focus country) is the registry pass's job (``registry.py``).
"""

from __future__ import annotations

import bisect
import csv
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from eventwatch.coding.grammar import ATTRIBUTIVE_DEPS, HOME_PREPS, NAME_GAP_POS, NON_PHRASE_DEPS
from eventwatch.coding.words import word_lists
from eventwatch.records import Actor

KIND_RANK = {"leader": 5, "org": 4, "country": 3, "capital": 2, "adjective": 1}
NAMED_KINDS = frozenset({"leader", "org"})  # entries that carry their own sector
INTERNATIONAL = ("IGO", "NGO")  # code prefixes (and sectors) of bodies that belong to no one country


@dataclass(frozen=True, slots=True)
class KBEntry:
    """One named thing the knowledge base knows."""

    kind: str  # country | adjective | capital | org | leader
    key: str  # the row it came from: ISO3, org code or leader name
    code: str | None
    country: str | None
    sector: str | None
    name: str
    start: date | None = None
    end: date | None = None
    role: str = ""  # a leader's office ("Foreign Minister"), for "the minister" later in a document

    def years_from(self, day: date | None) -> int:
        """How many years the date lies outside this entry's term (0 inside it or without dates)."""
        if day is None or self.start is None:
            return 0
        if day < self.start:
            return self.start.year - day.year
        return 0 if self.end is None or day <= self.end else day.year - self.end.year

    def valid_on(self, day: date | None) -> bool:
        if day is None or self.start is None:
            return True
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class SectorWord:
    """A word that says what kind of party a phrase names (``sectors.tsv``), or a party noun with no sector
    of its own whose party the rest of the phrase says (``relations.tsv``: ``relation`` is set)."""

    sector: str | None
    person: bool
    relation: str | None = None  # "of" | "other" | "counterpart" | "weapon"


RELATIONS = frozenset({"of", "other", "counterpart", "weapon"})


@dataclass(frozen=True, slots=True)
class Description:
    """A definite description ("the group", "the country") and the earlier party it may stand for."""

    refers: str  # "organisation" | "country" | "person"
    sectors: tuple[str, ...] = ()  # sectors or code prefixes the party must have (empty: any)

    def fits(self, actor: Actor, category: str) -> bool:
        if category != self.refers:
            return False
        code, sector = actor.code or "", actor.sector or ""
        return not self.sectors or any(sector == s or code.startswith(s) for s in self.sectors)


@dataclass(frozen=True, slots=True)
class NonActors:
    """What never names a party (``non_actors.yaml``): entity labels and words."""

    entity_labels: frozenset[str] = frozenset()
    quantities: frozenset[str] = frozenset()  # "dozens of students": the students are the party
    abstract: frozenset[str] = frozenset()  # "the war", "the deal": never a party
    topics: frozenset[str] = frozenset()  # "praised the talks": what an act is about, never its target
    words: frozenset[str] = frozenset()
    patrons: frozenset[str] = frozenset()  # "US-backed forces": the name before "backed" is not their country

    @classmethod
    def load(cls, path: Path) -> NonActors:
        if not path.exists():
            return cls()
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        lists = word_lists(raw)
        return cls(
            entity_labels=frozenset(raw.get("entity_labels") or ()),
            quantities=lists.get("quantities", frozenset()),
            abstract=lists.get("abstract", frozenset()),
            topics=lists.get("topics", frozenset()),
            patrons=lists.get("patrons", frozenset()),
            words=frozenset(str(w) for w in raw.get("words") or ()),  # proper nouns: case kept
        )

    def counted(self, head: Token) -> Token | None:
        """'dozens of students', 'hundreds of them': the head of what a quantity word counts, or None."""
        if head.lower_ not in self.quantities and head.pos_ != "NUM":
            return None
        of = next((c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        return next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None

    def patron_tokens(self, tokens: list[Token]) -> set[int]:
        """The tokens of a patron inside a phrase: "US" in "US-backed forces", "Iranian" in "Iranian-funded
        militias" (what hangs from the participle), which name a relation of the party, not its country."""
        found: set[int] = set()
        for token in tokens:
            if token.lower_ in self.patrons and token.dep_ in ATTRIBUTIVE_DEPS:
                found |= {t.i for child in token.children for t in child.subtree}  # "armed men" stay armed
        return found

    def may_name(self, head: Token) -> bool:
        """Whether a head the knowledge base does not know can still stand for the party its modifiers
        name ("an Indian proposal" is India's, as CAMEO codes it): any noun that is no day, date, number,
        document (a place too: the parser often takes a surname for one, "Kenzo Oshima")."""
        if head.pos_ not in ("PROPN", "NOUN") or head.text in self.words:
            return False
        return head.ent_type_ not in self.entity_labels


def _read_tsv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(lines, delimiter="\t")]


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split("|") if part.strip()]


def _parse_date(value: str, end: bool = False) -> date | None:
    value = value.strip()
    if not value:
        return None
    parts = value.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else (12 if end else 1)
        day = int(parts[2]) if len(parts) > 2 else (28 if end and len(parts) == 2 else 31 if end else 1)
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


@dataclass(slots=True)
class ActorKB:
    """Names → entries, and sector phrases. Built once per process from the data files."""

    names: dict[str, list[KBEntry]] = field(default_factory=dict)
    sectors: dict[str, SectorWord] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)  # ISO3 -> name
    descriptions: dict[str, Description] = field(default_factory=dict)
    genders: dict[str, str] = field(default_factory=dict)  # "husband" -> "male" (gender.yaml)
    non_actors: NonActors = field(default_factory=NonActors)
    mutual_roots: frozenset[str] = frozenset()  # CAMEO roots of acts parties named together do together
    addressed_roots: frozenset[str] = frozenset()  # CAMEO roots of acts addressed to a party, not done to a thing
    political_roots: frozenset[str] = frozenset()  # CAMEO roots that are no event between private persons

    @classmethod
    def load(cls, directory: str | Path) -> ActorKB:
        """The knowledge base in ``directory`` (the bundled one is ``data/actors``)."""
        root = Path(directory)
        kb = cls()
        for row in _read_tsv(root / "countries.tsv"):
            iso3, name = row.get("iso3", "").upper(), row.get("name", "")
            if not iso3:
                continue
            kb.countries[iso3] = name
            for alias in [name, *_split(row.get("names"))]:
                kb.add(alias, KBEntry("country", iso3, iso3, iso3, None, name))
            for adjective in _split(row.get("adjectives")):
                kb.add(adjective, KBEntry("adjective", iso3, iso3, iso3, None, name))
            for capital in _split(row.get("capital")):
                kb.add(capital, KBEntry("capital", iso3, iso3 + "GOV", iso3, "GOV", name))
        for row in _read_tsv(root / "organizations.tsv"):
            code = row.get("code", "").upper()
            country = row.get("country", "").upper() or None
            entry = KBEntry("org", code, code, country, row.get("sector") or None, row.get("name", code))
            for alias in [row.get("name", ""), *_split(row.get("names"))]:
                kb.add(alias, entry)
        organisations = [
            (alias, e.code)
            for alias, entries in kb.names.items()
            for e in entries
            if e.kind == "org" and e.code and len(alias) > 1
        ]
        for row in _read_tsv(root / "leaders.tsv"):
            country = row.get("country", "").upper() or None
            sector = row.get("sector", "GOV") or "GOV"
            code = (country + sector) if country else (sector if sector.startswith("IGO") else None)
            if code == "IGO":
                code = _organisation_in(row.get("role", ""), organisations) or code  # "Secretary General of NATO"
            entry = KBEntry(
                "leader",
                row.get("name", ""),
                code,
                country,
                sector,
                row.get("name", ""),
                _parse_date(row.get("start", "")),
                _parse_date(row.get("end", ""), end=True),
                row.get("role", ""),
            )
            for alias in [row.get("name", ""), *_split(row.get("aliases"))]:
                kb.add(alias, entry)
        kb.load_words(root)
        return kb

    def load_words(self, root: Path) -> None:
        """Sector words, party nouns, definite descriptions and what names no party."""
        for row in _read_tsv(root / "sectors.tsv"):
            phrase = row.get("phrase", "")
            if phrase and row.get("sector"):
                self.sectors[phrase.lower()] = SectorWord(row["sector"].upper(), row.get("person", "").lower() == "yes")
        for row in _read_tsv(root / "relations.tsv"):
            phrase, relation = row.get("phrase", ""), row.get("relation", "")
            if phrase and relation in RELATIONS:
                self.sectors[phrase.lower()] = SectorWord(None, row.get("person", "").lower() == "yes", relation)
        for row in _read_tsv(root / "descriptions.tsv"):
            if row.get("phrase") and row.get("refers"):
                self.descriptions[row["phrase"].lower()] = Description(row["refers"], tuple(_split(row.get("sectors"))))
        self.non_actors = NonActors.load(root / "non_actors.yaml")
        gender_path = root / "gender.yaml"
        if gender_path.exists():
            raw = yaml.safe_load(gender_path.read_text(encoding="utf-8")) or {}
            for gender in ("male", "female"):
                self.genders.update((str(w).lower(), gender) for w in raw.get(gender) or ())
        dyads_path = root / "dyads.yaml"
        if dyads_path.exists():
            raw = yaml.safe_load(dyads_path.read_text(encoding="utf-8")) or {}
            self.mutual_roots = frozenset(str(code) for code in raw.get("mutual_roots") or ())
            self.addressed_roots = frozenset(str(code) for code in raw.get("addressed_roots") or ())
            self.political_roots = frozenset(str(code) for code in raw.get("political_roots") or ())


    def add(self, alias: str, entry: KBEntry) -> None:
        if alias:
            self.names.setdefault(alias, []).append(entry)


def _words_of(text: str) -> str:
    return " " + " ".join(re.findall(r"\w+", text)) + " "


def _organisation_in(text: str, organisations: list[tuple[str, str]]) -> str | None:
    """The code of the organisation whose longest name occurs in ``text`` ("Secretary General of NATO")."""
    words = _words_of(text)
    found = [(len(alias), code) for alias, code in organisations if _words_of(alias) in words]
    return max(found)[1] if found else None


@dataclass(frozen=True, slots=True)
class Mention:
    """A knowledge-base name or sector word found in a document (token span)."""

    start: int
    end: int
    alias: str
    entries: tuple[KBEntry, ...] = ()
    sector: SectorWord | None = None


class ActorMatcher:
    """Finds names and sector words in a Doc. Case-sensitive for names with capitals ("US" is not "us")."""

    def __init__(self, kb: ActorKB, nlp: Language):
        self.kb = kb
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.tokenizer = tokenizer = nlp.tokenizer
        for alias in kb.names:
            matcher = self.exact if any(ch.isupper() for ch in alias) else self.folded
            matcher.add(alias, [tokenizer(alias)])
        for phrase in kb.sectors:
            self.folded.add("sector:" + phrase, [tokenizer(phrase)])

    def mentions(self, doc: Doc) -> list[Mention]:
        found: list[Mention] = []
        vocab_strings = doc.vocab.strings
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                label = vocab_strings[match_id]
                if label.startswith("sector:"):
                    found.append(Mention(start, end, label[7:], sector=self.kb.sectors[label[7:]]))
                else:
                    found.append(Mention(start, end, label, entries=tuple(self.kb.names[label])))
        sectors = sorted((m for m in found if m.sector is not None), key=lambda m: m.start)
        sector_starts = [m.start for m in sectors]
        longest = max((m.end - m.start for m in sectors), default=0)

        def inside_longer_sector(m: Mention) -> bool:
            # "National Security Council" is a national body, not the UN's "Security Council" inside it.
            first = bisect.bisect_left(sector_starts, m.start - longest)
            last = bisect.bisect_right(sector_starts, m.start)
            return any(
                s.end >= m.end and s.end - s.start > m.end - m.start for s in sectors[first:last]
            )

        return [m for m in found if m.sector is not None or not inside_longer_sector(m)]

    def mentions_in_text(self, text: str) -> list[Mention]:
        """Names in a text that is not parsed (a title given with the input): tokenised only."""
        return self.mentions(self.tokenizer(text))


# The entry of "the two men", "both leaders" after two parties of different countries: a party noun that
# stands for both, so it takes no country from the focus, the place or the other party.
PAIR_OF_PARTIES = "relation:pair"


def with_country(actor: Actor, country: str, reason: str) -> Actor:
    """The actor as a party of ``country``, keeping its sector; ``entry`` records why ("+in:IRQ")."""
    return replace(
        actor, country=country, code=country + (actor.sector or ""), entry=f"{actor.entry or ''}+{reason}:{country}"
    )


def phrase_tokens(head: Token) -> list[Token]:
    """The name phrase of an argument: its head with modifiers, without clauses or other prepositions.

    'of' phrases stay ("Secretary of State"); other prepositional phrases and relative clauses go.
    """
    keep = [head]
    stack = [c for c in head.children if _in_phrase(c)]
    while stack:
        token = stack.pop()
        keep.append(token)
        stack.extend(c for c in token.children if _in_phrase(c) and c.dep_ != "appos")
    return sorted(keep, key=lambda t: t.i)


def _in_phrase(token: Token) -> bool:
    if token.dep_ == "prep":
        return token.lower_ == "of"
    return token.dep_ not in NON_PHRASE_DEPS


def phrase_span(head: Token) -> Span:
    """The name phrase of ``head`` as a span (``phrase_tokens`` from first to last)."""
    tokens = phrase_tokens(head)
    return head.doc[tokens[0].i : tokens[-1].i + 1]


class PhraseResolver:
    """Resolves one phrase by the knowledge-base names and sector words inside it, on the document date.

    ``mentions`` are the names the matcher found in the document. Nothing here depends on other
    phrases of the document, so a phrase resolves the same whenever it is asked.
    """

    def __init__(self, doc: Doc, mentions: list[Mention], day: date | None, non_actors: NonActors):
        self.non_actors = non_actors
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.mentions]
        self.longest = max((m.end - m.start for m in self.mentions), default=0)
        self.day = day
        self.covering = _ancestors(doc, self.mentions)

    def may_name(self, head: Token) -> bool:
        """Whether a name or sector word lies in the subtree of ``head`` (else its phrase names no one)."""
        return head.i in self.covering

    def around(self, low: int, high: int) -> list[Mention]:
        """Mentions that overlap tokens [low, high] (found by bisection, so resolving is not quadratic)."""
        first = bisect.bisect_left(self.starts, low - self.longest)
        last = bisect.bisect_right(self.starts, high)
        return [m for m in self.mentions[first:last] if low <= m.end - 1]

    def within(self, start: int, end: int) -> list[Mention]:
        """Mentions that lie inside tokens [start, end)."""
        first = bisect.bisect_left(self.starts, start)
        last = bisect.bisect_left(self.starts, end)
        return self.mentions[first:last]

    def _word_at(self, head: Token) -> SectorWord | None:
        found = [m for m in self.around(head.i, head.i) if m.sector is not None and m.start <= head.i < m.end]
        return max(found, key=lambda m: m.end - m.start).sector if found else None

    def relation_at(self, head: Token) -> SectorWord | None:
        """The party noun (``relations.tsv``) the head is, if any."""
        word = self._word_at(head)
        return word if word is not None and word.relation is not None else None

    def title_at(self, head: Token) -> str | None:
        """The title a singular person word at the head names ("minister" in "the foreign minister")."""
        found = [m for m in self.around(head.i, head.i) if m.sector is not None and m.start <= head.i < m.end]
        titles = [m for m in found if m.sector is not None and m.sector.person and m.sector.relation is None]
        if not titles or head.tag_ in ("NNS", "NNPS"):
            return None
        return head.lower_

    def titles_in(self, tokens: list[Token]) -> frozenset[str]:
        """The titles a person's phrase gives it: its person words ("minister") and the offices of the
        leaders named in it ("President")."""
        indexes = {t.i for t in tokens}
        titles: set[str] = set()
        for m in self.around(min(indexes), max(indexes)):
            if not all(i in indexes for i in range(m.start, m.end)):
                continue
            if m.sector is not None and m.sector.person:
                titles.add(m.alias.split()[-1].lower())
            for entry in m.entries:
                if entry.kind == "leader" and entry.valid_on(self.day):
                    titles.update(re.findall(r"[a-z]+", entry.role.lower()))
        return frozenset(titles)

    def person_mention(self, head: Token) -> bool:
        """Whether a person sector word ("minister", "spokesman") covers the head."""
        return any(
            m.sector is not None and m.sector.person and m.start <= head.i < m.end for m in self.around(head.i, head.i)
        )

    def named(self, head: Token, indexes: set[int], span: Span) -> Actor | None:
        """The actor the names and sector words inside the phrase (token ``indexes``) say, or None.

        A phrase whose head is a day, a date, a number or a place the knowledge base does not know names
        no party, however many names modify it ("Syria's Friday", "the Iraqi town of Tal Afar").
        """
        doc = head.doc
        indexes = indexes - self.non_actors.patron_tokens([doc[i] for i in indexes])
        if not indexes:
            return None
        # A known name that holds the head counts even where the parser cut it short: "the Organisation for
        # the Prohibition of Chemical Weapons" (its "for" phrase is no part of the head's phrase).
        inside = [
            m
            for m in self.around(min(indexes), max(indexes))
            if all(i in indexes or doc[i].pos_ in NAME_GAP_POS for i in range(m.start, m.end)) and head.i >= m.start - 3
            or m.start <= head.i < m.end and m.start >= min(indexes) and m.entries
        ]
        if not inside:
            return None
        at_head = [m for m in inside if m.start <= head.i < m.end]
        if not at_head and not self.non_actors.may_name(head):
            return None
        best_entry: KBEntry | None = None
        best_key: tuple[int, ...] | None = None
        sector: SectorWord | None = None
        relation: SectorWord | None = None
        sector_distance = 10**6
        for m in inside:
            distance = 0 if m.start <= head.i < m.end else min(abs(head.i - m.start), abs(head.i - (m.end - 1)))
            if m.sector is not None:
                if m.sector.relation is not None:
                    if distance == 0:
                        relation = m.sector  # a party noun counts only as the head ("Isis members")
                    continue
                # A sector word names the actor only as its head or a direct modifier of it:
                # "shipments of military assistance" are not the military.
                if not (m.start <= head.i < m.end or doc[m.end - 1].head.i == head.i):
                    continue
                if distance < sector_distance:
                    sector, sector_distance = m.sector, distance
                continue
            for entry in m.entries:
                if entry.kind == "leader" and not _same_person(doc, m, entry):
                    continue  # "Diane Abbott" is not the "Abbott" of another office holder
                # A leader out of office on the date still names the country, but ranks below one in office.
                in_office = entry.valid_on(self.day)
                key = (
                    KIND_RANK[entry.kind] if in_office else 0,
                    m.end - m.start,
                    -distance,
                    -entry.years_from(self.day),
                )
                if best_key is None or key > best_key:
                    best_entry, best_key = entry, key
        if relation is not None and (sector is None or relation.relation == "other"):
            return related(best_entry, relation, sector, span)
        if best_entry is None and sector is None:
            return None
        return compose(best_entry, sector, span)

    def with_home_country(self, head: Token, actor: Actor) -> Actor:
        """'demonstrators in Baghdad', 'opposition groups in Zimbabwe': a place phrase gives the country."""
        for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ in HOME_PREPS):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                place = self.named(obj, {t.i for t in phrase_tokens(obj)}, obj.doc[obj.i : obj.i + 1])
                if place is not None and place.country:
                    return with_country(actor, place.country, "in")
        return actor


def _ancestors(doc: Doc, mentions: list[Mention]) -> set[int]:
    """The tokens whose subtree holds a mention: each mention's tokens and their heads up to the root.
    A walk stops at a token already seen, so the whole set costs one visit per token."""
    seen: set[int] = set()
    for mention in mentions:
        for i in range(mention.start, mention.end):
            token = doc[i]
            while token.i not in seen:
                seen.add(token.i)
                head = token.head
                if head.i == token.i:
                    break
                token = head
    return seen


def compose(entry: KBEntry | None, sector: SectorWord | None, span: Span) -> Actor:
    """The actor of a knowledge-base entry and a sector word found in one phrase."""
    country = entry.country if entry else None
    sector_code = sector.sector if sector else None
    if entry is not None and entry.kind in NAMED_KINDS:
        sector_code = entry.sector or sector_code
    if entry is not None and entry.kind == "capital" and sector is None:
        sector_code = "GOV"  # "Moscow said": a capital standing alone is its government
    international = (entry.code or "").startswith(INTERNATIONAL) if entry else False
    # an organisation, or the head of one ("UN Secretary-General Guterres" is the UN's)
    if entry is not None and entry.kind in ("org", "leader") and entry.code and (international or not entry.country):
        code = entry.code
    elif country:
        code = country + (sector_code or "") if not (sector_code or "").startswith("IGO") else country
    else:
        code = None
    name = entry.name if entry else None
    rule = f"{entry.kind}:{entry.key}" if entry else ""
    if sector:
        rule += f"+sector:{sector.sector}"
    return Actor(span.text, code, country, sector_code, name, span.start_char, span.end_char, rule)


def related(entry: KBEntry | None, relation: SectorWord, sector: SectorWord | None, span: Span) -> Actor | None:
    """The actor of a phrase headed by a party noun (``relations.tsv``).

    "Isis members", "the US-led coalition" are the party named (``of``); "US allies" are a party but not
    the US (``other``: no code), but "its European Union partners" are the EU; "his Peruvian counterpart"
    is Peru, its sector is the possessor's (set by the registry); "a Turkish missile" is the Turkish
    military and a missile of no one named an unknown attacker (``weapon``). Without a name, ``of`` and
    ``counterpart`` phrases name no one by themselves.
    """
    kind = relation.relation
    if kind == "other" and (entry is None or entry.kind != "org"):
        return Actor(span.text, None, None, None, None, span.start_char, span.end_char, "relation:other")
    if kind == "weapon" and (entry is None or entry.kind not in NAMED_KINDS):
        if entry is None:
            return Actor(span.text, None, None, None, None, span.start_char, span.end_char, "relation:weapon")
        return compose(entry, SectorWord("MIL", False), span)
    if entry is None:
        return None
    actor = compose(entry, sector, span)
    if kind == "counterpart":
        actor = replace(actor, code=actor.country, sector=None, entry=f"{actor.entry}+relation:counterpart")
    return actor


def _same_person(doc: Doc, mention: Mention, entry: KBEntry) -> bool:
    """Whether a leader's name found inside a longer personal name is that leader: every other word of the
    name must be part of the leader's name ("Recep Tayyip Erdoğan" for "Erdoğan"; not "Diane Abbott")."""
    first, last = mention.start, mention.end
    if doc[first].ent_type_ == "PERSON":
        while first > 0 and doc[first].ent_iob_ == "I":
            first -= 1
        while last < len(doc) and doc[last].ent_iob_ == "I":
            last += 1
    if (first, last) == (mention.start, mention.end):
        return True
    own = {w.casefold() for w in re.findall(r"\w+", _folded(entry.name))}
    # (the parser's person entity may take in the possessive: "Donald Trump’s")
    others = [
        doc[i].text
        for i in range(first, last)
        if not mention.start <= i < mention.end and doc[i].tag_ != "POS" and not doc[i].is_punct
    ]
    return all(w.casefold() in own for t in others for w in re.findall(r"\w+", _folded(t)))


def _folded(text: str) -> str:
    """The text without diacritics ("Erdoğan" -> "Erdogan")."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def unresolved(head: Token) -> Actor:
    """A party the knowledge base does not know: its phrase, with no code."""
    span = phrase_span(head)
    return Actor(span.text, None, None, None, None, span.start_char, span.end_char, None)
