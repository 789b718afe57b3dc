"""Several `rotor proxy` processes sharing one ROTOR_HOME: a token refresh happens once across processes, and a
rate limit learned by one process steers the next request of another."""

from __future__ import annotations

import threading
import time

from openai import OpenAI

from fake_backend import Answer, FakeBackend
from workspace import RunningProxy, Workspace, start_proxy


def ask(proxy: RunningProxy) -> str:
    """One non-streaming request through `proxy`; returns the answer text."""
    client = OpenAI(base_url=proxy.url, api_key=proxy.secret, max_retries=0, timeout=60)
    return client.responses.create(model="gpt-5.5", input="say hi").output_text


def test_four_proxies_hitting_401_refresh_exactly_once(workspace: Workspace, backend: FakeBackend) -> None:
    account = backend.add_account("A")
    workspace.import_accounts("A")
    backend.expire_access_token("A")
    # Started one after the other: the first creates the shared secret file, the others read it.
    proxies = [start_proxy(workspace) for _ in range(4)]
    barrier = threading.Barrier(len(proxies), timeout=30)
    answers: dict[int, str] = {}
    failures: dict[int, BaseException] = {}

    def request(index: int) -> None:
        try:
            barrier.wait()
            answers[index] = ask(proxies[index])
        except BaseException as error:  # reported below, with the index
            failures[index] = error

    threads = [threading.Thread(target=request, args=(index,)) for index in range(len(proxies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request through a proxy never finished"

    assert failures == {}
    assert answers == {index: "Hello from account A." for index in range(len(proxies))}
    refreshes = backend.refresh_calls()
    assert len(refreshes) == 1 and refreshes[0].status == 200, [(r.status, r.body) for r in refreshes]
    assert not account.revoked, "no refresh token was used twice"


def test_a_limit_seen_by_one_proxy_steers_the_other(workspace: Workspace, backend: FakeBackend) -> None:
    backend.add_account("A")
    backend.add_account("B")
    backend.answer_first_request(Answer("usage_limit", resets_at=int(time.time()) + 3 * 3600))
    workspace.import_accounts("A", "B")
    first, second = start_proxy(workspace), start_proxy(workspace)

    answer = ask(first)
    (limited, limited_status), (healthy, healthy_status) = backend.served()
    assert (limited_status, healthy_status) == (429, 200) and answer == f"Hello from account {healthy}."
    # The other process learns of the limit only through the shared store.
    assert ask(second) == f"Hello from account {healthy}."

    assert backend.served() == [(limited, 429), (healthy, 200), (healthy, 200)]
    assert len(backend.requests_for(limited)) == 1, "no upstream call to the limited account from the other process"
