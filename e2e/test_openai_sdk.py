"""The official openai Python SDK, streaming and non-streaming, through `rotor run -- python3 script.py` (the
openai-env profile) and through a standalone `rotor proxy`."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import openai
import pytest
from openai import OpenAI

from fake_backend import Answer, FakeBackend
from workspace import Workspace, start_proxy

SDK_CLIENT = Path(__file__).parent / "sdk_client.py"


def assert_invariants_enforced(backend: FakeBackend) -> None:
    """rotor made the SDK's request one the ChatGPT backend accepts (stream, store, include)."""
    for request in backend.model_requests():
        assert request.body["stream"] is True
        assert request.body["store"] is False
        assert "reasoning.encrypted_content" in request.body["include"]


@pytest.mark.parametrize("mode", ["stream", "plain"])
def test_sdk_script_through_rotor_run(workspace: Workspace, backend: FakeBackend, mode: str) -> None:
    account = backend.add_account("A")
    workspace.import_accounts("A")
    dump = workspace.root / "child-env.json"

    result = workspace.rotor("run", "--", "python3", str(SDK_CLIENT), mode, E2E_ENV_DUMP=str(dump))

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Hello from account A.", "usage: 1212"]
    assert backend.served() == [("A", 200)]
    assert_invariants_enforced(backend)
    child_env = json.loads(dump.read_text())
    assert child_env["OPENAI_BASE_URL"].startswith("http://127.0.0.1:")
    assert child_env["OPENAI_API_KEY"], "the child gets the per-run proxy secret as its API key"
    secrets = (account.access_token, account.refresh_token, account.id_token)
    assert not [key for key, value in child_env.items() if any(secret in value for secret in secrets)], \
        "no account token reaches the child's environment"


def test_sdk_through_rotor_proxy(workspace: Workspace, backend: FakeBackend) -> None:
    backend.add_account("A")
    workspace.import_accounts("A")
    proxy = start_proxy(workspace)
    assert proxy.url == f"http://127.0.0.1:{proxy.port}/v1"
    assert proxy.secret_file.stat().st_mode & 0o777 == 0o600
    client = OpenAI(base_url=proxy.url, api_key=proxy.secret, max_retries=0, timeout=60)

    plain = client.responses.create(model="gpt-5.5", input="say hi")
    streamed = [event for event in client.responses.create(model="gpt-5.5", input="say hi", stream=True)]

    assert plain.output_text == "Hello from account A."
    assert plain.usage is not None and plain.usage.total_tokens == 1212
    deltas = "".join(event.delta for event in streamed if event.type == "response.output_text.delta")
    assert deltas == "Hello from account A."
    assert streamed[-1].type == "response.completed"
    assert backend.served() == [("A", 200), ("A", 200)]
    assert_invariants_enforced(backend)

    proxy.process.terminate()
    assert proxy.process.wait(timeout=30) == 0, "SIGTERM stops the proxy gracefully"


def test_sdk_stream_broken_mid_event_raises_the_api_error(workspace: Workspace, backend: FakeBackend) -> None:
    """The upstream drops the connection in the middle of an event: the SDK gets the complete events, then rotor's
    interruption event on its own, and raises the API error with rotor's message (not a JSON decode error)."""
    backend.add_account("A", default=Answer(kind="break_mid_event"))
    # The upstream drops the connection only once the client has the whole events: a drop that races them may take
    # them with it inside the HTTP client, which is not what this test is about.
    backend.break_gate = threading.Event()
    workspace.import_accounts("A")
    proxy = start_proxy(workspace)
    client = OpenAI(base_url=proxy.url, api_key=proxy.secret, max_retries=0, timeout=60)
    seen: list[str] = []

    with pytest.raises(openai.APIError) as raised:
        for event in client.responses.create(model="gpt-5.5", input="say hi", stream=True):
            seen.append(event.type)
            if len(seen) == 2:
                backend.break_gate.set()

    assert type(raised.value) is openai.APIError, f"an API error, not {type(raised.value).__name__}"
    assert raised.value.message.startswith("rotor lost the upstream stream after it started"), raised.value.message
    assert isinstance(raised.value.body, dict) and raised.value.body.get("code") == "rotor_stream_interrupted"
    assert seen == ["response.created", "response.output_item.added"]
    assert backend.served() == [("A", 200)]


def test_sdk_stream_survives_a_stopped_proxy(workspace: Workspace, backend: FakeBackend) -> None:
    """rotor is stopped (as Ctrl-Z stops it together with Codex) for 2.5 times its idle timeout while it waits for
    the upstream's next event, which comes right after rotor continues: time rotor did not run is not upstream
    silence, so the stream completes intact and the account stays ready."""
    paused = Answer(kind="paused")
    backend.add_account("A", default=paused)
    workspace.import_accounts("A")
    proxy = start_proxy(workspace, ROTOR_IDLE_TIMEOUT="1")
    client = OpenAI(base_url=proxy.url, api_key=proxy.secret, max_retries=0, timeout=60)

    events = iter(client.responses.create(model="gpt-5.5", input="say hi", stream=True))
    seen: list[Any] = []
    while not seen or seen[-1].type != "response.output_text.delta":
        seen.append(next(events))
    os.kill(proxy.process.pid, signal.SIGSTOP)
    try:
        time.sleep(2.5)
    finally:
        os.kill(proxy.process.pid, signal.SIGCONT)
        paused.resume.set()
    seen += list(events)

    deltas = "".join(event.delta for event in seen if event.type == "response.output_text.delta")
    assert deltas == "Hello from account A."
    assert seen[-1].type == "response.completed"
    [listed] = workspace.accounts_json()
    assert listed["state"] == "ready", listed


def test_rotor_proxy_refuses_a_wrong_secret(workspace: Workspace, backend: FakeBackend) -> None:
    backend.add_account("A")
    workspace.import_accounts("A")
    proxy = start_proxy(workspace)
    client = OpenAI(base_url=proxy.url, api_key="not-the-secret", max_retries=0, timeout=30)

    with pytest.raises(Exception) as raised:
        client.responses.create(model="gpt-5.5", input="say hi")

    assert getattr(raised.value, "status_code", None) == 401
    assert backend.model_requests() == []
