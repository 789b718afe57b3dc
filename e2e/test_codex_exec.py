"""The real Codex CLI 0.163.0, non-interactive (`codex exec … </dev/null`), through `rotor run -- codex` against the
fake backend: resume, a tool-call turn, a pinned account, the refusal without accounts, upstream TLS."""

from __future__ import annotations

import json
import time
from pathlib import Path

from codex_text import clock_time_utc, retry_time_shown
from fake_backend import Answer, FakeBackend
from tls_ca import TestCertificateAuthority
from workspace import CODEX_EXEC, CODEX_TIMEOUT, Workspace

PROMPT = "say hi"


def test_exec_resume_continues_the_conversation_on_the_same_account(
        workspace: Workspace, backend: FakeBackend) -> None:
    backend.add_account("A")
    backend.add_account("B")
    workspace.import_accounts("A", "B")

    first = workspace.rotor_codex_exec("first prompt")
    assert first.returncode == 0, first.stderr
    second = workspace.rotor_codex_exec("resume", "--last", "second prompt")
    assert second.returncode == 0, second.stderr

    opening, resumed = backend.model_requests()
    assert resumed.account == opening.account, "a resumed conversation stays on its account"
    assert second.stdout.strip() == f"Hello from account {opening.account}."
    assert resumed.headers["session-id"] == opening.headers["session-id"]
    assert resumed.body["prompt_cache_key"] == opening.body["prompt_cache_key"]
    metadata = json.loads(resumed.headers["x-codex-turn-metadata"])
    assert metadata["history_initialization"] == "cold_resume"
    replayed = json.dumps(resumed.input_items)
    assert f"Hello from account {opening.account}." in replayed and "first prompt" in replayed
    assert "second prompt" in replayed


def test_tool_call_turn_follow_up_keeps_turn_state_and_account(workspace: Workspace, backend: FakeBackend) -> None:
    # Both accounts would answer the first request with a function call: whichever serves it must serve the follow-up.
    backend.add_account("A", script=[Answer("tool_call")])
    backend.add_account("B", script=[Answer("tool_call")])
    workspace.import_accounts("A", "B")

    result = workspace.rotor_codex_exec("-m", "gpt-5.5", "run the tool")

    assert result.returncode == 0, result.stderr
    turn, follow_up = backend.model_requests()
    assert turn.answer == "tool_call" and turn.body["model"] == "gpt-5.5" and "tools" in turn.body
    assert backend.turn_state_owner(follow_up.headers["x-codex-turn-state"]) == turn.account
    assert follow_up.account == turn.account
    assert [item["type"] for item in follow_up.input_items][-2:] == ["function_call", "function_call_output"]
    assert result.stdout.strip() == f"Hello from account {turn.account}."


def test_pinned_account_serves_every_request_and_gets_its_own_limit(
        workspace: Workspace, backend: FakeBackend) -> None:
    resets_at = int(time.time()) + 4 * 3600
    backend.add_account("A")
    backend.add_account("B", script=[Answer(), Answer("usage_limit", resets_at=resets_at)])
    workspace.import_accounts("A", "B")
    pinned = ["run", "--account", "b@example.com", "--", str(workspace.codex_bin), *CODEX_EXEC]

    result = workspace.rotor(*pinned, PROMPT, timeout=CODEX_TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Hello from account B."
    limited = workspace.rotor(*pinned, PROMPT, timeout=CODEX_TIMEOUT)

    assert limited.returncode == 1
    assert retry_time_shown(limited.stderr) == clock_time_utc(resets_at), limited.stderr
    assert backend.served() == [("B", 200), ("B", 429)], "a pinned run never rotates"


def test_run_without_accounts_refuses_and_never_launches_codex(workspace: Workspace, backend: FakeBackend) -> None:
    result = workspace.rotor_codex_exec(PROMPT, timeout=60)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rotor: "), result.stderr
    assert "rotor accounts" in lines[0], "the error says how to add an account"
    assert backend.model_requests() == []
    assert not any(workspace.codex_home.iterdir()), "Codex never ran"


def test_upstream_over_tls_with_rotor_ca_file(tmp_path: Path, rotor_bin: Path, codex_bin: Path,
                                              tls_backend: FakeBackend, test_ca: TestCertificateAuthority) -> None:
    space = Workspace(root=tmp_path, rotor_bin=rotor_bin, codex_bin=codex_bin, backend=tls_backend,
                      extra_env={"ROTOR_CA_FILE": str(test_ca.ca_pem)})
    tls_backend.add_account("A")
    space.import_accounts("A")

    result = space.rotor_codex_exec(PROMPT)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Hello from account A."
    assert tls_backend.served() == [("A", 200)]
    assert space.secret_findings() == []
