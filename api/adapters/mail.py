"""The e-mail adapter: the `Mailer` port over SMTP (aiosmtplib), at MOTCUA_SMTP_HOST.

SMTP has no idempotency key: the message's id goes in its `Message-ID`, so a reader (or
a mail server that deduplicates) can tell a repeat, but an answer lost after the server
took the message means a retry sends it twice: the outbox delivers at least once."""

from __future__ import annotations

import email.policy
import logging
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from api.settings import Settings
from documents.common.deliveries import Sent

log = logging.getLogger(__name__)

# CRLF line ends; headers unfolded up to RFC 5322's 998: Python 3.11 folds a long
# Vietnamese subject into encoded words and drops the space where it cuts ("trả kết"
# came out "trảkết"), so the subject goes as one encoded word.
_POLICY = email.policy.SMTP.clone(max_line_length=998)


# Refusals of this message (its sender, addressee or content). Any other refusal (the
# greeting, HELO, our credentials) is the server's or the configuration's: retried
# until an operator fixes it, like a refused connection.
_ABOUT_THE_MESSAGE = (
    aiosmtplib.SMTPSenderRefused,
    aiosmtplib.SMTPRecipientRefused,
    aiosmtplib.SMTPDataError,
)


def _answer_kind(code: int) -> Sent:
    """A refusal by the server: 5xx is for good (550, no such mailbox), 4xx for now."""
    permanent = 500 <= code < 600
    return Sent(delivered=False, error=f"SMTP {code}", permanent=permanent)


class SmtpMailer:
    """One connection per message (notifications are few, and a pooled connection
    would need its own keep-alive); logs name what failed, never the addressee."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.username, self.password = starttls, username, password
        self.timeout = timeout_seconds
        # The domain of the Message-ID: the sender's.
        self._domain = sender.rpartition("@")[2] or "localhost"

    def compose(self, message_id: str, to: str, subject: str, body: str) -> EmailMessage:
        mail = EmailMessage(policy=_POLICY)
        mail["From"] = self.sender
        mail["To"] = to
        mail["Subject"] = subject
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = f"<{message_id}@{self._domain}>"
        mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no autoreplies, please
        mail.set_content(body, charset="utf-8", cte="quoted-printable")  # 7-bit safe
        return mail

    async def send_mail(self, message_id: str, to: str, subject: str, body: str) -> Sent:
        mail = self.compose(message_id, to, subject, body)
        try:
            # Flattened here, with our policy: aiosmtplib would fold with its own.
            await aiosmtplib.send(
                mail.as_bytes(policy=_POLICY),
                sender=self.sender,
                recipients=[to],
                hostname=self.host,
                port=self.port,
                start_tls=self.starttls,
                username=self.username,
                password=self.password,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            # One addressee: its refusal is the message's.
            codes = [r.code for r in refused.recipients] or [550]
            log.warning("mail refused: SMTP %d", codes[0])
            return _answer_kind(codes[0])
        except _ABOUT_THE_MESSAGE as answer:
            log.warning("mail refused: SMTP %d", answer.code)
            return _answer_kind(answer.code)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            # Refused connection, timeout, dropped line: the server may be back later.
            code = getattr(error, "code", None)
            kind = f"SMTP {code}" if isinstance(code, int) else type(error).__name__
            log.warning("mail not sent: %s", kind)
            return Sent(delivered=False, error=kind)
        return Sent(delivered=True)

    async def aclose(self) -> None:
        """Nothing is held open between messages."""


def smtp_mailer(settings: Settings) -> SmtpMailer | None:
    """The app's mailer from MOTCUA_SMTP_*; None when no host is set (e-mails wait)."""
    if settings.smtp_host is None:
        return None
    return SmtpMailer(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_from,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=settings.smtp_password,
        timeout_seconds=settings.integration_timeout_seconds,
    )
