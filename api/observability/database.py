"""Database failures in the metrics: a PyMongo command listener that counts failed
commands by name (never by their content, which may hold personal data)."""

from __future__ import annotations

from pymongo.monitoring import (
    CommandFailedEvent,
    CommandListener,
    CommandStartedEvent,
    CommandSucceededEvent,
)

from api.observability.metrics import Metrics, command_label


class DatabaseFailures(CommandListener):
    def __init__(self, metrics: Metrics) -> None:
        self.failures = metrics.database_failures

    def started(self, event: CommandStartedEvent) -> None: ...

    def succeeded(self, event: CommandSucceededEvent) -> None: ...

    def failed(self, event: CommandFailedEvent) -> None:
        self.failures.labels(command_label(event.command_name)).inc()
