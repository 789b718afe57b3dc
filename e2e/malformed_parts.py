"""Building blocks of the bad-input cases: the `Case` sent and judged, requests that pass every guard, and bodies
like Codex sends (see malformed_requests.py for the categories)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from proxy_contract import Expected, ProxyUnderTest, Request, expected_answer

# A body every guard lets through and the body rules refuse (400): requests that must not reach the upstream.
REFUSED_BODY = b'{"model":"gpt-5.5","input":"hi","stream":"yes"}'


@dataclass(frozen=True)
class Case:
    """One generated input: the bytes sent on a connection, and what must come back."""

    index: int
    category: str
    kind: str
    data: bytes
    expected: Expected
    method: bytes = b""  # HEAD and CONNECT answers are read differently
    reuse: bool = False  # the connection may carry the next case after the answer
    half_close: bool = False  # end our side of the connection after sending

    def describe(self) -> str:
        shown = self.data if len(self.data) <= 400 else self.data[:300] + b"..." + self.data[-60:]
        return f"#{self.index} {self.category}/{self.kind} ({len(self.data)} bytes): {shown!r}"



# Base requests


def base_body(rng: random.Random) -> dict[str, object]:
    """A create-response body like Codex sends, with some variety."""
    body: dict[str, object] = {
        "model": rng.choice(["gpt-5.5", "gpt-5.3-codex", "o4-mini"]),
        "instructions": "You are a coding agent.",
        "input": [{"type": "message", "role": "user",
                   "content": [{"type": "input_text", "text": rng.choice(["say hi", "héllo ✓", "1+1?", ""])}]}],
        "tools": [],
        "tool_choice": "auto",
        "parallel_tool_calls": False,
        "reasoning": {"effort": rng.choice(["low", "medium", "high"]), "summary": "auto"},
        "store": False,
        "stream": True,
        "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": f"conv-{rng.randrange(8)}",
    }
    for optional in ("tools", "tool_choice", "parallel_tool_calls", "reasoning", "store", "include",
                     "prompt_cache_key", "instructions"):
        if rng.random() < 0.2:
            del body[optional]
    return body


def encode(body: object, rng: random.Random) -> bytes:
    """`body` as JSON text, compact or spaced."""
    if rng.random() < 0.5:
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return json.dumps(body, indent=rng.choice([None, 1]), ensure_ascii=rng.random() < 0.5).encode()


def guarded(proxy: ProxyUnderTest, method: bytes = b"POST", target: bytes = b"/v1/responses") -> Request:
    """A request that passes every guard (the secret, a loopback Host), without a body yet."""
    return Request(method=method, target=target, headers=[
        (b"Host", f"127.0.0.1:{proxy.port}".encode()),
        (b"Authorization", f"Bearer {proxy.secret}".encode()),
        (b"Content-Type", b"application/json"),
    ])


def refused_post(proxy: ProxyUnderTest, rng: random.Random) -> Request:
    """A guarded POST to a create path whose body the body rules refuse."""
    target = rng.choice([b"/v1/responses", b"/responses", b"/backend-api/codex/responses"])
    return guarded(proxy, target=target).framed(REFUSED_BODY)


def any_request(proxy: ProxyUnderTest, rng: random.Random, refused_posts: float = 0.6) -> Request:
    """A guarded request: a refused POST (share `refused_posts`), else mostly a bodiless GET, or a POST elsewhere."""
    roll = rng.random()
    if roll < refused_posts:
        return refused_post(proxy, rng)
    if roll < refused_posts + (1 - refused_posts) * 0.7:
        return guarded(proxy, b"GET", rng.choice([b"/", b"/v1/models", b"/v1/responses", b"/health"]))
    return guarded(proxy, b"POST", b"/v1/chat/completions").framed(b'{"messages":[]}')


def case_of(request: Request, category: str, kind: str, proxy: ProxyUnderTest, index: int, *,
            expected: Expected | None = None, trailing: bytes = b"", half_close: bool = False,
            framing_clear: bool = True) -> Case:
    """A case sending `request` (plus `trailing` bytes). The connection may carry the next case when the message's
    end is beyond doubt: parsed (a refusal closes the connection), and the body framed in one clear way."""
    upgrade = bool(request.values(b"upgrade"))
    closing = any(b"close" in value.lower() for value in request.values(b"connection"))
    parsed_whole = request.wellformed is True or (request.wellformed is None and framing_clear)
    reuse = (parsed_whole and request.version == b"HTTP/1.1" and request.method != b"CONNECT"
             and not upgrade and not closing and not trailing and not half_close)
    return Case(index=index, category=category, kind=kind, data=request.serialize() + trailing,
                expected=expected if expected is not None else expected_answer(request, proxy),
                method=request.method, reuse=reuse, half_close=half_close)
