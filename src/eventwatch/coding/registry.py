"""The registry pass: who is who in one document, decided once, in reading order, before any event.

Every token that can head an actor's phrase is resolved once, sentence by sentence, token by token:

* by the knowledge-base names, sector words and party nouns in its phrase (``actors.PhraseResolver``),
  with the country of a place phrase ("demonstrators in Baghdad") or of a possessor ("their forces",
  "the group's members"); "her counterpart from Peru" takes Peru and the possessor's sector;
* else as a surname of a person named earlier ("Zarif" after "Mohammad Javad Zarif");
* a definite description as the party named earlier that it stands for: a title ("the minister") the
  nearest earlier person who holds it, a sector noun ("the government") the nearest earlier party of
  that sector in the last sentences, "the group" / "the country" (``data/actors/descriptions.tsv``)
  the nearest earlier organisation or country;
* a party named only by its kind ("the army", "protesters", "the ministry") as a party of the document's
  focus country, when its sentence names no other country;
* a pronoun as the speaker: "we", "I" inside a direct quote are the quoted speaker, outside one the
  subject of the verb of saying they depend on; "Farc said it will ..." the subject of the verb of
  saying; an earlier person ("he", "she") or group ("it", "they"): the subject of this or the previous
  sentence where there is one, else the nearest.

Only whole phrases (not the compounds and modifiers inside them) become antecedents, and each later
mention links to the nearest earlier one of its kind, so resolving a document is linear in its length.
A headline is read after the body, so that a surname in it finds the person the lead introduces. The
registry also holds each sentence's speaker (the subject of its speech verb) and the document's focus
country (dateline, else title or headline, else the most mentioned country). Later passes only read
it: ``registry.actor(token)``.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field, replace
from typing import ClassVar

from spacy.tokens import Span, Token

from eventwatch.coding.actors import (
    INTERNATIONAL,
    PAIR_OF_PARTIES,
    ActorKB,
    Mention,
    PhraseResolver,
    phrase_span,
    phrase_tokens,
    unresolved,
    with_country,
)
from eventwatch.coding.grammar import (
    COORDINATION_DEPS,
    DEFINITE_DETERMINERS,
    ENTITY_IOB_INSIDE,
    GOVERNED_CLAUSE_DEPS,
    GROUP_PRONOUNS,
    INNER_NAME_DEPS,
    NEVER_ACTOR_POS,
    NOMINAL_POS,
    NOMINAL_SUBJECT_DEPS,
    PERSON_PRONOUNS,
    PLURAL_PRONOUNS,
    PLURAL_TAGS,
    SPEAKER_PRONOUNS,
    SPEAKER_SUBJECT_PRONOUNS,
)
from eventwatch.coding.knowledge import Knowledge
from eventwatch.coding.layout import Layout
from eventwatch.coding.places import Gazetteer, PlaceWords, dateline_location, own_place
from eventwatch.coding.predicates import with_conjuncts
from eventwatch.coding.state import DocumentState
from eventwatch.records import Actor

KNOWN_PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS | SPEAKER_PRONOUNS
_INFERRED = ("+", "coref:")  # entries of actors not named by their own names ("+in:IRQ", "coref:he->...")
_KEPT = 4  # antecedents kept per kind: enough to pass over the one a pronoun cannot stand for
_DESCRIBED_KEPT = 40  # earlier parties a definite description ("the minister", "the group") may stand for
_SECTOR_LINK_SENTENCES = 3  # "the government" stands for the government named in the last sentences only
_PRONOUN_GENDERS = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female", "hers": "female"}
_OWNER_PREPS = frozenset({"from", "of", "at", "with"})  # "inspectors from the OPCW", "staff at the UN"
_ROLE_PREPS = frozenset({"of", "for", "at", "in", "to"})  # "a spokesman for X", "an official at the ministry"
_KB_KIND = re.compile(r"(?:^|->|\+)(leader|org|country|adjective|capital):")
# The kinds of antecedent a pronoun may stand for, in order of preference: "he" a single person, "it" a
# single group or country, "they" people or a group.
_ANTECEDENT_KINDS = {
    "he": ("person (singular)",),
    "it": ("group (singular)",),
    "they": ("plural", "group"),
}


def _pronoun_kind(lower: str) -> str:
    if lower in PERSON_PRONOUNS:
        return "he"
    return "they" if lower in PLURAL_PRONOUNS else "it"


@dataclass(frozen=True, slots=True)
class Resolution:
    """How one mention resolved: the actor, and the path (``how``) that led to it."""

    actor: Actor
    how: str  # "knowledge base", "surname", "speaker", "reported speaker", "earlier person", "earlier group"
    link: int | None = None  # character offset of the earlier mention it stands for


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who speaks in a sentence: the subjects of its first speech verb, and that verb."""

    actors: tuple[Actor, ...] = ()
    verb: Token | None = None


@dataclass(frozen=True, slots=True)
class Focus:
    """The country a document is about, for parties it names only by their kind ("the army")."""

    country: str | None
    how: str  # "dateline", "title", "headline", "most mentioned", or "" when none


@dataclass(slots=True)
class Registry:
    resolutions: dict[int, Resolution]  # by the token index of the mention's head
    speakers: list[Speaker]  # one per sentence
    focus: Focus
    antecedents: list[int] = field(default_factory=list)  # heads of whole phrases, in reading order

    def actor(self, token: Token) -> Actor | None:
        found = self.resolutions.get(token.i)
        return found.actor if found is not None else None

    def resolution(self, token: Token) -> Resolution | None:
        return self.resolutions.get(token.i)


class RegistryPass:
    name: ClassVar[str] = "registry"
    reads: ClassVar[tuple[str, ...]] = ("doc", "sentences", "layout", "day")
    writes: ClassVar[tuple[str, ...]] = ("registry",)

    def __init__(self, knowledge: Knowledge):
        self.matcher = knowledge.matcher
        self.speech_verbs = knowledge.modality.speech_verbs
        self.gazetteer = knowledge.gazetteer
        self.place_words = knowledge.places
        self.kb = knowledge.actors

    def __call__(self, state: DocumentState) -> DocumentState:
        assert state.doc is not None and state.sentences is not None and state.layout is not None
        mentions = self.matcher.mentions(state.doc)
        resolver = PhraseResolver(state.doc, mentions, state.day, self.kb.non_actors)
        layout = state.layout
        focus = self._focus(layout, resolver, state)
        quotes = _QuoteSpeakers(layout.quotes.spans, state.sentences, self.speech_verbs)
        places = _OwnPlaces(self.gazetteer, self.place_words)
        reading = _Reading(resolver, self.kb, self.speech_verbs, focus.country, quotes, places)
        speakers = [Speaker()] * len(state.sentences)
        # the dateline is context, not text: its words stand for no one later in the document; a headline
        # is read last, so that its surnames find the people the body introduces
        for i in _reading_order(state.sentences, layout):
            speakers[i] = reading.sentence(i, state.sentences[i])
        state.registry = Registry(reading.found, speakers, focus, reading.antecedents)
        if focus.country:
            state.note(self.name, f"focus country {focus.country}", f"from the {focus.how}")
        return state

    def _focus(self, layout: Layout, resolver: PhraseResolver, state: DocumentState) -> Focus:
        if layout.dateline is not None:
            place = dateline_location(layout.dateline.city, layout.dateline.area, self.gazetteer)
            if place is not None and place.country:
                return Focus(place.country, "dateline")
        if layout.title:
            country = _first_country(self.matcher.mentions_in_text(layout.title), state.day)
            if country:
                return Focus(country, "title")
        doc = state.doc
        assert doc is not None
        if layout.headline is not None:
            start, end = layout.headline
            in_headline = [m for m in resolver.mentions if start <= doc[m.start].idx < end]
            country = _first_country(in_headline, state.day)
            if country:
                return Focus(country, "headline")
        # every country named, by any of its names, outside the dateline
        named = (
            mention_country(m, state.day)
            for m in resolver.mentions
            if not layout.in_dateline(doc[m.start].idx, doc[m.start].idx)
        )
        counts = Counter(c for c in named if c).most_common(2)
        if counts and counts[0][1] >= 2 and (len(counts) == 1 or counts[0][1] > counts[1][1]):
            return Focus(counts[0][0], "most mentioned")
        return Focus(None, "")


def _reading_order(sentences, layout: Layout) -> list[int]:
    """The sentences to read, body first and the headline last; the dateline is not read."""
    body, headline = [], []
    for i, sentence in enumerate(sentences):
        if layout.in_dateline(sentence.start_char, sentence.end_char):
            continue
        start, end = layout.headline or (-1, -1)
        (headline if start <= sentence.start_char < end else body).append(i)
    return body + headline


def mention_country(mention: Mention, day) -> str | None:
    """The country a knowledge-base name belongs to (a leader's only while in office), or None."""
    for entry in mention.entries:
        if entry.country and (entry.kind != "leader" or entry.valid_on(day)):
            return entry.country
    return None


def _first_country(mentions, day=None) -> str | None:
    for mention in sorted(mentions, key=lambda m: m.start):
        country = mention_country(mention, day)
        if country:
            return country
    return None


class _QuoteSpeakers:
    """Who speaks each direct quote: the subject of a verb of saying outside the quote, in a sentence the
    quote lies in ("“We will respond,” the minister said"; "X said: “...”"; a quote over several sentences
    and its attribution in the last)."""

    def __init__(self, spans: tuple[tuple[int, int], ...], sentences, speech_verbs: frozenset[str]):
        self.spans = spans
        self.starts = [s for s, _ in spans]
        self.sentences = sentences
        self.speech_verbs = speech_verbs
        self.found: dict[int, Token | None] = {}

    def quote_of(self, offset: int) -> int | None:
        """The index of the quote holding the character offset, or None."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and self.spans[i][0] <= offset < self.spans[i][1]:
            return i
        return None

    def speaker(self, quote: int) -> Token | None:
        if quote not in self.found:
            self.found[quote] = self._speaker(*self.spans[quote])
        return self.found[quote]

    def _speaker(self, start: int, end: int) -> Token | None:
        doc = self.sentences[0].doc
        first = self.sentences.index_of(_token_at(doc, start))
        last = self.sentences.index_of(_token_at(doc, max(start, end - 1)))
        for sentence in self.sentences[first : last + 1]:
            for token in sentence:
                if token.pos_ != "VERB" or token.lemma_.lower() not in self.speech_verbs:
                    continue
                if start <= token.idx < end:
                    continue  # a verb of saying inside the quote is the speaker's own wording
                subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
                if subject is not None and not start <= subject.idx < end:
                    return subject
        return None


def _token_at(doc, offset: int) -> int:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    return span.start if span is not None else 0


class _Reading:
    """One reading of a document, sentence by sentence; what it found so far is what later mentions
    may link to."""

    def __init__(self, resolver: PhraseResolver, kb: ActorKB, speech_verbs: frozenset[str], focus: str | None,
                 quotes: _QuoteSpeakers, places: _OwnPlaces):  # fmt: skip
        self.resolver = resolver
        self.places = places
        self.descriptions = kb.descriptions
        self.kb_genders = kb.genders
        self.genders: dict[int, str] = {}  # a person's gender where its phrase says it, by start offset
        self.speech_verbs = speech_verbs
        self.focus = focus
        self.quotes = quotes
        self.found: dict[int, Resolution] = {}
        self.done: set[int] = set()
        self.antecedents: list[int] = []
        self.phrases: dict[int, list[Token]] = {}  # the phrase tokens of heads already looked at
        self.surnames: dict[str, Actor] = {}
        # the latest antecedent of each kind ("person", "group", "any"), and the latest that was a subject,
        # with the index of its sentence
        self.latest: dict[str, deque[Actor]] = defaultdict(lambda: deque(maxlen=_KEPT))
        self.latest_subject: dict[str, deque[tuple[Actor, int]]] = defaultdict(lambda: deque(maxlen=_KEPT))
        # earlier parties for definite descriptions: (actor, category, titles, sentence index)
        self.described: deque[tuple[Actor, str, frozenset[str], int]] = deque(maxlen=_DESCRIBED_KEPT)
        self.titles: dict[int, frozenset[str]] = {}  # titles of a person, by the start of its first mention
        self.speaker: Actor | None = None
        self.speaker_verb: Token | None = None
        self.sentence_index = 0
        self.elsewhere = False  # the sentence names a country other than the focus

    def sentence(self, index: int, sentence: Span) -> Speaker:
        self.sentence_index = index
        self.speaker, self.speaker_verb = None, None
        named = {mention_country(m, self.resolver.day) for m in self.resolver.within(sentence.start, sentence.end)}
        self.elsewhere = bool(named - {None, self.focus})
        speaker = self._speaker(sentence)
        self.speaker = speaker.actors[0] if speaker.actors else None
        self.speaker_verb = speaker.verb
        covering, surnames = self.resolver.covering, self.surnames
        for token in sentence:
            pos = token.pos_
            names_no_one = pos != "PRON" and token.i not in covering and token.text not in surnames
            if pos in NEVER_ACTOR_POS or names_no_one and not self._may_describe(token):
                continue  # names no one: no name in its phrase, no earlier surname, no pronoun, no description
            found = self.resolve(token)
            if found is not None and token.pos_ != "PRON" and token.dep_ not in INNER_NAME_DEPS:
                self._remember(token, found.actor)
        return speaker

    def resolve(self, token: Token) -> Resolution | None:
        if token.i not in self.done:
            self.done.add(token.i)
            found = self._pronoun(token) if token.pos_ == "PRON" else self._phrase(token)
            if found is not None:
                self.found[token.i] = found
        return self.found.get(token.i)

    def _phrase(self, head: Token) -> Resolution | None:
        resolver = self.resolver
        actor, how, link = None, "knowledge base", None
        tokens = self.phrases.get(head.i)
        counted = resolver.non_actors.counted(head)
        if counted is not None:
            found = self.resolve(counted)  # "dozens of schoolgirls": the schoolgirls
            if found is not None:
                return found
        if resolver.may_name(head):
            tokens = self.phrases[head.i] = phrase_tokens(head)
            actor = resolver.named(head, {t.i for t in tokens}, head.doc[tokens[0].i : tokens[-1].i + 1])
        if actor is None and head.text in self.surnames:
            known = self.surnames[head.text]
            span = phrase_span(head)
            actor = Actor(span.text, known.code, known.country, known.sector, known.name, span.start_char,
                          span.end_char, "coref:" + head.text)  # fmt: skip
            how, link = f"surname of {known.text!r}", known.start
            self.titles[span.start_char] = self.titles.get(known.start, frozenset())
        relation = resolver.relation_at(head)
        if actor is None and relation is not None and relation.relation == "of":
            actor = self._of_owner(head)  # "its members", "the group's commanders"
            how = "its possessor" if actor is not None else how
        if relation is not None and relation.relation == "counterpart":
            actor = self._counterpart(head, actor)
        if actor is None or not actor.code:
            role = self._apposition_role(head)
            if role is not None:
                span = head.doc[min(t.i for t in tokens or [head]) : max(t.i for t in tokens or [head]) + 1]
                actor = replace(role, text=span.text, start=span.start_char, end=span.end_char,
                                entry=f"{role.entry or ''}+apposition")  # fmt: skip
                how = f"its role {role.text!r}"
        if actor is None or _countryless(actor):
            described = self._described(head, actor)
            if described is not None:
                actor, how, link = described
        if actor is not None and _countryless(actor):
            actor = resolver.with_home_country(head, actor)
        if actor is not None and _countryless(actor):
            actor = self._with_owner_country(head, actor)
        if actor is not None and _countryless(actor):
            actor = self.places.with_own_place(head, actor)
        if actor is not None and _countryless(actor) and _names_a_pair(head) and resolver.person_mention(head):
            return self._pair(head, actor)
        domestic = actor is not None and actor.sector and not actor.sector.startswith(INTERNATIONAL)
        if domestic and _countryless(actor) and self.focus and not self.elsewhere:
            actor = with_country(actor, self.focus, "focus")  # "the army" in an article about one country
            how = "the document's focus country"
        return Resolution(actor, how, link) if actor is not None else None

    def _pair(self, head: Token, actor: Actor) -> Resolution:
        """'the two men', 'both leaders': the two persons named last. Where they are of one country the
        pair is of it; else the pair names no single party (never the focus country's: a third party)."""
        earlier: list[Actor] = []
        for person in reversed(self.latest.get("person", ())):
            kind = _KB_KIND.search(person.entry or "")
            if kind is not None and kind.group(1) in ("country", "capital"):
                continue  # the parser takes a capital for a person now and then ("Kyiv")
            if all(person.start != e.start for e in earlier):
                earlier.append(person)
        countries = {e.country or e.code for e in earlier[:2]}
        if len(earlier) >= 2 and len(countries) == 1 and None not in countries:
            first, second = earlier[1], earlier[0]
            same = first.code == second.code
            linked = replace(actor, code=first.code if same else first.country, country=first.country,
                             sector=first.sector if same else None,
                             entry=f"coref:{head.text}->{first.text}+{second.text}")  # fmt: skip
            return Resolution(linked, f"the two persons {first.text!r} and {second.text!r}", first.start)
        pair = replace(actor, sector=None, entry=PAIR_OF_PARTIES)
        return Resolution(pair, "two earlier parties, not of one country")

    def _apposition_role(self, head: Token) -> Actor | None:
        """'Awa Keita, the foreign minister of Mali' is Mali's government; 'Omar Said, a spokesman for the
        SDF' speaks for the SDF: a person's party from the role an apposition gives it."""
        for role in (c for c in head.children if c.dep_ == "appos"):
            found = self.resolve(role)
            if found is not None and found.actor.code:
                return found.actor
            for prep in (c for c in role.children if c.dep_ == "prep" and c.lower_ in _ROLE_PREPS):
                party = next((self.resolve(o) for o in prep.children if o.dep_ == "pobj"), None)
                if party is None or not party.actor.code:
                    continue
                if party.actor.sector or found is None or not found.actor.sector:
                    return party.actor  # "a spokesman for the SDF" is the SDF
                # "an official in Mali": the role's sector, the country named
                return with_country(found.actor, party.actor.country or party.actor.code, "role")
        return None

    def _may_describe(self, token: Token) -> bool:
        """'the group', 'the country': a definite description the registry may link to an earlier party."""
        return token.lower_ in self.descriptions and _definite(token)

    def _described(self, head: Token, actor: Actor | None) -> tuple[Actor, str, int] | None:
        """A definite description as the earlier party it stands for: "the minister" (an earlier person
        with that title), "the government" (an earlier party of that sector, in the last sentences), "the
        group" / "the country" (``descriptions.tsv``: the nearest earlier party of that kind)."""
        if not _definite(head):
            return None
        description = self.descriptions.get(head.lower_)
        title = self.resolver.title_at(head) if description is None else None
        sector = actor.sector if actor is not None and description is None and head.tag_ not in PLURAL_TAGS else None
        if description is None and title is None and sector is None:
            return None
        for earlier, category, titles, sentence in reversed(self.described):
            if description is not None:
                fits = description.fits(earlier, category)
            elif title is not None:
                fits = category == "person" and title in titles
            else:
                fits = earlier.sector == sector and self.sentence_index - sentence <= _SECTOR_LINK_SENTENCES
            if fits and earlier.code:
                span = phrase_span(head)
                linked = replace(earlier, text=span.text, start=span.start_char, end=span.end_char,
                                 entry=f"coref:{head.text}->{earlier.entry or earlier.text}")  # fmt: skip
                return linked, f"the earlier {category} {earlier.text!r}", earlier.start
        return None

    def _of_owner(self, head: Token) -> Actor | None:
        """'its members', 'the group's commanders', 'inspectors from the OPCW', 'staff at the UN': a party
        noun of the party that possesses it or that a preposition names."""
        owner = next((c for c in head.children if c.dep_ == "poss"), None)
        if owner is None:
            preps = (c for c in head.children if c.dep_ == "prep" and c.lower_ in _OWNER_PREPS)
            owner = next((o for prep in preps for o in prep.children if o.dep_ == "pobj"), None)
        found = self.resolve(owner) if owner is not None else None
        if found is None or not found.actor.code:
            return None
        span = phrase_span(head)
        return replace(found.actor, text=span.text, start=span.start_char, end=span.end_char,
                       entry=f"{found.actor.entry or ''}+of:{found.actor.code}")  # fmt: skip

    def _counterpart(self, head: Token, actor: Actor | None) -> Actor | None:
        """'her counterpart from Peru', 'his Peruvian counterpart': the country named in the phrase, the
        office (sector) of the one whose counterpart it is: the possessor, else the clause's subject."""
        if actor is None:
            span = phrase_span(head)
            actor = self.resolver.with_home_country(head, Actor(span.text, None, None, None, None, span.start_char,
                                                                span.end_char, "relation:counterpart"))  # fmt: skip
        if not actor.country:
            return None
        owner = next((c for c in head.children if c.dep_ == "poss"), None)
        if owner is None:
            verb = head.head.head if head.dep_ == "pobj" else head.head
            owner = next((c for c in verb.children if c.dep_ in NOMINAL_SUBJECT_DEPS), None)
        found = self.resolve(owner) if owner is not None and owner.i != head.i else None
        sector = found.actor.sector if found is not None else None
        if not sector or sector.startswith(INTERNATIONAL):
            return replace(actor, code=actor.country, sector=None)
        return replace(actor, code=actor.country + sector, sector=sector, entry=f"{actor.entry}+counterpart:{sector}")

    def _with_owner_country(self, head: Token, actor: Actor) -> Actor:
        """'their forces', 'its army': a possessive pronoun gives the country of the one it stands for."""
        owner = next((c for c in head.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
        found = self.resolve(owner) if owner is not None else None
        if found is None or not found.actor.country:
            return actor
        return with_country(actor, found.actor.country, "of")

    def _pronoun(self, head: Token) -> Resolution | None:
        """A pronoun as the actor it stands for. Its text and offsets are the antecedent's, where the actor
        is named: "it" in "The ELN said it will release ..." is shown as "The ELN"."""
        lower = head.lower_
        if lower not in KNOWN_PRONOUNS:
            return None
        found, how = None, ""
        if lower in SPEAKER_PRONOUNS:
            # "we", "I" stand for the one who speaks: inside a quote its speaker, else the speaker of the
            # sentence when they are part of what is said; otherwise they stay unresolved
            found, how = self._first_person(head)
            if found is None:
                return None
        if found is None:
            found, how = self._reported_self(head), "subject of the verb of saying"
        if found is None:
            not_these = self._clause_subjects(head) | self._other_gender(lower)
            found, how = self._antecedent(_ANTECEDENT_KINDS[_pronoun_kind(lower)], not_these)
        if found is None:
            return None
        entry = found.entry or ""
        linked = entry if entry.startswith("coref:") else f"coref:{head.text}->{entry or found.text}"
        return Resolution(replace(found, entry=linked), how, found.start)

    def _first_person(self, pronoun: Token) -> tuple[Actor | None, str]:
        quote = self.quotes.quote_of(pronoun.idx)
        if quote is not None:
            subject = self.quotes.speaker(quote)
            if subject is None or subject.pos_ == "PRON" and subject.lower_ in SPEAKER_PRONOUNS:
                return None, ""
            found = self.resolve(subject)
            actor = found.actor if found is not None else (unresolved(subject) if subject.pos_ in NOMINAL_POS else None)
            return actor, "speaker of the quote"
        verb = self.speaker_verb
        if self.speaker is not None and verb is not None and verb.is_ancestor(pronoun):
            subjects = [c for c in verb.children if c.dep_ == "nsubj"]
            if not any(pronoun.i == c.i or c.is_ancestor(pronoun) for c in subjects):
                return self.speaker, "speaker of the sentence"
        return None, ""

    def _antecedent(self, kinds: tuple[str, ...], not_these: set[int]) -> tuple[Actor | None, str]:
        """The subject of this or the previous sentence, else the nearest earlier actor, of the kinds in order
        ("they" may be people or a group; "it" only a group). ``not_these``: start offsets of actors the
        pronoun cannot stand for (the subject of its own clause: "Putin met him")."""
        for kind in kinds:
            for actor, sentence in reversed(self.latest_subject.get(kind, ())):
                if sentence >= self.sentence_index - 1 and actor.start not in not_these:
                    return actor, f"subject nearby ({kind})"
        for kind in reversed(kinds):
            for actor in reversed(self.latest.get(kind, ())):
                if actor.start not in not_these:
                    return actor, f"nearest earlier {kind}"
        return None, ""

    def _other_gender(self, pronoun: str) -> set[int]:
        """Start offsets of earlier persons a gendered pronoun cannot stand for ("she" and "her husband")."""
        gender = _PRONOUN_GENDERS.get(pronoun)
        return {start for start, g in self.genders.items() if gender and g != gender}

    def _clause_subjects(self, pronoun: Token) -> set[int]:
        """An object pronoun does not stand for the subject of its own verb ("Putin met him")."""
        if pronoun.dep_ in NOMINAL_SUBJECT_DEPS or pronoun.dep_ == "poss":
            return set()
        verb = pronoun.head.head if pronoun.dep_ == "pobj" else pronoun.head
        found = (self.found.get(c.i) for c in verb.children if c.dep_ in NOMINAL_SUBJECT_DEPS)
        return {f.actor.start for f in found if f is not None}

    def _reported_self(self, pronoun: Token) -> Actor | None:
        """'Farc said it will release ...', 'the rebels say they will ...': the subject of the verb of saying
        (or intending) that governs the pronoun's clause."""
        if pronoun.dep_ not in NOMINAL_SUBJECT_DEPS or pronoun.lower_ not in PERSON_PRONOUNS | GROUP_PRONOUNS:
            return None
        clause = pronoun.head
        for _ in range(2):
            if clause.dep_ not in GOVERNED_CLAUSE_DEPS or clause.head.i == clause.i:
                return None
            clause = clause.head
            subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
            if subject is not None and subject.pos_ != "PRON":
                found = self.resolve(subject)
                return found.actor if found is not None else unresolved(subject)
        return None

    def _speaker(self, sentence: Span) -> Speaker:
        """Who is reported as speaking in this sentence (the subjects of its speech verb), and that verb."""
        for token in sentence:
            if token.pos_ != "VERB" or token.lemma_.lower() not in self.speech_verbs:
                continue
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            if subject is None or subject.pos_ == "PRON" and subject.lower_ not in SPEAKER_SUBJECT_PRONOUNS:
                continue
            found = []
            for head in with_conjuncts(subject):
                resolution = self.resolve(head)
                actor = resolution.actor if resolution is not None else None
                if actor is None and head.pos_ in NOMINAL_POS:
                    actor = unresolved(head)
                if actor is not None and actor.sector != "MED":  # "the AP reports" reports, not acts
                    found.append(actor)
            if found:
                return Speaker(tuple(found), token)
        return Speaker()

    def _remember(self, head: Token, actor: Actor) -> None:
        """A whole phrase that resolved: later pronouns, surnames and descriptions may stand for it."""
        self.antecedents.append(head.i)
        # the parser takes many a group for a person ("Boko Haram"); the knowledge base knows better
        is_person = (
            head.ent_type_ == "PERSON" and not (actor.entry or "").startswith("org:")
            or self.resolver.person_mention(head)
            or "leader:" in (actor.entry or "")
        )
        kind = "person" if is_person else "group"
        kinds = [kind, "plural" if head.tag_ in PLURAL_TAGS else kind + " (singular)"]
        linked = head.dep_ in COORDINATION_DEPS and head.head.dep_ in NOMINAL_SUBJECT_DEPS
        subject = head.dep_ in NOMINAL_SUBJECT_DEPS or linked
        for kind in kinds:
            self.latest[kind].append(actor)
            if subject:
                self.latest_subject[kind].append((actor, self.sentence_index))
        tokens = self.phrases.get(head.i) or phrase_tokens(head)
        if is_person:
            gender = next((self.kb_genders[t.lower_] for t in (head, *tokens) if t.lower_ in self.kb_genders), None)
            if gender:
                self.genders[actor.start] = gender
            titles = self.titles.get(actor.start) or self.resolver.titles_in(tokens)
            self.titles.setdefault(actor.start, titles)
            self.described.append((actor, "person", titles, self.sentence_index))
        else:
            self.described.append((actor, _category(actor), frozenset(), self.sentence_index))
        doc = head.doc
        for token in tokens:
            last_of_name = token.i + 1 >= len(doc) or doc[token.i + 1].ent_iob_ != "I"
            if token.ent_type_ == "PERSON" and token.ent_iob_ in ENTITY_IOB_INSIDE and last_of_name:
                self.surnames[token.text] = actor  # "Zarif" later in the story is the same person


class _OwnPlaces:
    """Countries of the places the gazetteer knows, for a party's own phrase."""

    def __init__(self, gazetteer: Gazetteer, words: PlaceWords):
        self.gazetteer = gazetteer
        self.words = words

    def with_own_place(self, head: Token, actor: Actor) -> Actor:
        """'police in Melbourne', 'Leeds-based parents', 'the parents, who live in Leeds': the country of
        the place the party's own phrase names (a city or region too, not only a country)."""
        place = own_place(head, self.gazetteer, self.words)
        return with_country(actor, place.country, "in") if place is not None and place.country else actor


def _category(actor: Actor) -> str:
    """What a party that is no person is, for definite descriptions: a country or an organisation."""
    kind = _KB_KIND.search(actor.entry or "")
    if kind is not None and kind.group(1) in ("country", "adjective") and not actor.sector:
        return "country"
    return "organisation"


def _countryless(actor: Actor) -> bool:
    """A party named only by its kind ("the army"), whose country is still to be found."""
    return actor.country is None and actor.code is None and not (actor.entry or "").startswith("relation:")


def _names_a_pair(head: Token) -> bool:
    """'the two men', 'both leaders', 'the pair': a plural that stands for two parties named before
    ("two men were arrested" introduces new ones; the registry asks this of person words only: "the
    two main rebel factions" are groups)."""
    if head.lower_ in _PAIR_NOUNS:
        return _definite(head)
    if head.tag_ not in PLURAL_TAGS:
        return False
    words = {c.lower_ for c in head.children if c.dep_ in ("nummod", "det", "predet", "preconj")}
    return "both" in words or "two" in words and _definite(head)


_PAIR_NOUNS = frozenset({"pair", "duo"})


def _definite(token: Token) -> bool:
    """'the group', 'this organisation': a noun with a definite determiner."""
    return any(c.dep_ == "det" and c.lower_ in DEFINITE_DETERMINERS for c in token.children)
