"""Crash safety: `kill -9` of a `rotor proxy` at seeded moments of a refresh-and-proxy workload never corrupts the
store, never loses an account, and never leaves a stored refresh token older than one the store had committed.

The fake issuer models a refresh on the wire: it takes REFRESH_DELAY to reach the token endpoint (a request whose
client died meanwhile is dropped), and ANSWER_DELAY for the answer to come back after the endpoint rotated the token.
A kill in that second window — after the issuer rotated the refresh token, before rotor wrote the new one — loses the
token whatever rotor does (the issuer has spent the old one, and the answer died with the process). Such kills are
counted and reported, and the account is logged in again, as a user would, before the workload goes on."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import threading
import time
from pathlib import Path

from openai import OpenAI

from fake_backend import FakeBackend
from workspace import COMMAND_TIMEOUT, RunningProxy, Workspace, start_proxy, wait_until

KILLS = 50
ACCOUNTS = ("A", "B", "C")
REFRESH_DELAY = 0.3  # a refresh's way to the issuer: widens the window in which a kill lands during a refresh
ANSWER_DELAY = 0.05  # the answer's way back, after the issuer rotated the token
SEED = int(os.environ.get("ROTOR_CRASH_SEED", "20261203"))


def send_one(proxy: RunningProxy, conversation: str) -> None:
    """One request that the kill usually interrupts; its outcome does not matter."""
    try:
        client = OpenAI(base_url=proxy.url, api_key=proxy.secret, max_retries=0, timeout=30)
        client.responses.create(model="gpt-5.5", input="say hi", prompt_cache_key=conversation)
    except Exception:  # the process was killed under it
        pass


def stored_refresh_tokens(database: Path) -> tuple[str, dict[str, str]]:
    """`PRAGMA integrity_check` and email -> stored refresh token, read while no rotor process runs."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        rows = connection.execute("SELECT email, refresh_token FROM account").fetchall()
    finally:
        connection.close()
    return integrity, dict(rows)


def test_kill_9_during_refresh_and_proxy_workload(workspace: Workspace, backend: FakeBackend) -> None:
    rng = random.Random(SEED)
    backend.refresh_delay = REFRESH_DELAY
    backend.refresh_answer_delay = ANSWER_DELAY
    for name in ACCOUNTS:
        backend.add_account(name)
    workspace.import_accounts(*ACCOUNTS)
    database = workspace.rotor_home / "rotor.sqlite"
    newest_committed: dict[str, int] = {name: 0 for name in ACCOUNTS}  # index into the account's issued tokens
    in_flight_kills = 0
    lost_in_window = 0
    started = time.monotonic()

    for round_number in range(KILLS):
        for name in ACCOUNTS:
            backend.expire_access_token(name)
        proxy = start_proxy(workspace)
        client = threading.Thread(target=send_one, args=(proxy, f"crash-{round_number}"), daemon=True)
        client.start()
        if rng.random() < 0.7:
            wait_until(lambda: backend.refreshes_in_flight > 0, timeout=COMMAND_TIMEOUT, interval=0.005,
                       message="a refresh to reach the issuer")
            time.sleep(rng.uniform(0, REFRESH_DELAY + ANSWER_DELAY + 0.05))
        else:
            time.sleep(rng.uniform(0, 0.5))
        in_flight = backend.refreshes_in_flight > 0
        os.kill(proxy.process.pid, signal.SIGKILL)
        proxy.process.wait(timeout=10)
        in_flight_kills += in_flight
        client.join(timeout=COMMAND_TIMEOUT)
        # The issuer finishes what reached it, as a real one does after its client vanished.
        wait_until(lambda: backend.refreshes_in_flight == 0, timeout=COMMAND_TIMEOUT, interval=0.01,
                   message="the issuer to finish the refreshes it received")

        integrity, stored = stored_refresh_tokens(database)
        assert integrity == "ok", f"round {round_number} (seed {SEED}): {integrity}"
        assert set(stored) == {backend.accounts[name].email for name in ACCOUNTS}, f"an account was lost: {stored}"
        for name in ACCOUNTS:
            account = backend.accounts[name]
            assert not account.revoked, f"round {round_number} (seed {SEED}): a spent refresh token of {name} was sent"
            token = stored[account.email]
            assert token in account.issued_refresh_tokens, f"{name}: the stored refresh token was never issued"
            index = account.issued_refresh_tokens.index(token)
            assert index >= newest_committed[name], (
                f"round {round_number} (seed {SEED}): {name}'s stored refresh token went back from "
                f"#{newest_committed[name]} to #{index}")
            newest_committed[name] = index
            if token != account.refresh_token:
                # The issuer rotated it and the process died before storing the answer: log in again.
                lost_in_window += 1
                backend.relogin(name)
                result = workspace.rotor("accounts", "import", str(workspace.write_auth_json(name)))
                assert result.returncode == 0 and result.stdout.startswith("Updated"), result
                newest_committed[name] = account.issued_refresh_tokens.index(account.refresh_token)
        assert not any(workspace.rotor_home.glob("recovery/*.json")), "a recovery file was left behind"

    assert in_flight_kills >= 15, f"only {in_flight_kills} of {KILLS} kills landed during a refresh (seed {SEED})"
    print(f"\ncrash safety (seed {SEED}): {KILLS} kills, {in_flight_kills} during a refresh, "
          f"{backend.refreshes_dropped} before the refresh reached the issuer (token kept), "
          f"{lost_in_window} between the issuer's rotation and the local write (token lost, logged in again), "
          f"integrity ok {KILLS}/{KILLS}, 0 accounts lost, 0 committed tokens lost, "
          f"{time.monotonic() - started:.0f} s")
