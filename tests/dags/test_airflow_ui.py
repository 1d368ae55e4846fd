"""`make airflow`: Airflow's UI over the project's var/, reachable on 127.0.0.1, an analyst able to log in with
the password Airflow generates, and both DAGs there, paused (an analyst triggers runs and backfills)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.airflow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, {}
    except OSError:
        return 0, {}


def test_make_airflow_serves_the_ui_with_the_dags_to_a_logged_in_analyst(tmp_path: Path) -> None:
    port, home = _free_port(), tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "SURVEILLANCE_"))}
    env.update(SURVEILLANCE_HOME=str(home), AIRFLOW_HOME=str(home / "airflow"), AIRFLOW_PORT=str(port),
               SURVEILLANCE_SMTP="off")
    log = (tmp_path / "airflow.log").open("w")
    proc = subprocess.Popen(["make", "-s", "airflow"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, dags = time.time() + 240, []
        token = None
        while time.time() < deadline and not dags:
            time.sleep(3)
            assert proc.poll() is None, (tmp_path / "airflow.log").read_text()[-3000:]
            passwords = home / "airflow" / "simple_auth_manager_passwords.json.generated"
            if token is None and passwords.exists() and _call(f"{base}/api/v2/version")[0] == 200:
                password = json.loads(passwords.read_text())["analyst"]
                assert _call(f"{base}/auth/token", {"username": "analyst", "password": "wrong"})[0] in (401, 403)
                status, body = _call(f"{base}/auth/token", {"username": "analyst", "password": password})
                assert status in (200, 201), status
                token = body["access_token"]
            if token:
                dags = _call(f"{base}/api/v2/dags", token=token)[1].get("dags", [])
        assert {(d["dag_id"], d["is_paused"]) for d in dags} == {("surveillance_nightly", True), ("surveillance_weekly", True)}, \
            (tmp_path / "airflow.log").read_text()[-3000:]
        assert _call(f"{base}/api/v2/dags")[0] in (401, 403)  # nothing without logging in
        assert "Airflow UI: http://127.0.0.1:" in (tmp_path / "airflow.log").read_text()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
