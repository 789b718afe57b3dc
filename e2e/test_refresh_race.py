"""Eight `rotor proxy` processes on one ROTOR_HOME, concurrent requests over every account, every access token
refused until refreshed, and an issuer whose refresh tokens are single-use: each account is refreshed exactly once,
no refresh token is ever reused, and every request is answered."""

from __future__ import annotations

import threading
import time
from collections import Counter

from openai import OpenAI

from fake_backend import FakeBackend
from workspace import RunningProxy, Workspace, start_proxy

PROXIES = 8
ACCOUNTS = ("A", "B", "C", "D")
REQUESTS_PER_PROXY = 6


def ask(proxy: RunningProxy, conversation: str) -> str:
    client = OpenAI(base_url=proxy.url, api_key=proxy.secret, max_retries=0, timeout=60)
    return client.responses.create(model="gpt-5.5", input="say hi", prompt_cache_key=conversation).output_text


def test_eight_proxies_refresh_each_account_exactly_once(workspace: Workspace, backend: FakeBackend) -> None:
    started = time.monotonic()
    for name in ACCOUNTS:
        backend.add_account(name)
    workspace.import_accounts(*ACCOUNTS)
    for name in ACCOUNTS:
        backend.expire_access_token(name)
    proxies = [start_proxy(workspace) for _ in range(PROXIES)]
    barrier = threading.Barrier(PROXIES, timeout=30)
    answers: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def work(index: int) -> None:
        try:
            barrier.wait()
            for request in range(REQUESTS_PER_PROXY):
                # A new conversation each time, so the pool's least-recently-used order spreads the requests.
                text = ask(proxies[index], f"race-{index}-{request}")
                with lock:
                    answers.append(text)
        except BaseException as error:  # reported below
            with lock:
                failures.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(PROXIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request through a proxy never finished"
    assert failures == []
    assert len(answers) == PROXIES * REQUESTS_PER_PROXY

    served = Counter(name for name, status in backend.served() if status == 200)
    assert set(served) == set(ACCOUNTS), f"requests did not reach every account: {served}"
    refreshes = backend.refresh_calls()
    per_account = Counter(call.account for call in refreshes)
    assert per_account == Counter({name: 1 for name in ACCOUNTS}), [(c.account, c.status) for c in refreshes]
    assert all(call.status == 200 for call in refreshes), [(c.account, c.status, c.body) for c in refreshes]
    assert not any(account.revoked for account in backend.accounts.values()), "a refresh token was reused"
    print(f"\nrefresh race: {PROXIES} proxies, {len(answers)} requests, served per account {dict(served)}, "
          f"refreshes per account {dict(per_account)}, 0 reused, {time.monotonic() - started:.1f} s")
