"""Hand a stored digest to the mail system: Airflow's SMTP connection when configured, else the outbox.

The ``.eml`` file is always written first, so what was sent can be shown afterwards.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from surveillance.settings import airflow_connection_in_environment, load_settings

log = logging.getLogger(__name__)

SMTP_CONN_ID = "smtp_default"


def smtp_configured(conn_id: str = SMTP_CONN_ID) -> bool:
    """True when Airflow can resolve the SMTP connection (environment variable or metadata DB)."""
    if load_settings().smtp == "off":
        return False
    if airflow_connection_in_environment(conn_id):
        return True
    try:
        from airflow.sdk import BaseHook

        BaseHook.get_connection(conn_id)
        return True
    except Exception:
        return False


def read_eml(path: Path) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def send_smtp(message: EmailMessage, to_addrs: list[str], conn_id: str = SMTP_CONN_ID) -> dict[str, tuple[int, bytes]]:
    """Send through Airflow's SmtpHook (TLS, login and retries come from the connection) to ``to_addrs``;
    returns the recipients the server refused while accepting the message for the others."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    with SmtpHook(smtp_conn_id=conn_id) as hook:
        # The hook owns connection set-up; the message is ours, already stored as .eml.
        return hook._smtp_client.send_message(message, to_addrs=to_addrs) or {}


@dataclass
class Outcome:
    """What became of each address of one hand-over."""

    sent: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # refused for good (5xx): not tried again
    deferred: dict[str, str] = field(default_factory=dict)  # not delivered this time (4xx, dropped connection): tried again


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"


def send(message: EmailMessage, recipients: list[str], use_smtp: bool) -> Outcome:
    """Hand ``message`` over for ``recipients`` and sort each address by the server's answer. Without SMTP
    the stored .eml in the outbox is the delivery."""
    out = Outcome()
    if not use_smtp:
        out.sent = list(recipients)
        return out
    try:
        refusals = send_smtp(message, recipients)
    except smtplib.SMTPRecipientsRefused as exc:
        refusals = exc.recipients
    except smtplib.SMTPResponseException as exc:  # the server answered DATA (or MAIL FROM) with an error
        reason = f"{type(exc).__name__}: {_reply(exc.smtp_code, exc.smtp_error)}"
        permanent = 500 <= exc.smtp_code < 600 and not isinstance(exc, smtplib.SMTPSenderRefused)
        (out.refused if permanent else out.deferred).update(dict.fromkeys(recipients, reason))
        return out
    except (smtplib.SMTPException, OSError) as exc:  # dropped connection, timeout, refused connection, login
        out.deferred.update(dict.fromkeys(recipients, f"{type(exc).__name__}: {' '.join(str(exc).split()) or 'no reply'}"))
        return out
    except Exception as exc:  # the SMTP connection's own configuration (Airflow) failed
        out.deferred.update(dict.fromkeys(recipients, f"{type(exc).__name__}: {' '.join(str(exc).split())}"))
        return out
    for address in recipients:
        if address in refusals:
            code, text = refusals[address]
            (out.refused if 500 <= code < 600 else out.deferred)[address] = _reply(code, text)
        else:
            out.sent.append(address)
    return out
