"""The event lexicon: loads ``data/lexicon/*.yaml`` and matches predicates to CAMEO codes.

The format is documented in ``data/lexicon/README.md``. Loading validates every entry (unknown keys,
unknown CAMEO codes) and reports the file and entry, so a typo in a data file is a clear message, not a
silent miss.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Token

from eventwatch.coding.frames import FRAMES, frames_of
from eventwatch.coding.grammar import CLAUSE_DEPS, COMPLEMENT_WORD_DEPS, OBJECT_DEPS
from eventwatch.coding.ontology import Ontology
from eventwatch.coding.predicates import Predicate
from eventwatch.coding.violence import ViolenceWords, load_violence_words

ENTRY_KEYS = {
    "lemma", "pos", "particle", "prep", "code", "target", "source", "confidence", "patterns", "not_when", "note",
}  # fmt: skip
PATTERN_KEYS = {
    "object", "complement", "purpose", "prep_object", "subject", "adjective", "frame", "prep", "governor", "determiner",
    "code", "target", "source", "confidence", "note",
}  # fmt: skip
DEFAULT_CONFIDENCE = 0.6
# An entry whose own confidence is below this fires only through its patterns ("put" alone is no event;
# "put troops on alert" is). Entries may also leave out ``code`` and list only patterns.
MIN_DEFAULT_CONFIDENCE = 0.1
# pattern slots that hold words
WORD_SLOTS = ("object", "complement", "purpose", "subject", "adjective", "frame", "prep", "governor", "determiner")
WORD_KEYS = ("prep", "particle")  # entry keys whose value is one word
PARTS_OF_SPEECH = ("verb", "noun")
SPECIAL_FILES = {
    "support_verbs.yaml", "refusals.yaml", "intents.yaml", "threats.yaml", "requests.yaml", "accusations.yaml",
    "violence.yaml",
}  # fmt: skip


class LexiconError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Pattern:
    code: str
    object: frozenset[str] = frozenset()
    complement: frozenset[str] = frozenset()
    purpose: frozenset[str] = frozenset()  # the verb of a "to" purpose clause: "travelled to Raqqa to join Isis"
    prep_object: tuple[tuple[str, frozenset[str]], ...] = ()
    subject: frozenset[str] = frozenset()
    adjective: frozenset[str] = frozenset()
    frame: frozenset[str] = frozenset()  # names in frames.FRAMES: "naming", "that_clause", ...
    prep: frozenset[str] = frozenset()  # prepositions the trigger governs, whatever their object
    governor: frozenset[str] = frozenset()  # an event noun's verb: "refused comment"
    determiner: frozenset[str] = frozenset()  # an event noun's determiner: "no comment"
    target: str | None = None
    source: str | None = None
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    lemma: str
    pos: str
    code: str | None  # None: the entry fires only through its patterns
    rule: str  # "<file>:<lemma>[ <particle>][ <prep>]" — names the data that fired
    particle: str | None = None
    prep: str | None = None
    target: str | None = None
    source: str | None = None  # a preposition whose object acted: "received weapons from X" (X gave)
    confidence: float = DEFAULT_CONFIDENCE
    patterns: tuple[Pattern, ...] = ()
    not_when: tuple[Pattern, ...] = ()  # conditions under which the word is not this event ("asked not to be named")


@dataclass(frozen=True, slots=True)
class Match:
    code: str
    rule: str
    confidence: float
    target: str | None
    pattern_matched: bool
    source: str | None = None


@dataclass(slots=True)
class Lexicon:
    entries: dict[tuple[str, str], list[Entry]] = field(default_factory=dict)
    support_verbs: frozenset[tuple[str, str | None]] = frozenset()
    refusals: dict[str, str] = field(default_factory=dict)
    intents: dict[str, str] = field(default_factory=dict)
    threats: dict[str, str] = field(default_factory=dict)
    requests: dict[str, str] = field(default_factory=dict)  # modal -> code: "must" -> 100
    accusations: dict[str, str] = field(default_factory=dict)
    accusing_verbs: frozenset[str] = frozenset()
    violence: ViolenceWords = field(default_factory=ViolenceWords)  # disasters, accidents, weapons tests

    nouns: frozenset[str] = frozenset()  # lemmas of the event nouns, for finding noun predicates fast
    verbs: frozenset[str] = frozenset()  # lemmas of the event verbs, for headline verbs read as nouns

    def __post_init__(self) -> None:
        self.nouns = frozenset(lemma for lemma, pos in self.entries if pos == "noun")
        self.verbs = frozenset(lemma for lemma, pos in self.entries if pos == "verb")

    @property
    def noun_lemmas(self) -> frozenset[str]:
        return self.nouns

    def __len__(self) -> int:
        return sum(len(v) for v in self.entries.values())

    @classmethod
    def load(cls, directory: str | Path, ontology: Ontology) -> Lexicon:
        """The lexicon in ``directory`` (the bundled one is ``data/lexicon``), checked against ``ontology``."""
        root = Path(directory)
        entries: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for path in sorted(root.glob("*.yaml")):
            if path.name in SPECIAL_FILES:
                continue
            for entry in _load_entries(path, ontology):
                entries[(entry.lemma, entry.pos)].append(entry)
        for (lemma, pos), verb_entries in list(entries.items()):
            if pos != "verb":
                continue
            # "the shelling of Kharkiv", "no easing of sanctions": a verb's -ing noun means what the verb means
            for noun in gerunds(lemma):
                if (noun, "noun") not in entries:
                    entries[(noun, "noun")] = [
                        replace(e, lemma=noun, pos="noun", prep=None) for e in verb_entries if not e.particle
                    ]
        return cls(
            entries=dict(entries),
            support_verbs=_load_support_verbs(root / "support_verbs.yaml"),
            refusals=_load_code_map(root / "refusals.yaml", "refusals", ontology),
            intents=_load_code_map(root / "intents.yaml", "intents", ontology),
            threats=_load_code_map(root / "threats.yaml", "threats", ontology),
            requests=_load_code_map(root / "requests.yaml", "requests", ontology),
            accusations=_load_code_map(root / "accusations.yaml", "accusations", ontology),
            accusing_verbs=_load_words(root / "accusations.yaml", "verbs"),
            violence=load_violence_words(root / "violence.yaml"),
        )

    def is_support_verb(self, verb: Token) -> bool:
        particle = next((c.lemma_.lower() for c in verb.children if c.dep_ == "prt"), None)
        return (verb.lemma_.lower(), particle) in self.support_verbs or (
            verb.lemma_.lower(),
            None,
        ) in self.support_verbs

    def match(self, pred: Predicate) -> Match | None:
        """The best entry for this predicate: required particle/preposition first, then the first pattern."""
        candidates = self.entries.get((pred.lemma, pred.pos))
        if not candidates:
            return None
        best: tuple[int, Match] | None = None
        arguments = ArgumentWords(pred)
        for entry in candidates:
            if entry.particle and entry.particle != pred.particle:
                continue
            if entry.prep and not pred.prep_objects(entry.prep):
                continue
            if any(pattern_matches(veto, arguments) for veto in entry.not_when):
                continue
            rank = 2 * bool(entry.particle) + bool(entry.prep)
            confidence = entry.confidence
            if pred.particle and not entry.particle:
                confidence *= 0.7  # "call off" is not "call": an unlisted particle weakens the match
            match = None
            if entry.code and confidence >= MIN_DEFAULT_CONFIDENCE:
                match = Match(entry.code, entry.rule, confidence, entry.target, False, entry.source)
            for pattern in entry.patterns:
                if not pattern_matches(pattern, arguments):
                    continue
                if (pattern.confidence or 1.0) < MIN_DEFAULT_CONFIDENCE:
                    match = None  # a pattern below the floor says "this reading is no event" ("met the deadline")
                    break
                match = Match(
                    pattern.code,
                    f"{entry.rule} [{pattern_label(pattern)}]",
                    pattern.confidence if pattern.confidence is not None else min(0.95, confidence + 0.1),
                    pattern.target or entry.target,
                    True,
                    pattern.source or entry.source,
                )
                rank += 4
                break
            if match is not None and (best is None or rank > best[0]):
                best = (rank, match)
        return best[1] if best else None

    def why_no_match(self, pred: Predicate) -> str:
        """Why ``match`` found nothing for this predicate, in words (for the trail and ``explain``)."""
        candidates = self.entries.get((pred.lemma, pred.pos))
        if not candidates:
            return f"the lexicon has no {pred.pos} entry for '{pred.lemma}'"
        arguments = ArgumentWords(pred)
        vetoes = [pattern_label(v) for e in candidates for v in e.not_when if pattern_matches(v, arguments)]
        if vetoes:
            return f"'{pred.lemma}' here is not an event of its entries (not_when {'; '.join(vetoes)})"
        needs = sorted({f"particle '{e.particle}'" for e in candidates if e.particle}
                       | {f"preposition '{e.prep}'" for e in candidates if e.prep})  # fmt: skip
        if needs and all(e.particle or e.prep or not e.code for e in candidates):
            return f"the entries for '{pred.lemma}' need {' or '.join(needs)} or a pattern"
        return f"no pattern of the entries for '{pred.lemma}' fits its arguments here"


def phrase_lemmas(tokens: list[Token], depth: int = 3) -> set[str]:
    """Lemmas of the phrases headed by these tokens: the head, its modifiers and their prepositional
    objects ("shipments of military assistance"), but not clauses or coordinated phrases hanging from
    them ("dissidents who fled the military junta" does not make the dissidents military)."""
    lemmas: set[str] = set()
    level = list(tokens)
    for _ in range(depth):
        following = []
        for token in level:
            lemmas.add(token.lemma_.lower())
            lemmas.add(token.lower_)
            following += [c for c in token.children if c.dep_ not in CLAUSE_DEPS]
        level = following
    for token in level:
        lemmas.add(token.lemma_.lower())
        lemmas.add(token.lower_)
    return lemmas


class ArgumentWords:
    """The lemmas in each argument slot of a predicate, computed once and only when a pattern asks."""

    def __init__(self, pred: Predicate):
        self.pred = pred
        self._preps: dict[str, set[str]] = {}

    @cached_property
    def objects(self) -> set[str]:
        pred = self.pred
        # An event noun's object is its "of" phrase: "the release of prisoners", "the shelling of Kharkiv".
        return phrase_lemmas(pred.objects if pred.pos == "verb" else pred.objects + pred.preps.get("of", []))

    @cached_property
    def subjects(self) -> set[str]:
        return phrase_lemmas(self.pred.subjects)

    @cached_property
    def complements(self) -> set[str]:
        return _complement_lemmas(self.pred)

    @cached_property
    def purposes(self) -> set[str]:
        return {
            c.lemma_.lower()
            for c in self.pred.trigger.children
            if c.dep_ == "advcl" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        }

    @cached_property
    def frames(self) -> frozenset[str]:
        return frames_of(self.pred)

    def prep(self, prep: str) -> set[str]:
        if prep not in self._preps:
            self._preps[prep] = phrase_lemmas(self.pred.preps.get(prep, []))
        return self._preps[prep]


def pattern_matches(pattern: Pattern, arguments: ArgumentWords) -> bool:
    if pattern.object and not pattern.object & arguments.objects:
        return False
    if pattern.subject and not pattern.subject & arguments.subjects:
        return False
    if pattern.complement and not pattern.complement & arguments.complements:
        return False
    trigger = arguments.pred.trigger
    if pattern.governor and not (trigger.dep_ in OBJECT_DEPS and trigger.head.lemma_.lower() in pattern.governor):
        return False
    if pattern.determiner and not any(c.dep_ == "det" and c.lower_ in pattern.determiner for c in trigger.children):
        return False
    if pattern.purpose and not pattern.purpose & arguments.purposes:
        return False
    if pattern.adjective and not pattern.adjective & set(arguments.pred.adjectives):
        return False
    if pattern.prep and not any(arguments.pred.prep_objects(prep) for prep in pattern.prep):
        return False
    if pattern.frame and not pattern.frame & arguments.frames:
        return False
    return all(words & arguments.prep(prep) for prep, words in pattern.prep_object)


def _complement_lemmas(pred: Predicate) -> set[str]:
    lemmas = set()
    for comp in pred.complements:
        lemmas.add(comp.lemma_.lower())
        lemmas |= {c.lemma_.lower() for c in comp.children if c.dep_ in COMPLEMENT_WORD_DEPS}
    return lemmas


def pattern_label(pattern: Pattern) -> str:
    parts = []
    for name in WORD_SLOTS:
        words = getattr(pattern, name)
        if words:
            parts.append(f"{name}={'/'.join(sorted(words)[:3])}")
    parts += [f"{prep}={'/'.join(sorted(words)[:3])}" for prep, words in pattern.prep_object]
    return ",".join(parts)


def _words(value: Any, where: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{where}: expected a list of words, got {value!r}")
    return frozenset(v.lower() for v in value)


def _frames(value: Any, where: str) -> frozenset[str]:
    names = _words(value, where)
    unknown = names - FRAMES.keys()
    if unknown:
        raise LexiconError(f"{where}: unknown frame {sorted(unknown)} (known: {', '.join(FRAMES)})")
    return names


def _code(value: Any, ontology: Ontology, where: str) -> str:
    code = str(value).strip() if value is not None else ""
    if code not in ontology:
        raise LexiconError(f"{where}: unknown CAMEO code {value!r}")
    return code


def _load_entries(path: Path, ontology: Ontology) -> list[Entry]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, list):
        raise LexiconError(f"{path}: expected a list of entries")
    entries = []
    for n, raw in enumerate(data, start=1):
        where = f"{path.name} entry {n}"
        if not isinstance(raw, dict) or "lemma" not in raw or ("code" not in raw and not raw.get("patterns")):
            raise LexiconError(f"{where}: an entry needs 'lemma' and a 'code' or 'patterns'")
        unknown = set(raw) - ENTRY_KEYS
        if unknown:
            raise LexiconError(f"{where} ({raw.get('lemma')}): unknown keys {sorted(unknown)}")
        lemma = str(raw["lemma"]).lower().strip()
        for key in WORD_KEYS:
            if key in raw and not isinstance(raw[key], str):
                raise LexiconError(f"{where} ({lemma}): {key} must be a quoted word (YAML reads on/off/no as booleans)")
        pos = raw.get("pos", "verb")
        if pos not in PARTS_OF_SPEECH:
            raise LexiconError(f"{where} ({lemma}): pos must be verb or noun")
        rule = f"{path.stem}:{lemma}" + (f" {raw['particle']}" if raw.get("particle") else "")
        rule += f" {raw['prep']}" if raw.get("prep") else ""
        patterns = tuple(_pattern(p, ontology, f"{where} ({lemma}) pattern") for p in raw.get("patterns") or [])
        not_when = tuple(
            _pattern(p, ontology, f"{where} ({lemma}) not_when", needs_code=False) for p in raw.get("not_when") or []
        )
        entries.append(
            Entry(
                lemma=lemma,
                pos=pos,
                code=_code(raw["code"], ontology, f"{where} ({lemma})") if "code" in raw else None,
                rule=rule,
                particle=str(raw["particle"]).lower() if raw.get("particle") else None,
                prep=str(raw["prep"]).lower() if raw.get("prep") else None,
                target=raw.get("target"),
                source=raw.get("source"),
                confidence=float(raw.get("confidence", DEFAULT_CONFIDENCE)),
                patterns=patterns,
                not_when=not_when,
            )
        )
    return entries


def _pattern(raw: Any, ontology: Ontology, where: str, needs_code: bool = True) -> Pattern:
    """A pattern; a ``not_when`` condition (``needs_code`` false) has the same slots and no code."""
    if not isinstance(raw, dict) or (needs_code and "code" not in raw):
        raise LexiconError(f"{where}: a pattern needs a 'code'")
    if not needs_code and set(raw) & {"code", "target", "source", "confidence"}:
        raise LexiconError(f"{where}: a not_when condition has no code, target, source or confidence")
    unknown = set(raw) - PATTERN_KEYS
    if unknown:
        raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
    prep_object = raw.get("prep_object") or {}
    if not isinstance(prep_object, dict):
        raise LexiconError(f"{where}: prep_object must map a preposition to words")
    if any(isinstance(k, bool) for k in prep_object):  # YAML reads a bare on/off/yes/no key as a boolean
        raise LexiconError(f'{where}: quote the preposition in prep_object ({{"on": [...]}}): YAML reads on as true')
    return Pattern(
        code=_code(raw["code"], ontology, where) if needs_code else "",
        object=_words(raw.get("object"), where),
        complement=_words(raw.get("complement"), where),
        purpose=_words(raw.get("purpose"), where),
        governor=_words(raw.get("governor"), where),
        determiner=_words(raw.get("determiner"), where),
        prep_object=tuple((str(k).lower(), _words(v, where)) for k, v in prep_object.items()),
        subject=_words(raw.get("subject"), where),
        adjective=_words(raw.get("adjective"), where),
        frame=_frames(raw.get("frame"), where),
        prep=_words(raw.get("prep"), where),
        target=raw.get("target"),
        source=raw.get("source"),
        confidence=float(raw["confidence"]) if "confidence" in raw else None,
    )


def _load_support_verbs(path: Path) -> frozenset[tuple[str, str | None]]:
    if not path.exists():
        return frozenset()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    verbs = set()
    for item in data:
        words = str(item).lower().split()
        verbs.add((words[0], words[1] if len(words) > 1 else None))
    return frozenset(verbs)


def _load_words(path: Path, key: str) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return frozenset(str(w).lower() for w in data.get(key) or [])


def _load_code_map(path: Path, key: str, ontology: Ontology) -> dict[str, str]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): _code(v, ontology, f"{path.name} {k}") for k, v in (data.get(key) or {}).items()}


def gerunds(verb: str) -> list[str]:
    """-ing nouns of a verb lemma: shell -> shelling, ease -> easing, ban -> banning."""
    if not verb.isalpha() or len(verb) < 3:
        return []
    if verb.endswith("ie"):
        return [verb[:-2] + "ying"]
    if verb.endswith("e") and not verb.endswith("ee"):
        return [verb[:-1] + "ing"]
    forms = [verb + "ing"]
    vowels = "aeiou"
    if len(verb) <= 4 and verb[-1] not in vowels + "wxy" and verb[-2] in vowels and verb[-3] not in vowels:
        forms.append(verb + verb[-1] + "ing")
    return forms


def mapped_code(code_map: dict[str, str], code: str) -> str | None:
    """The code a map (refusals, intents) gives the action ``code``, most specific prefix first."""
    for n in (4, 3, 2):
        if len(code) >= n and code[:n] in code_map:
            return code_map[code[:n]]
    return None
