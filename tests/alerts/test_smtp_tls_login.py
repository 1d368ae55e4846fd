"""Delivery through Airflow's smtp_default with STARTTLS and a login, to a loopback server that refuses
mail without both (aiosmtpd with a self-signed certificate)."""

from __future__ import annotations

import datetime as dt
import json
import ssl
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from surveillance.alerts.run import alert_day
from surveillance.signals.detect import detect_day
from surveillance.warehouse.models import DeliveryAttempt
from tests.alerts.test_delivery import DAY, land_repeat_failures
from tests.alerts.test_smtp_delivery import Inbox, _free_port

pytestmark = pytest.mark.smtp
USER, PASSWORD = "surveillance", "s3cret"


def self_signed(tmp_path: Path) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context


class Authenticator:
    def __init__(self) -> None:
        self.logins: list[str] = []

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER \
            and auth_data.password.decode() == PASSWORD
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)


def test_digests_go_through_starttls_and_login(settings, engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    land_repeat_failures(engine, tmp_path)
    detect_day(engine, DAY)
    inbox, auth, port = Inbox(), Authenticator(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=self_signed(tmp_path),
                            require_starttls=True, auth_required=True, auth_require_tls=True, authenticator=auth)
    controller.start()
    try:
        conn = {"conn_type": "smtp", "host": "127.0.0.1", "port": port,
                "extra": {"disable_ssl": True, "ssl_context": "none", "retry_limit": 0, "timeout": 5}}
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(conn))
        refused = alert_day(engine, settings, DAY, use_smtp=True)  # no login: refused, kept queued
        assert refused["sent"] == 0 and refused["failed"] > 0 and inbox.messages == []
        with engine.connect() as c:
            errors = set(c.execute(select(DeliveryAttempt.error)).scalars())
        assert all("530" in e and "Authentication required" in e for e in errors), errors  # TLS was on; login missing
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(dict(conn, login=USER, password=PASSWORD)))
        later = alert_day(engine, settings, DAY, use_smtp=True, now=dt.datetime.now() + dt.timedelta(days=1))
        assert later["sent"] == refused["failed"] == len(inbox.messages)
        assert auth.logins and set(auth.logins) == {USER}
    finally:
        controller.stop()
