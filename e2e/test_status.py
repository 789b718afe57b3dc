"""`rotor status --refresh` against the fake backend: it asks the usage endpoint for each account (as Codex's
/status does), stores the answers, shows the numbers, and says why when an account's usage cannot be had."""

from __future__ import annotations

import json
import time

from fake_backend import FakeBackend
from workspace import Workspace


def usage_body(used_5h: float, used_weekly: float, now: int) -> dict:
    """A usage endpoint answer: a 5h window and a weekly window."""
    return {
        "plan_type": "pro",
        "rate_limit": {
            "allowed": True,
            "limit_reached": False,
            "primary_window": {"used_percent": used_5h, "limit_window_seconds": 18000,
                               "reset_after_seconds": 3600, "reset_at": now + 3600},
            "secondary_window": {"used_percent": used_weekly, "limit_window_seconds": 604800,
                                 "reset_after_seconds": 86400, "reset_at": now + 86400},
        },
        "credits": {"has_credits": False, "unlimited": False, "balance": None},
    }


def test_status_refresh_shows_each_accounts_usage_and_why_one_failed(workspace: Workspace,
                                                                     backend: FakeBackend) -> None:
    now = int(time.time())
    backend.add_account("A").usage_answer = (200, usage_body(12.5, 40, now))
    backend.add_account("B").usage_answer = (500, {"detail": "boom"})
    workspace.import_accounts("A", "B")

    before = json.loads(workspace.rotor("status", "--json").stdout)
    assert [account["usage_observed_at"] for account in before["accounts"]] == [None, None]

    result = workspace.rotor("status", "--refresh", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    by_label = {account["label"]: account for account in status["accounts"]}
    a, b = by_label["a@example.com"], by_label["b@example.com"]
    assert {window["name"]: window["used_percent"] for window in a["windows"]} == {"5h": 12.5, "weekly": 40}
    assert a["refresh_error"] is None
    assert a["plan"] == "pro"
    assert b["windows"] == []
    assert "500" in b["refresh_error"]

    usage_calls = [(entry.account, entry.path, entry.status) for entry in backend.log if entry.answer == "usage"]
    assert sorted(usage_calls) == [
        ("A", "/backend-api/wham/usage", 200),
        ("B", "/backend-api/wham/usage", 500),
    ]
    asked = next(entry for entry in backend.log if entry.answer == "usage" and entry.account == "A")
    assert asked.headers["originator"] == "codex_cli_rs"
    assert asked.headers["chatgpt-account-id"] == "acct-A"

    # Stored like any other snapshot: a plain `rotor status` shows it without asking again.
    plain = workspace.rotor("status")
    assert plain.returncode == 0, plain.stderr
    assert "12.5%" in plain.stdout and "as of" in plain.stdout, plain.stdout
    assert len([entry for entry in backend.log if entry.answer == "usage"]) == 2
