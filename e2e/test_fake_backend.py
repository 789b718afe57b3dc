"""The fake backend itself, checked against the real Codex CLI talking to it directly (no rotor; Codex's
built-in provider mode) and against its own token endpoint, so rotor's tests rest on a backend that speaks correctly."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from codex_text import clock_time_utc, retry_time_shown
from fake_backend import Answer, FakeBackend
from tls_ca import TestCertificateAuthority
from workspace import CODEX_EXEC, CODEX_TIMEOUT


def codex_direct(codex_bin: Path, home: Path, base_url: str, *args: str,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Codex with a custom provider (`local`) whose key is $TOKEN, straight at `base_url`."""
    home.mkdir(parents=True, exist_ok=True)
    provider = f'model_providers.local={{name="local", base_url="{base_url}", env_key="TOKEN", wire_api="responses"}}'
    command = [str(codex_bin), "-c", "model_provider=local", "-c", provider, *CODEX_EXEC, *args]
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(home), "CODEX_HOME": str(home), "TOKEN": "sk-A",
                   "TZ": "UTC", "LANG": "C.UTF-8", **(env or {})}
    return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, cwd=home,
                          env=environment, timeout=CODEX_TIMEOUT)


def post_json(url: str, payload: object) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_codex_gets_the_answer_from_the_fake_backend(codex_bin: Path, backend: FakeBackend, tmp_path: Path) -> None:
    backend.add_account("A", api_key="sk-A")
    result = codex_direct(codex_bin, tmp_path, f"{backend.origin}/v1", "say hi")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Hello from account A."
    [request] = backend.model_requests()
    assert request.path == "/v1/responses"
    assert request.headers["originator"] == "codex_exec"
    assert request.body["stream"] is True and request.body["store"] is False
    assert request.headers["session-id"] == request.body["prompt_cache_key"]


def test_codex_over_tls_with_the_test_ca(codex_bin: Path, tls_backend: FakeBackend,
                                         test_ca: TestCertificateAuthority, tmp_path: Path) -> None:
    tls_backend.add_account("A", api_key="sk-A")
    result = codex_direct(codex_bin, tmp_path, f"{tls_backend.origin}/v1", "say hi",
                          env={"CODEX_CA_CERTIFICATE": str(test_ca.ca_pem)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Hello from account A."


def test_codex_shows_the_usage_limit_reset_time(codex_bin: Path, backend: FakeBackend, tmp_path: Path) -> None:
    resets_at = int(time.time()) + 2 * 3600
    backend.add_account("A", api_key="sk-A", default=Answer("usage_limit", resets_at=resets_at))
    result = codex_direct(codex_bin, tmp_path, f"{backend.origin}/v1", "say hi")
    assert result.returncode == 1
    assert retry_time_shown(result.stderr) == clock_time_utc(resets_at), result.stderr
    assert len(backend.model_requests()) == 1, "Codex never retries a usage-limit 429"


def test_codex_runs_the_tool_call_and_echoes_the_turn_state(codex_bin: Path, backend: FakeBackend,
                                                            tmp_path: Path) -> None:
    backend.add_account("A", api_key="sk-A", script=[Answer("tool_call")])
    result = codex_direct(codex_bin, tmp_path, f"{backend.origin}/v1", "-m", "gpt-5.5", "run the tool")
    assert result.returncode == 0, result.stderr
    first, follow_up = backend.model_requests()
    assert first.answer == "tool_call" and "tools" in first.body
    assert follow_up.headers["x-codex-turn-state"].startswith("ts-A-")
    assert [item["type"] for item in follow_up.input_items][-2:] == ["function_call", "function_call_output"]


def test_refresh_tokens_are_single_use_and_reuse_revokes(backend: FakeBackend) -> None:
    account = backend.add_account("A")
    first = account.refresh_token
    body = {"client_id": "app_EMoamEEZ73f0CkXaXp7hrann", "grant_type": "refresh_token", "refresh_token": first}
    status, tokens = post_json(f"{backend.origin}/oauth/token", body)
    assert status == 200 and tokens["refresh_token"] != first
    assert tokens["access_token"] == account.access_token
    status, error = post_json(f"{backend.origin}/oauth/token", body)
    assert (status, error["error"]["code"]) == (401, "refresh_token_reused")
    assert account.revoked
    status, error = post_json(f"{backend.origin}/oauth/token", dict(body, refresh_token=tokens["refresh_token"]))
    assert (status, error["error"]["code"]) == (401, "refresh_token_invalidated")
    assert len(backend.refresh_calls()) == 3


@pytest.mark.parametrize("kind", ["usage_limit", "unauthorized"])
def test_scripted_errors_are_json(backend: FakeBackend, kind: str) -> None:
    account = backend.add_account("A", script=[Answer(kind)])
    request = urllib.request.Request(
        f"{backend.base_url}/responses", data=b'{"model":"gpt-5.5","input":[]}', method="POST",
        headers={"authorization": f"Bearer {account.access_token}", "chatgpt-account-id": account.account_id,
                 "content-type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    error = json.loads(raised.value.read())["error"]
    if kind == "usage_limit":
        assert raised.value.code == 429 and error["type"] == "usage_limit_reached" and error["resets_at"] > time.time()
    else:
        assert raised.value.code == 401
