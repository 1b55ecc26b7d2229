"""Import the PETRARCH2 actor and agent dictionaries into eventwatch's actor tables.

PETRARCH2 (MIT licence) ships actor dictionaries (``*.actors.txt``: a name in capitals with
underscores, ``+`` synonyms, and CAMEO codes with dated roles such as ``[USAGOV 090120-170120]``) and an
agents dictionary (``*.agents.txt``: ``FARMER [~AGR]``, with ``!PERSON!`` macros). ``import_petrarch``
turns them into the tables of ``data/actors`` (see its README) as a layer *below* the curated files:
the output folder holds the curated tables with the imported rows appended, and an imported name the
curated tables already know is left out, so the curated knowledge always wins. Use the folder with
``Coder(actors_dir=...)`` or ``eventwatch code --actors DIR``.

What comes in: people with dated roles (``leaders.tsv``, one row per role), undated named actors that
are not bare countries (``organizations.tsv``), and agent words (``sectors.tsv``). Bare country names
(``KABUL_ [AFG]``: cities and provinces as the country) are not imported: places are no actors here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ACTOR_FILES = "*.actors.txt"
AGENT_FILES = "*.agents.txt"
TABLES = ("countries.tsv", "organizations.tsv", "leaders.tsv", "sectors.tsv")
COLUMNS = {
    "organizations.tsv": ("code", "name", "names", "country", "sector"),
    "leaders.tsv": ("name", "aliases", "country", "sector", "role", "start", "end"),
    "sectors.tsv": ("phrase", "sector", "person"),
}
VALIDATION_FILES = "validate"
ACRONYM_LENGTH = 4  # a one-word name this short stays in capitals
IMPORTED_COMMENT = "# Imported from the PETRARCH2 dictionaries (MIT licence), below the curated rows.\n"
ROLE = re.compile(r"\[([^\]]*)\]")
MACRO = re.compile(r"^!(\w+)!\s*=\s*(.+)$")
TWO_DIGIT_YEAR_PIVOT = 30  # PETRARCH writes YYMMDD: 320101 is 1932, 070723 is 2007
KNOWN_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY", "REB", "OPP", "CVL", "BUS", "MED", "EDU", "REL",
                           "HLH", "INS", "ELI", "LAB", "REF", "CRM", "UAF", "SEP", "ENV", "AGR"})  # fmt: skip
TRANSNATIONAL_SECTORS = {"IGO": "IGO", "NGO": "NGO", "IMG": "REB", "MNC": "BUS"}  # code prefix -> sector column
NAME_PARTICLES = frozenset({"al", "el", "bin", "bint", "ibn", "de", "da", "del", "der", "di", "du", "la", "le", "van",
                            "von", "dos", "das", "y"})  # fmt: skip


class PetrarchError(ValueError):
    """The input folder holds no PETRARCH dictionaries, or the output cannot be written."""


@dataclass(frozen=True, slots=True)
class Role:
    code: str
    start: str = ""  # ISO date, or empty: since always
    end: str = ""  # ISO date, or empty: still


@dataclass(slots=True)
class ActorEntry:
    name: str
    synonyms: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)


@dataclass(slots=True)
class PetrarchImport:
    """What one import brought in: counts per table, and what was left out and why."""

    output: Path
    people: int = 0
    leader_rows: int = 0
    organizations: int = 0
    sector_words: int = 0
    skipped_countries: int = 0  # bare country names (cities, provinces): places are no actors
    skipped_known: int = 0  # names the curated tables already know
    skipped_bad_roles: int = 0  # roles whose dates cannot be read

    def lines(self) -> list[str]:
        return [
            f"people: {self.people} ({self.leader_rows} dated roles) -> leaders.tsv",
            f"named actors: {self.organizations} -> organizations.tsv",
            f"agent words: {self.sector_words} -> sectors.tsv",
            f"left out: {self.skipped_countries} bare country names, {self.skipped_known} names already known, "
            f"{self.skipped_bad_roles} roles with unreadable dates",
            f"written to {self.output}",
        ]


def import_petrarch(source: str | Path, output: str | Path, curated: str | Path | None = None) -> PetrarchImport:
    """Write the actor tables of ``curated`` (default: the bundled ``data/actors``) plus the PETRARCH2
    dictionaries in ``source`` to the folder ``output``; return what came in."""
    from eventwatch.coding.knowledge import package_data

    source, output = Path(source), Path(output)
    curated_dir = Path(curated) if curated else package_data("actors")
    actor_files = _dictionaries(source, ACTOR_FILES)
    agent_files = _dictionaries(source, AGENT_FILES)
    if not source.is_dir() or not (actor_files or agent_files):
        raise PetrarchError(f"{source}: no PETRARCH dictionaries ({ACTOR_FILES}, {AGENT_FILES}) in this folder")
    countries = {row["iso3"].upper() for row in _read_rows(curated_dir / "countries.tsv") if row.get("iso3")}
    known = _known_names(curated_dir)
    summary = PetrarchImport(output)
    rows: dict[str, list[dict[str, str]]] = {table: [] for table in COLUMNS}
    for path in actor_files:
        for entry in parse_actors(path.read_text(encoding="utf-8", errors="replace"), summary):
            _add_actor(entry, countries, known, rows, summary)
    for path in agent_files:
        for phrase, sector in parse_agents(path.read_text(encoding="utf-8", errors="replace")):
            if phrase in known:
                summary.skipped_known += 1
                continue
            known.add(phrase)
            rows["sectors.tsv"].append({"phrase": phrase, "sector": sector, "person": ""})
            summary.sector_words += 1
    _write_tables(curated_dir, output, rows)
    return summary


def _dictionaries(source: Path, pattern: str) -> list[Path]:
    """The dictionaries to import; PETRARCH's own test dictionaries (``PETR.Validate.*``) are no knowledge."""
    return sorted(p for p in source.glob(pattern) if VALIDATION_FILES not in p.name.lower())


def parse_actors(text: str, summary: PetrarchImport | None = None) -> Iterator[ActorEntry]:
    """The entries of one actor dictionary: a name line (with or without codes), ``+`` synonyms, and
    indented role lines."""
    entry: ActorEntry | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if line.startswith("+"):
            if entry is not None:
                entry.synonyms.append(display_name(line[1:]))
        elif line[0].isspace():
            if entry is not None:
                entry.roles += _roles(line, summary)
        else:
            if entry is not None:
                yield entry
            name = line.split("[", 1)[0]
            entry = ActorEntry(display_name(name), roles=_roles(line[len(name) :], summary))
    if entry is not None:
        yield entry


def parse_agents(text: str) -> Iterator[tuple[str, str]]:
    """(phrase, sector) pairs of an agents dictionary, with its ``!MACRO!`` words expanded
    ("CATTLE!PERSON! [~AGR]" -> cattleman, cattlemen, ...)."""
    macros: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        macro = MACRO.match(line)
        if macro:
            macros[macro.group(1)] = [w.strip() for w in macro.group(2).split(",") if w.strip()]
            continue
        found = ROLE.search(line)
        if not found:
            continue
        sector = found.group(1).replace("~", "").strip().upper()[:3]  # "GOVMED": the first sector
        if not sector.isalpha():
            continue
        head, _, plural = line[: found.start()].partition("{")  # "CHAMBER_OF_COMMERCE {CHAMBERS_OF_COMMERCE}"
        for form in (head, plural.split("}", 1)[0]):
            for phrase in _expand(form.strip(), macros):
                yield phrase, sector


def display_name(raw: str) -> str:
    """'ANN_VENEMAN_' -> 'Ann Veneman'; 'ABDULLAH_BIN_ZAYED' -> 'Abdullah bin Zayed'; 'PLA' -> 'PLA'."""
    words = [w for w in raw.strip().strip("_").split("_") if w]
    if len(words) == 1 and len(words[0]) <= ACRONYM_LENGTH:
        return words[0].upper()  # "PLA", "ANSF": an acronym
    return " ".join(
        w.lower() if 0 < i < len(words) - 1 and w.lower() in NAME_PARTICLES else _capitalise(w)
        for i, w in enumerate(words)
    )


def _capitalise(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def _expand(phrase: str, macros: dict[str, list[str]]) -> list[str]:
    """The agent phrase in lower case with spaces, once per macro word."""
    found = re.search(r"!(\w+)!", phrase)
    if not found:
        return [phrase.replace("_", " ").strip().lower()] if phrase.strip("_ ") else []
    words = macros.get(found.group(1), [])
    return [p for w in words for p in _expand(phrase[: found.start()] + w + phrase[found.end() :], macros)]


def _roles(text: str, summary: PetrarchImport | None) -> list[Role]:
    roles = []
    for inside in ROLE.findall(text):
        parts = inside.split()
        if not parts or not parts[0].isalnum():
            continue  # "[---]", "[~GOV]": no actor code
        dates = "".join(parts[1:])
        try:
            roles.append(Role(parts[0].upper(), *_date_range(dates)))
        except ValueError:
            if summary is not None:
                summary.skipped_bad_roles += 1
    return roles


def _date_range(text: str) -> tuple[str, str]:
    """'090120-170120' -> ('2009-01-20', '2017-01-20'); '>050501' -> from; '<050501' -> until."""
    if not text:
        return "", ""
    if text.startswith(">"):
        return _date(text[1:]), ""
    if text.startswith("<"):
        return "", _date(text[1:])
    start, _, end = text.partition("-")
    return _date(start), _date(end)


def _date(text: str) -> str:
    if len(text) == 6 and text.isdigit():  # YYMMDD
        year = int(text[:2])
        century = 2000 if year < TWO_DIGIT_YEAR_PIVOT else 1900
        text = f"{century + year}{text[2:]}"
    if len(text) != 8 or not text.isdigit():
        raise ValueError(text)
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"


def _add_actor(
    entry: ActorEntry,
    countries: set[str],
    known: set[str],
    rows: dict[str, list[dict[str, str]]],
    summary: PetrarchImport,
) -> None:
    if not entry.roles or not entry.name:
        return
    if all(role.code in countries for role in entry.roles):
        summary.skipped_countries += 1
        return
    names = [n for n in dict.fromkeys([entry.name, *entry.synonyms]) if n and n not in known]
    if not names:
        summary.skipped_known += 1
        return
    known.update(names)
    dated = [role for role in entry.roles if role.start or role.end]
    if dated:
        summary.people += 1
        for role in entry.roles:
            country, sector = _split_code(role.code, countries)
            rows["leaders.tsv"].append({
                "name": names[0], "aliases": "|".join(names[1:]), "country": country,
                "sector": sector if country else role.code, "role": "", "start": role.start, "end": role.end,
            })  # fmt: skip
            summary.leader_rows += 1
        return
    code = entry.roles[0].code
    country, sector = _split_code(code, countries)
    rows["organizations.tsv"].append(
        {"code": code, "name": names[0], "names": "|".join(names[1:]), "country": country, "sector": sector}
    )
    summary.organizations += 1


def _split_code(code: str, countries: set[str]) -> tuple[str, str]:
    """'USAGOV' -> ('USA', 'GOV'); 'IGOUNO' -> ('', 'IGO'); 'IMGMUSISI' -> ('', 'REB'); 'PSEHMSMIL' ->
    ('PSE', 'MIL'): the first known sector after the country."""
    if code[:3] in countries:
        parts = [code[i : i + 3] for i in range(3, len(code), 3)]
        return code[:3], next((p for p in parts if p in KNOWN_SECTORS), parts[0] if parts else "")
    return "", TRANSNATIONAL_SECTORS.get(code[:3], "")


def _read_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def _known_names(curated: Path) -> set[str]:
    """Every name, alias and sector phrase of the curated tables."""
    known: set[str] = set()
    columns = {"countries.tsv": ("name", "names", "adjectives", "capital"), "organizations.tsv": ("name", "names"),
               "leaders.tsv": ("name", "aliases"), "sectors.tsv": ("phrase",)}  # fmt: skip
    for table, names in columns.items():
        for row in _read_rows(curated / table):
            for column in names:
                known.update(n for n in (row.get(column) or "").split("|") if n)
    return known


def _write_tables(curated: Path, output: Path, rows: dict[str, list[dict[str, str]]]) -> None:
    """The curated tables as they are, then the imported rows under a comment line."""
    try:
        output.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            text = (curated / table).read_text(encoding="utf-8") if (curated / table).exists() else ""
            imported = rows.get(table, [])
            if imported:
                header = "\t".join(COLUMNS[table])
                if not text.strip():
                    text = header + "\n"
                text = text.rstrip("\n") + "\n" + IMPORTED_COMMENT
                text += "".join("\t".join(row[c] for c in COLUMNS[table]) + "\n" for row in imported)
            (output / table).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PetrarchError(f"{output}: cannot write the actor tables ({exc.strerror})") from None
