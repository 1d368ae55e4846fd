"""Hand a stored digest to the mail system: Airflow's SMTP connection when configured, else the outbox.

The ``.eml`` file is always written first, so what was sent can be shown afterwards.
"""

from __future__ import annotations

import logging
import os
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

log = logging.getLogger(__name__)

SMTP_CONN_ID = "smtp_default"


def smtp_configured(conn_id: str = SMTP_CONN_ID) -> bool:
    """True when Airflow can resolve the SMTP connection (environment variable or metadata DB)."""
    if os.environ.get("SURVEILLANCE_SMTP", "auto") == "off":
        return False
    if os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}"):
        return True
    try:
        from airflow.sdk import BaseHook

        BaseHook.get_connection(conn_id)
        return True
    except Exception:
        return False


def read_eml(path: Path) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def send_smtp(message: EmailMessage, conn_id: str = SMTP_CONN_ID) -> None:
    """Send through Airflow's SmtpHook (TLS, login and retries come from the connection)."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    with SmtpHook(smtp_conn_id=conn_id) as hook:
        # The hook owns connection set-up; the message is ours, already stored as .eml.
        hook._smtp_client.send_message(message)
