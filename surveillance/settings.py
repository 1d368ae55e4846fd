"""Runtime settings, read from environment variables with working defaults.

Every path the pipeline writes is derived from ``SURVEILLANCE_HOME`` so that one
variable moves a whole installation (tests point it at a temporary folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("injury", "inspection", "food")
PLACEHOLDER_SALT = "change-me-in-production"
DEMO_SALT_VARIABLE = "SURVEILLANCE_ALLOW_PLACEHOLDER_SALT"  # set by `make run` (the demo) and the tests


class SettingsError(Exception):
    """A setting that must be set (or fixed) before the pipeline may run; the message says which."""


@dataclass(frozen=True)
class Settings:
    home: Path
    db_url: str
    contacts_file: Path
    pii_salt: str
    mail_from: str
    quiet_periods: int = 2  # weeks without a signal before its episode is resolved (SURVEILLANCE_QUIET_PERIODS)
    hospitals_file: Path = PROJECT_ROOT / "config" / "sentinel_hospitals.csv"  # SURVEILLANCE_HOSPITALS
    base_url: str = ""  # the web console's address as agencies reach it (SURVEILLANCE_BASE_URL); digests link to it
    layouts_dir: Path | None = None  # the operators' own sender profiles (SURVEILLANCE_LAYOUTS), beside the shipped ones
    quarantine_warn_share: float = 0.20  # a file with more of its rows quarantined is a warning (SURVEILLANCE_QUARANTINE_WARN_SHARE)
    smtp: str = "auto"  # "off": never look up an SMTP connection (SURVEILLANCE_SMTP)
    operator_email: str = ""  # who hears of a nightly run that finally failed (SURVEILLANCE_OPERATOR_EMAIL)

    @property
    def landing(self) -> Path:
        return self.home / "landing"

    @property
    def outbox(self) -> Path:
        return self.home / "outbox"

    @property
    def digests(self) -> Path:
        return self.home / "digests"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def demo_truth(self) -> Path:
        return self.home / "demo" / "ground_truth.csv"

    def check_salt(self) -> None:
        """Refuse to hash patients' identities with the published placeholder key (outside the demo and tests)."""
        if self.pii_salt == PLACEHOLDER_SALT and os.environ.get(DEMO_SALT_VARIABLE) != "1":
            raise SettingsError("SURVEILLANCE_PII_SALT is not set: the placeholder key would make patients' hashes "
                                "reversible by anyone with this code. Set SURVEILLANCE_PII_SALT to a long random secret "
                                f"(the demo and the tests set {DEMO_SALT_VARIABLE}=1 instead)")
        if not self.pii_salt.strip():
            raise SettingsError("SURVEILLANCE_PII_SALT is empty: set it to a long random secret")

    def landing_dir(self, source: str, day: date) -> Path:
        return self.landing / source / day.isoformat()

    def data_docs_dir(self, day: date, source: str, started: datetime) -> Path:
        """Where one ingest run's GX Data Docs go: beside the day's other reports."""
        return self.reports / day.isoformat() / "data-docs" / f"{source}-{started:%Y%m%dT%H%M%S%f}"

    def detect_summary_path(self, day: date, domains: tuple[str, ...] | None = None) -> Path:
        """The night's detection figures (JSON): signals by method, tests made, expected false alarms;
        ``detect-DOMAIN.json`` when domains ran as separate tasks (the DAG)."""
        return self.reports / day.isoformat() / ("detect.json" if not domains else f"detect-{'-'.join(domains)}.json")

    def digest_dir(self, day: date) -> Path:
        return self.digests / day.isoformat()


def load_settings() -> Settings:
    """Build settings from the environment (read on every call, so tests can override)."""
    home = Path(os.environ.get("SURVEILLANCE_HOME", PROJECT_ROOT / "var")).resolve()
    db_url = os.environ.get("SURVEILLANCE_DB_URL") or f"sqlite:///{home / 'warehouse.db'}"
    contacts = Path(
        os.environ.get("SURVEILLANCE_CONTACTS", PROJECT_ROOT / "config" / "agency_contacts.toml")
    )
    salt = os.environ.get("SURVEILLANCE_PII_SALT", PLACEHOLDER_SALT)
    mail_from = os.environ.get("SURVEILLANCE_MAIL_FROM", "surveillance@warnings.shaanxi.example")
    quiet = int(os.environ.get("SURVEILLANCE_QUIET_PERIODS", "2"))
    base_url = os.environ.get("SURVEILLANCE_BASE_URL", "").strip().rstrip("/")
    return Settings(home=home, db_url=db_url, contacts_file=contacts, pii_salt=salt, mail_from=mail_from,
                    quiet_periods=quiet, hospitals_file=hospitals_path(), base_url=base_url, layouts_dir=layouts_path(),
                    quarantine_warn_share=float(os.environ.get("SURVEILLANCE_QUARANTINE_WARN_SHARE", "0.2")),
                    smtp=os.environ.get("SURVEILLANCE_SMTP", "auto").strip().lower() or "auto",
                    operator_email=os.environ.get("SURVEILLANCE_OPERATOR_EMAIL", "").strip())


def airflow_connection_in_environment(conn_id: str) -> bool:
    """Whether Airflow's own variable ``AIRFLOW_CONN_<ID>`` defines the connection (read here: the one home of
    the environment)."""
    return bool(os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}"))


def c_compiler() -> str:
    """The C compiler that builds the Farrington kernel: ``$CC``, or ``cc``."""
    return os.environ.get("CC", "cc")


def layouts_path() -> Path | None:
    """A folder of the operators' own sender profiles (``surveillance layouts draft`` writes one to start from)."""
    value = os.environ.get("SURVEILLANCE_LAYOUTS", "").strip()
    return Path(value) if value else None


def hospitals_path() -> Path:
    """The sentinel hospital registry operators edit (hospital code -> county)."""
    return Path(os.environ.get("SURVEILLANCE_HOSPITALS", PROJECT_ROOT / "config" / "sentinel_hospitals.csv"))
