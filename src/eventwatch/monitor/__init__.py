"""Crisis monitor: dyadic time series, escalation alerts and the actor network, over a store's tables.

Library functions first; the CLI (``eventwatch series|alerts|dyads|serve``) and the REST API are thin
layers over them. Each function takes a DuckDB connection, a database path, or a Store.
"""

from __future__ import annotations

from eventwatch.monitor.alerts import Alert, Driver, alerts, check_alerts
from eventwatch.monitor.browse import EventFilters, Page, article, event_detail, list_events
from eventwatch.monitor.network import ActorActivity, DyadActivity, actors, dyads
from eventwatch.monitor.series import Series, SeriesPoint, series

__all__ = [
    "ActorActivity",
    "Alert",
    "Driver",
    "DyadActivity",
    "EventFilters",
    "Page",
    "Series",
    "SeriesPoint",
    "actors",
    "alerts",
    "article",
    "check_alerts",
    "dyads",
    "event_detail",
    "list_events",
    "series",
]
