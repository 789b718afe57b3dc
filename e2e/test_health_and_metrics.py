"""`GET /healthz` and `GET /metrics` of a real `rotor proxy` against the fake backend: the health answer as the
accounts change, and the Prometheus metrics, parsed by the official client library's parser, with exact counts after
a scripted rotation and a token refresh."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from fake_backend import Answer, FakeBackend
from workspace import RunningProxy, Workspace, start_proxy


def get(url: str, secret: str | None) -> tuple[int, str, bytes]:
    """(status, content type, body) of a GET of `url`, with the proxy secret when given."""
    request = urllib.request.Request(url, method="GET")
    if secret is not None:
        request.add_header("Authorization", f"Bearer {secret}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read()


def scrape(proxy: RunningProxy) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the proxy's `/metrics`, parsed by prometheus_client: (name, sorted labels) -> value."""
    status, content_type, body = get(proxy.metrics, proxy.secret)
    assert status == 200, body
    assert content_type == "text/plain; version=0.0.4; charset=utf-8"
    samples = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def counters(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float]) -> dict[str, float]:
    """The non-zero counters and gauges, as `name{label="value"}` -> value (histograms left out)."""
    return {
        name + ("{" + ",".join(f'{k}="{v}"' for k, v in labels) + "}" if labels else ""): value
        for (name, labels), value in samples.items()
        if value != 0 and not name.startswith(("rotor_time_to_first_byte_seconds", "rotor_request_duration_seconds"))
    }


def test_metrics_count_a_failover_and_a_token_refresh(workspace: Workspace, backend: FakeBackend) -> None:
    backend.add_account("A")
    backend.add_account("B")
    # Whichever account rotor tries first is rate-limited for ten minutes; the other serves.
    backend.answer_first_request(Answer("rate_limit", retry_after=600))
    workspace.import_accounts("A", "B")
    proxy = start_proxy(workspace)
    assert proxy.metrics == f"http://127.0.0.1:{proxy.port}/metrics", "the ready line names the metrics URL"

    assert counters(scrape(proxy)) == {'rotor_accounts{state="ready"}': 2}

    first = proxy.create_response()
    (limited, limited_status), (healthy, healthy_status) = backend.served()
    assert (limited_status, healthy_status) == (429, 200) and limited != healthy
    backend.expire_access_token(healthy)
    second = proxy.create_response()
    assert backend.served()[2:] == [(healthy, 401), (healthy, 200)]
    assert [call.status for call in backend.refresh_calls()] == [200]

    samples = scrape(proxy)
    assert counters(samples) == {
        'rotor_requests_total{outcome="success"}': 2,
        'rotor_attempts_total{classification="rate_limit"}': 1,
        'rotor_attempts_total{classification="unauthorized"}': 1,
        'rotor_attempts_total{classification="success"}': 2,
        "rotor_failovers_total": 1,
        'rotor_token_refreshes_total{result="success"}': 1,
        "rotor_relayed_bytes_total": len(first) + len(second),
        'rotor_accounts{state="ready"}': 1,
        'rotor_accounts{state="cooling"}': 1,
    }
    assert samples[("rotor_time_to_first_byte_seconds_count", ())] == 2
    assert samples[("rotor_request_duration_seconds_count", ())] == 2
    assert samples[("rotor_request_duration_seconds_bucket", (("le", "+Inf"),))] == 2

    proxy.process.terminate()
    assert proxy.process.wait(timeout=30) == 0


def test_healthz_follows_the_accounts_and_takes_the_secret(workspace: Workspace, backend: FakeBackend) -> None:
    backend.add_account("A")
    backend.add_account("B", default=Answer("rate_limit", retry_after=600))
    workspace.import_accounts("A", "B")
    proxy = start_proxy(workspace)
    health_url = proxy.healthz
    assert health_url == f"http://127.0.0.1:{proxy.port}/healthz", "the ready line names the health URL"

    for url in (health_url, proxy.metrics):
        assert get(url, None)[0] == 401
        assert get(url, "not-the-secret")[0] == 401

    status, content_type, body = get(health_url, proxy.secret)
    assert (status, content_type) == (200, "application/json")
    health = json.loads(body)
    assert health["status"] == "healthy"
    assert health["accounts"] == {"ready": 2, "cooling": 0, "needs_login": 0, "disabled": 0, "reserved": 0}
    assert isinstance(health["uptime_s"], int) and health["uptime_s"] >= 0

    # Route requests until B has been tried (and cooled): A keeps serving, so the proxy is degraded.
    for _ in range(2):
        proxy.create_response()
        if ("B", 429) in backend.served():
            break
    assert ("B", 429) in backend.served()
    status, _, body = get(health_url, proxy.secret)
    assert status == 200
    assert json.loads(body)["status"] == "degraded"
    assert json.loads(body)["accounts"] == {"ready": 1, "cooling": 1, "needs_login": 0, "disabled": 0, "reserved": 0}

    disabled = workspace.rotor("accounts", "disable", "a@example.com")
    assert disabled.returncode == 0, disabled.stderr
    status, _, body = get(health_url, proxy.secret)
    assert status == 503
    assert json.loads(body)["status"] == "unhealthy"
    assert json.loads(body)["accounts"] == {"ready": 0, "cooling": 1, "needs_login": 0, "disabled": 1, "reserved": 0}
    assert backend.served().count(("A", 200)) >= 1
