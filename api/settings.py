"""The one typed configuration object, read from the environment once, and the domain's
per-deployment values built from it."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, IPvAnyNetwork
from pydantic_settings import BaseSettings, SettingsConfigDict

from documents.access.idempotency import IdempotencyTiming
from documents.calendar.working_calendar import OfficeHours
from documents.common.transactions import TransactionLimits
from documents.papers.attachments import AttachmentLimits

# The domain's defaults are the settings' defaults.
_HOURS = OfficeHours()
_LIMITS = AttachmentLimits()
_TRANSACTIONS = TransactionLimits()
_IDEMPOTENCY = IdempotencyTiming()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MOTCUA_", frozen=True, extra="ignore", validate_by_name=True
    )

    # When unset, an embedded SecantusDB is started on a free loopback port.
    mongodb_uri: str | None = Field(
        default=None, validation_alias=AliasChoices("MOTCUA_MONGODB_URI", "MONGODB_URI")
    )
    database: str = "motcua"
    # Start-up refuses a deployment that could lose acknowledged writes (docs/durability.md)
    # unless this allows it. SecantusDB makes transactions durable only with
    # --sync-on-commit, which cannot be read over the wire: declare it here for one at
    # MOTCUA_MONGODB_URI (the embedded one motcua starts declares itself).
    allow_unjournaled_writes: bool = False
    secantus_sync_on_commit: bool = False
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    # After SIGTERM, requests in flight get this long to finish before they are cancelled;
    # the whole stop, database included, stays within 10 s (docs/durability.md).
    shutdown_grace_seconds: int = Field(default=3, ge=0, le=3)
    # Development mode serves GraphiQL; it defaults to on only for the embedded database.
    dev_mode: bool | None = None
    # Dossiers received at or after the cut-off count from the next working day;
    # appointments fall at closing time. Local time (Asia/Ho_Chi_Minh).
    afternoon_cutoff: time = _HOURS.cutoff
    office_close: time = _HOURS.close
    # Working hours (procedures counted in hours) run from opening to closing, less the
    # lunch break. A procedure may set its own office day (docs/workflow.md).
    office_open: time = _HOURS.opens
    lunch_start: time | None = _HOURS.lunch_start
    lunch_end: time | None = _HOURS.lunch_end
    # Authentication. Development signs HS256 tokens with a secret generated into the
    # data directory; production verifies RS256/ES256 tokens against an OIDC JWKS.
    jwks_url: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    # Hardening: limits applied before a GraphQL operation runs.
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 3000
    max_query_cost: int = 20_000
    max_operations_per_document: int = 5
    max_body_bytes: int = 2 * 1024 * 1024
    operation_timeout_seconds: float = 15.0
    # Durability (docs/durability.md), each capped at 2/3 of the operation limit: one
    # transaction, its retries and commit included; an idempotency key's claim, after which
    # a retry runs the request again. Every process renews a session lease each heartbeat; one
    # silent for the lease time is taken for dead and its transactions are killed.
    transaction_timeout_seconds: float = Field(default=_TRANSACTIONS.timeout_seconds, gt=0)
    idempotency_lease_seconds: float = Field(default=_IDEMPOTENCY.lease_seconds, gt=0)
    session_lease_seconds: float = Field(default=3.0, gt=0)
    session_heartbeat_seconds: float = Field(default=0.5, gt=0)
    # Token bucket per principal (or per client address when anonymous).
    rate_limit_per_minute: int = 600
    rate_limit_burst: int = 120
    public_lookups_per_minute: int = 10
    # The printable forms' PDF (`?format=pdf`): Debian's Chromium prints them
    # (api/http/pdf.py, docs/printable-forms.md); missing or failing, a 503 page.
    chromium_path: Path = Path("/usr/bin/chromium")
    # At most this many ids in one `nodes(ids:)`; each id is charged to the query's cost.
    max_node_ids: int = Field(default=100, ge=1)
    # Reverse proxies (addresses or CIDRs, a JSON list) whose X-Forwarded-For and
    # Forwarded headers name the client; empty: the connection's peer is the client.
    trusted_proxies: list[IPvAnyNetwork] = Field(default_factory=list)
    # How often an open WebSocket re-checks its API key, closing with 4403 once revoked.
    credential_recheck_seconds: float = Field(default=5.0, gt=0)
    # WebSocket Origins allowed to connect; empty allows same-host and non-browser clients.
    allowed_origins: list[str] = Field(default_factory=list)
    # How many dossiers `motcua serve --seed-if-empty` (and so `make run`) generates.
    demo_dossiers: int = Field(default=300, ge=0)
    # The population database (docs/population.md), looked up at submission instead of
    # asking for identity papers. Unset: `motcua serve` in development mode starts the
    # shipped simulator; otherwise every lookup is UNAVAILABLE (a supplement request).
    population_url: str | None = None
    population_timeout_seconds: float = Field(default=3.0, gt=0)
    # The national systems (docs/integrations.md). Unset: `motcua serve` in development
    # mode starts the shipped simulators (and makes up the secrets); otherwise their
    # messages wait in the outbox, and their inbound routes answer 401.
    portal_url: str | None = None
    # Signs what motcua sends the portal and checks what the portal sends motcua.
    portal_secret: str | None = None
    payment_url: str | None = None
    payment_secret: str | None = None
    sms_gateway_url: str | None = None
    sms_gateway_token: str | None = None
    # E-mail notifications over SMTP; unset host: no e-mail is sent (the messages wait).
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "motcua@localhost"
    # One HTTP call to a national system, connection included.
    integration_timeout_seconds: float = Field(default=10.0, gt=0)
    # Where applicants reach this deployment: the `/tra-cuu` links in notifications.
    public_url: str = "http://127.0.0.1:8000"
    # The applicant token's claim holding the identity-assurance level (VNeID level 1 or 2).
    identity_level_claim: str = "identity_level"
    # A folder of CA certificates (PEM or DER) trusted to sign electronic results.
    trust_roots_dir: Path | None = None
    # The outbox (docs/integrations.md): how often each process looks for due messages,
    # one attempt's time limit, retries with backoff for this long, then a dead letter.
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    outbox_attempt_seconds: float = Field(default=15.0, gt=0)
    outbox_backoff_seconds: float = Field(default=5.0, gt=0)
    outbox_max_backoff_seconds: float = Field(default=900.0, gt=0)
    outbox_retry_hours: float = Field(default=72.0, gt=0)
    # Delivered outbox messages and webhook deliveries are deleted this long after their
    # delivery (0: kept for ever); dead letters stay until an operator acts.
    delivered_retention_days: float = Field(default=30.0, ge=0)
    # Webhooks (docs/webhooks.md): polling, retries with backoff, and HTTP timeouts.
    webhook_poll_seconds: float = Field(default=2.0, gt=0)
    webhook_backoff_seconds: float = Field(default=10.0, gt=0)
    webhook_max_backoff_seconds: float = Field(default=3600.0, gt=0)
    webhook_retry_hours: float = Field(default=24.0, gt=0)
    webhook_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    webhook_read_timeout_seconds: float = Field(default=10.0, gt=0)
    # Events committed this long after a later event are still dispatched.
    webhook_dispatch_lag_seconds: float = Field(default=30.0, ge=0)
    # How often each process counts the deadlines that passed into the statistics
    # roll-ups (docs/scoreboard.md); queries add the ones since, so figures stay live.
    deadline_sweep_seconds: float = Field(default=60.0, gt=0)
    # How often each process applies the scheduled merges that are due (docs/merges.md).
    merge_scheduler_seconds: float = Field(default=15.0, gt=0)
    # The event hub (subscriptions), the webhook worker and the deadline sweeper; tests
    # that count database commands turn them off, since they read in the background.
    background_services: bool = True
    # The embedded database (docs/embedded-database.md): every commit synced to disk, so an
    # acknowledged write survives a crash; a health check (ping and a small write) every
    # few seconds, a restart on the same port after this many failures in a row (backoff
    # up to the cap); "disk full" below this much free space on its filesystem.
    embedded_sync_on_commit: bool = True
    embedded_check_seconds: float = Field(default=2.0, gt=0)
    embedded_check_failures: int = Field(default=3, ge=1)
    embedded_max_backoff_seconds: float = Field(default=30.0, gt=0)
    embedded_min_free_bytes: int = Field(default=64 * 1024 * 1024, ge=0)
    # Development only: let webhooks target loopback and private addresses.
    allow_private_webhook_targets: bool = False
    # Real-time: each subscriber's buffer of undelivered events (overflow closes it),
    # the server's graphql-transport-ws ping interval, and the hub's restart backoff cap.
    subscriber_queue_size: int = Field(default=1000, ge=1)
    ws_ping_interval_seconds: float = Field(default=15.0, gt=0)
    hub_max_backoff_seconds: float = Field(default=5.0, gt=0)
    # The live schema (docs/codegen.md): the forms' change stream rebuilds it at once;
    # this check of the published forms is the safety net behind the stream.
    schema_check_seconds: float = Field(default=30.0, gt=0)
    # Attachments (docs/papers.md). Types are judged by content; "application/xml" means
    # XML carrying an XML-DSig signature, accepted for results only by default.
    attachment_media_types: list[str] = Field(
        default_factory=lambda: sorted(_LIMITS.application_media_types)
    )
    result_media_types: list[str] = Field(
        default_factory=lambda: sorted(_LIMITS.result_media_types)
    )
    max_attachment_bytes: int = Field(default=_LIMITS.max_file_bytes, ge=1)
    max_dossier_attachment_bytes: int = Field(default=_LIMITS.max_dossier_bytes, ge=1)
    # Operations (docs/production.md). Browser origins allowed to call the API (CORS;
    # empty: no CORS headers at all); logs as JSON lines (default in production) or text.
    cors_origins: list[str] = Field(default_factory=list)
    log_format: Literal["json", "text"] | None = None
    log_level: str = "INFO"
    # Prometheus metrics: served at /metrics, or only on this port when it is set.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_host: str | None = None
    metrics_refresh_seconds: float = Field(default=15.0, gt=0)
    # /readyz pings the database with this timeout; failing background rounds back off
    # exponentially up to this cap.
    readiness_timeout_seconds: float = Field(default=2.0, gt=0)
    worker_max_backoff_seconds: float = Field(default=60.0, gt=0)
    # OpenTelemetry tracing (the `tracing` extra): off unless enabled or an OTLP endpoint
    # is configured; the exporter reads the standard OTEL_* variables itself.
    otel_enabled: bool | None = None
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices(
            "MOTCUA_OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"
        ),
    )

    @property
    def keep_delivered(self) -> timedelta | None:
        """How long a delivered message is kept (None: for ever)."""
        days = self.delivered_retention_days
        return timedelta(days=days) if days > 0 else None

    @property
    def transaction_limits(self) -> TransactionLimits:
        return TransactionLimits(min(self.transaction_timeout_seconds, self._below_operation))

    @property
    def idempotency_timing(self) -> IdempotencyTiming:
        return IdempotencyTiming(min(self.idempotency_lease_seconds, self._below_operation))

    @property
    def _below_operation(self) -> float:
        """Transactions and claims end before the operation limit cancels their request."""
        return self.operation_timeout_seconds * 2 / 3

    @property
    def heartbeat_seconds(self) -> float:
        """A lease is renewed at least three times within the lease time."""
        return min(self.session_heartbeat_seconds, self.session_lease_seconds / 3)

    @property
    def embedded(self) -> bool:
        return self.mongodb_uri is None

    @property
    def syncs_on_commit(self) -> bool:
        """Whether the SecantusDB in use syncs every commit: the embedded one as motcua
        starts it, one at MOTCUA_MONGODB_URI as the operator declares it."""
        return self.embedded_sync_on_commit if self.embedded else self.secantus_sync_on_commit

    @property
    def development(self) -> bool:
        return self.embedded if self.dev_mode is None else self.dev_mode

    @property
    def json_logs(self) -> bool:
        return self.log_format == "json" or (self.log_format is None and not self.development)

    @property
    def tracing(self) -> bool:
        if self.otel_enabled is not None:
            return self.otel_enabled
        return self.otel_exporter_otlp_endpoint is not None

    @property
    def office_hours(self) -> OfficeHours:
        return OfficeHours(
            cutoff=self.afternoon_cutoff,
            close=self.office_close,
            opens=self.office_open,
            lunch_start=self.lunch_start,
            lunch_end=self.lunch_end,
        )

    @property
    def attachment_limits(self) -> AttachmentLimits:
        return AttachmentLimits(
            application_media_types=frozenset(self.attachment_media_types),
            result_media_types=frozenset(self.result_media_types),
            max_file_bytes=self.max_attachment_bytes,
            max_dossier_bytes=self.max_dossier_attachment_bytes,
        )

    @property
    def max_upload_body_bytes(self) -> int:
        """A multipart upload's body: one whole file plus the usual request."""
        return self.max_body_bytes + self.max_attachment_bytes

    @property
    def db_path(self) -> Path:
        return self.data_dir / "db"

    @property
    def jwt_secret_file(self) -> Path:
        return self.data_dir / "jwt-secret"
