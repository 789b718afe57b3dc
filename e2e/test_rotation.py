"""Rotation as the real Codex CLI 0.163.0 sees it through `rotor run -- codex exec … </dev/null`: a usage limit (as
a 429 or as the first SSE event) fails over to another account, a dry pool answers with the earliest reset and spends
no upstream request, and a 401 is refreshed once and retried."""

from __future__ import annotations

import json
import time
from datetime import datetime

from codex_text import clock_time_utc, retry_time_shown
from fake_backend import Answer, FakeBackend
from workspace import Workspace

PROMPT = "say hi"


def unix_time(iso_8601: str) -> float:
    """Seconds since the epoch of an ISO 8601 time ending in Z (as `rotor accounts list --json` prints them)."""
    assert iso_8601.endswith("Z"), iso_8601
    return datetime.fromisoformat(iso_8601[:-1] + "+00:00").timestamp()


def test_usage_limited_account_fails_over_to_a_healthy_one(workspace: Workspace, backend: FakeBackend) -> None:
    resets_at = int(time.time()) + 3 * 3600
    backend.add_account("A")
    backend.add_account("B")
    # Whichever account rotor tries first is the usage-limited one; the other is healthy.
    backend.answer_first_request(Answer("usage_limit", resets_at=resets_at))
    workspace.import_accounts("A", "B")

    result = workspace.rotor_codex_exec(PROMPT)

    assert result.returncode == 0, result.stderr
    (limited, limited_status), (healthy, healthy_status) = backend.served()
    assert (limited_status, healthy_status) == (429, 200) and limited != healthy
    assert result.stdout.strip() == f"Hello from account {healthy}."
    tried, serving = backend.model_requests()
    assert serving.body == tried.body, "the very same request is retried on the other account"
    assert serving.headers["originator"] == "codex_exec"
    [listed] = [account for account in workspace.accounts_json() if account["chatgpt_account_id"] == f"acct-{limited}"]
    assert listed["state"] == "cooling"
    assert listed["cooldown_reason"] == "usage-limit"
    assert abs(unix_time(listed["cooldown_until"]) - resets_at) < 1, "the limited account stays out until resets_at"

    # The decision log shows both attempts of that one request, and the usage ledger its tokens.
    logged = workspace.rotor("log", "--json", "--limit", "1")
    assert logged.returncode == 0, logged.stderr
    [request] = json.loads(logged.stdout)
    labels = {account["id"]: account["chatgpt_account_id"] for account in workspace.accounts_json()}
    attempts = [(labels[a["account"]["id"]], a["outcome"], a["upstream_status"]) for a in request["attempts"]]
    assert attempts == [(f"acct-{limited}", "usage-limit", 429), (f"acct-{healthy}", "success", 200)], attempts
    assert labels[request["served_by"]["id"]] == f"acct-{healthy}"
    assert request["attempts"][0]["cooldown_reason"] == "usage-limit"
    usage = workspace.rotor("usage", "--json")
    assert usage.returncode == 0, usage.stderr
    total = json.loads(usage.stdout)["total"]
    assert (total["requests"], total["input_tokens"]) == (1, 1200), total


def test_limit_as_first_sse_event_still_fails_over(workspace: Workspace, backend: FakeBackend) -> None:
    backend.add_account("A")
    backend.add_account("B")
    backend.answer_first_request(Answer("failed_first", code="usage_limit_reached"))
    workspace.import_accounts("A", "B")

    result = workspace.rotor_codex_exec(PROMPT)

    assert result.returncode == 0, result.stderr
    (limited, limited_answer), (healthy, healthy_answer) = [(r.account, r.answer) for r in backend.model_requests()]
    assert (limited_answer, healthy_answer) == ("failed_first", "ok") and limited != healthy
    assert result.stdout.strip() == f"Hello from account {healthy}."


def test_all_accounts_limited_shows_the_earliest_reset_and_spends_no_more_requests(
        workspace: Workspace, backend: FakeBackend) -> None:
    now = int(time.time())
    earliest = now + 2 * 3600
    backend.add_account("A", default=Answer("usage_limit", resets_at=now + 3 * 3600 + 600))
    backend.add_account("B", default=Answer("usage_limit", resets_at=earliest))
    workspace.import_accounts("A", "B")

    result = workspace.rotor_codex_exec(PROMPT)

    assert result.returncode == 1, result.stderr
    assert retry_time_shown(result.stderr) == clock_time_utc(earliest), result.stderr
    attempts = backend.served()
    assert sorted(attempts) == [("A", 429), ("B", 429)], "each account is tried at most once"

    again = workspace.rotor_codex_exec(PROMPT)

    assert again.returncode == 1, again.stderr
    assert retry_time_shown(again.stderr) == clock_time_utc(earliest), again.stderr
    assert backend.served() == attempts, "no further request reaches upstream while every account cools"


def test_unauthorized_account_is_refreshed_once_and_the_request_retried(
        workspace: Workspace, backend: FakeBackend) -> None:
    account = backend.add_account("A")
    workspace.import_accounts("A")
    imported_refresh_token = account.refresh_token
    backend.expire_access_token("A")

    result = workspace.rotor_codex_exec(PROMPT)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Hello from account A."
    assert backend.served() == [("A", 401), ("A", 200)]
    [refresh] = backend.refresh_calls()
    assert refresh.status == 200
    assert refresh.body == {"client_id": "app_EMoamEEZ73f0CkXaXp7hrann", "grant_type": "refresh_token",
                            "refresh_token": imported_refresh_token}
    assert not account.revoked

    again = workspace.rotor_codex_exec(PROMPT)

    assert again.returncode == 0, again.stderr
    assert backend.served()[-1] == ("A", 200)
    assert len(backend.refresh_calls()) == 1, "the refreshed tokens were stored and reused"


