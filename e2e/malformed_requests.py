"""Seeded, reproducible malformed requests for rotor's proxy, each with the answers its contract allows.

`generate(seed, count, proxy)` yields `count` cases. Case `i` depends only on (seed, i): its random choices come
from `random.Random(f"{seed}:{i}")`, so `build(seed, i, proxy)` rebuilds any one case a report names. The port and
secret of the proxy are substituted into otherwise identical bytes.

Categories (the rows of the test's table):
  not-http        bytes that are no HTTP request at all (binary, TLS, HTTP/2, other protocols), then end of input
  truncated       a request cut at a random byte, then end of input
  request-line    methods, targets (absolute-form, `*`, CONNECT, huge), versions, request-line whitespace
  header-guards   the secret, Host and Origin: missing, wrong, duplicated, odd spellings, and their order
  header-framing  Content-Length / Transfer-Encoding / chunk syntax, Expect, Connection, Upgrade
  header-bytes    huge and very many headers, malformed header lines, control and non-UTF-8 bytes
  body-json       POST bodies with the secret: broken JSON, wrong member types, duplicates, nesting, numbers
  body-encoding   Content-Encoding, charsets and BOMs, empty bodies, bodies over the cap, chunked bodies
  valid-enough    odd but valid requests that rotor must forward (the upstream answers them 200)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from malformed_bodies import body_encoding, body_json, valid_enough
from malformed_headers import header_bytes, header_framing, header_guards
from malformed_lines import not_http, request_line, truncated
from malformed_parts import Case
from proxy_contract import ProxyUnderTest

CATEGORIES: list[tuple[str, float]] = [
    ("not-http", 2.5), ("truncated", 2.5), ("request-line", 8), ("header-guards", 37), ("header-framing", 5),
    ("header-bytes", 7), ("body-json", 24), ("body-encoding", 13.5), ("valid-enough", 0.45),
]
GENERATORS: dict[str, Callable[[random.Random, ProxyUnderTest, int], Case]] = {
    "not-http": not_http, "truncated": truncated, "request-line": request_line, "header-guards": header_guards,
    "header-framing": header_framing, "header-bytes": header_bytes, "body-json": body_json,
    "body-encoding": body_encoding, "valid-enough": valid_enough,
}
CATEGORY_NAMES = [name for name, _ in CATEGORIES]
CATEGORY_WEIGHTS = [weight for _, weight in CATEGORIES]


def generate(seed: int, count: int, proxy: ProxyUnderTest, shard: int = 0, shards: int = 1) -> Iterator[Case]:
    """Cases `shard`, `shard + shards`, … below `count`; case `i` is built from `random.Random(f"{seed}:{i}")` alone,
    so the shards together are the same cases as one run."""
    for index in range(shard, count, shards):
        yield build(seed, index, proxy)


def build(seed: int, index: int, proxy: ProxyUnderTest) -> Case:
    """Case `index` of the run with `seed`, alone (to reproduce one case a report names)."""
    rng = random.Random(f"{seed}:{index}")
    category = rng.choices(CATEGORY_NAMES, CATEGORY_WEIGHTS)[0]
    return GENERATORS[category](rng, proxy, index)
