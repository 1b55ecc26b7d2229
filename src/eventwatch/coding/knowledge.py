"""Everything the coder knows, loaded once into one bundle and handed to the passes.

Like spaCy's language ``Defaults``, one bundle holds every kind of knowledge (each kind is loaded by
its own module from its own data files): the CAMEO ontology, the event lexicon, the actor knowledge
base and its phrase matcher, and the word lists of modality, dates, time, places and attribution. Passes are
built from the bundle and never load anything themselves, so ``Coder(lexicon_dir=..., actors_dir=...,
words_dir=...)`` really swaps what the coder knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spacy.language import Language

from eventwatch.coding.actors import ActorKB, ActorMatcher
from eventwatch.coding.attribution import AttributionWords, load_attribution_words
from eventwatch.coding.dates import DateWords, load_date_words
from eventwatch.coding.lexicon import Lexicon
from eventwatch.coding.modality import ModalityWords, load_modality_words
from eventwatch.coding.ontology import Ontology
from eventwatch.coding.places import Gazetteer, PlaceWords, load_place_words
from eventwatch.coding.timing import TimeWords, load_time_words


def package_data(name: str) -> Path:
    """A file or folder of the knowledge bundled with eventwatch (``src/eventwatch/data``)."""
    return Path(str(resources.files("eventwatch").joinpath("data", name)))


@dataclass(frozen=True, slots=True)
class Knowledge:
    ontology: Ontology
    lexicon: Lexicon
    actors: ActorKB
    matcher: ActorMatcher
    modality: ModalityWords
    dates: DateWords
    time: TimeWords
    places: PlaceWords
    gazetteer: Gazetteer
    attribution: AttributionWords

    @classmethod
    def load(
        cls,
        nlp: Language,
        *,
        lexicon_dir: str | Path | None = None,
        actors_dir: str | Path | None = None,
        words_dir: str | Path | None = None,
    ) -> Knowledge:
        """The bundle, from the package's data files or the folders given.

        ``lexicon_dir`` holds the lexicon YAML files (``data/lexicon``), ``actors_dir`` the actor TSV
        files (``data/actors``), ``words_dir`` ``modality.yaml``, ``dates.yaml``, ``time.yaml``, ``places.yaml``
        and ``attribution.yaml`` (``data``). ``nlp`` supplies the tokenizer the actor names are matched with.
        """
        words = Path(words_dir) if words_dir else package_data("")
        ontology = Ontology.load(str(package_data("ontology/cameo.tsv")))
        actors = ActorKB.load(actors_dir or package_data("actors"))
        places = load_place_words(words / "places.yaml")
        return cls(
            ontology=ontology,
            lexicon=Lexicon.load(lexicon_dir or package_data("lexicon"), ontology),
            actors=actors,
            matcher=ActorMatcher(actors, nlp),
            modality=load_modality_words(words / "modality.yaml"),
            dates=load_date_words(words / "dates.yaml"),
            time=load_time_words(words / "time.yaml"),
            places=places,
            gazetteer=Gazetteer.build(places),
            attribution=load_attribution_words(words / "attribution.yaml"),
        )
