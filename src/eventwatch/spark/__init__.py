"""Coding at scale with PySpark (the optional ``eventwatch[spark]`` extra), and loading its output.

``spark`` runs the same Coder on Spark's Python workers and deduplicates in Spark SQL with the store's
rule; ``load`` brings its output into a store. Only ``spark`` needs PySpark and Java.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SparkReport", "SparkUnavailable", "spark"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing this package (e.g. to load an output) does not need PySpark.
    if name in ("spark", "SparkReport"):
        from eventwatch.spark import job

        return getattr(job, name)
    if name == "SparkUnavailable":
        from eventwatch.spark.session import SparkUnavailable

        return SparkUnavailable
    raise AttributeError(name)
