"""Starting Spark for a job: the optional dependency checks and the settings the job relies on."""

from __future__ import annotations

import os
import re
import shutil
import sys
import warnings
from pathlib import Path
from typing import Any

# Tasks of a local run are retried like a cluster's (Spark's local mode otherwise tries a task once).
LOCAL_TASK_ATTEMPTS = 4
DEFAULT_MASTER = "local[2]"
LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
# The JVM of a local job only moves rows between Python workers and files: its quick compiler alone
# (no C2) spends about a third less CPU (measured: 63 s against 101 s at the same point of two
# runs side by side), CPU that local[N]'s Python workers, doing the coding, share the cores with.
# With the quick compiler alone the JVM reserves only 48 MB for compiled code; a 4,000-article job
# filled it and the JVM stopped compiling ("CodeCache is full"), so the cache is the tiered default.
LOCAL_JIT = "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m"
_LOCAL = re.compile(r"^local(\[(\*|\d+)\])?$")


class SparkUnavailable(RuntimeError):
    """PySpark or the Java runtime it needs is missing."""


def require_spark() -> None:
    """Raise SparkUnavailable, saying how to get what is missing, unless PySpark and Java are there."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SparkUnavailable(
            "PySpark is not installed: pip install 'eventwatch[spark]' (it also needs Java 17, "
            "e.g. apt-get install openjdk-17-jre-headless)"
        ) from None
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkUnavailable(
            "Spark needs a Java runtime and none was found (no JAVA_HOME, no java on PATH): "
            "apt-get install openjdk-17-jre-headless"
        )


def with_task_retries(master: str) -> str:
    """``local[N]`` as ``local[N,4]``: a failed task is run again, as on a cluster."""
    found = _LOCAL.match(master)
    if not found:
        return master
    threads = found.group(2) or "1"
    return f"local[{threads},{LOCAL_TASK_ATTEMPTS}]"


def under_spark_submit() -> bool:
    """Whether this process was started by ``spark-submit``, which has already chosen the master."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def start_session(master: str | None = None, config: dict[str, str] | None = None) -> Any:
    """A SparkSession for one eventwatch job on ``master`` (default ``local[2]``, or what spark-submit
    was given when run under it); the caller stops it."""
    require_spark()
    from pyspark.sql import SparkSession

    # PySpark warns that pandas 3 is new to it; the job exchanges Arrow batches, not pandas frames.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

    builder = SparkSession.builder.appName("eventwatch")
    settings = {"spark.ui.showConsoleProgress": "false", "spark.sql.session.timeZone": "UTC"}
    if master or not under_spark_submit():
        master = with_task_retries(master or DEFAULT_MASTER)
        builder = builder.master(master)
        if master.startswith("local"):
            # Local Python workers run this interpreter (the one with eventwatch and its model); on a
            # cluster PYSPARK_PYTHON names the packed environment's interpreter (see the README).
            # PySpark reads it from the environment when the context starts.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            # Spark logs warnings about the host by default; a local job says only what went wrong. Nor
            # does a local job serve Spark's web UI (pass spark.ui.enabled=true in ``config`` for it).
            settings["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile={LOG_CONFIG} {LOCAL_JIT}"
            settings["spark.ui.enabled"] = "false"
    settings.update(config or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
