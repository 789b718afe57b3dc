"""What rotor's proxy must answer to a request, as docs/proxy.md states it, modelled in Python for the bad-input
test; and the invariants every body that reaches the upstream must satisfy.

The model follows the documented order: the secret (401), exactly one `Host` line (400) on the allowlist (403), no `Origin` (403), no
`CONNECT` (405), no absolute-form target (400), a declared body within the cap (413); then the routes (404, a
websocket upgrade 426), a compressed body (415), the body cap while reading (413) and the body rules (400), and
only then the upstream (200 from the fake backend). The body rules are judged against strict JSON (RFC 8259: UTF-8,
the number grammar, no raw control characters in strings), because the upstream parses strictly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

CREATE_PATHS = (b"/v1/responses", b"/responses", b"/backend-api/codex/responses")
ENCRYPTED_REASONING = "reasoning.encrypted_content"
# Every code of a 400 about the body, for bodies whose first problem the model does not pin down.
BODY_CODES = frozenset({"invalid_json", "invalid_request_body", "invalid_request_member", "duplicate_request_member",
                        "previous_response_id_unsupported"})
# Nesting rotor's JSON decoder refuses somewhere above (its limit is not part of the contract).
DEEP_NESTING = 500


@dataclass(frozen=True)
class Expected:
    """The answers a request may get. A union of these (`|`) allows each of their answers."""

    # Status of a JSON error answer -> the `error.code`s allowed with it (None: any code).
    errors: dict[int, frozenset[str] | None] = field(default_factory=dict)
    forwarded: bool = False  # relayed from the upstream: 200 with `x-rotor-account`
    refused: bool = False  # bytes the HTTP parser refuses: a JSON 4xx (any), then the connection may close
    silent_close: bool = False  # not HTTP at all: closing without an answer is also right

    def __or__(self, other: Expected) -> Expected:
        errors = dict(self.errors)
        for status, codes in other.errors.items():
            mine = errors.get(status, frozenset())
            errors[status] = None if mine is None or codes is None else mine | codes
        return Expected(errors, self.forwarded or other.forwarded, self.refused or other.refused,
                        self.silent_close or other.silent_close)

    def describe(self) -> str:
        parts = [f"{status} JSON" + (f" ({'|'.join(sorted(codes))})" if codes is not None else "")
                 for status, codes in sorted(self.errors.items())]
        parts += ["forwarded 200"] if self.forwarded else []
        parts += ["a JSON 4xx refusal"] if self.refused else []
        parts += ["a close without answer"] if self.silent_close else []
        return " or ".join(parts)


def error(status: int, *codes: str) -> Expected:
    """A JSON error answer with this status and one of these codes (any code when none is given)."""
    return Expected(errors={status: frozenset(codes) if codes else None})


FORWARDED = Expected(forwarded=True)
REFUSED = Expected(refused=True)
NOT_HTTP = Expected(refused=True, silent_close=True)


@dataclass
class Request:
    """One HTTP/1.1 request as bytes go on the wire, so that every part can be mutated.

    `wellformed` says whether any HTTP/1.1 parser must accept the bytes (True), must refuse them (False), or may do
    either (None: the RFCs leave it open or allow both rejecting and repairing).
    """

    method: bytes = b"POST"
    target: bytes = b"/v1/responses"
    version: bytes = b"HTTP/1.1"
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
    chunked: bool = False
    wellformed: bool | None = True
    raw: bytes | None = None  # bytes sent instead of the serialized parts (edited after serializing)

    def but(self, **changes: Any) -> Request:
        """A copy with `changes` (`dataclasses.replace` without its cost: cases are made by the hundred thousand)."""
        copy = Request.__new__(Request)
        copy.__dict__ = {**self.__dict__, **changes}
        return copy

    def values(self, name: bytes) -> list[bytes]:
        """The values of every header named `name` (case-insensitive), OWS removed, in order."""
        size = len(name)
        return [value.strip(b" \t") for key, value in self.headers if len(key) == size and key.lower() == name]

    def fields(self, *names: bytes) -> dict[bytes, list[bytes]]:
        """`values` of each of `names`, in one pass over the headers."""
        found: dict[bytes, list[bytes]] = {name: [] for name in names}
        for key, value in self.headers:
            values = found.get(key.lower())
            if values is not None:
                values.append(value.strip(b" \t"))
        return found

    def without(self, *names: bytes) -> Request:
        """A copy without the headers named `names`."""
        return self.but(headers=[(k, v) for k, v in self.headers if k.lower() not in names])

    def with_headers(self, *headers: tuple[bytes, bytes]) -> Request:
        """A copy with `headers` appended."""
        return self.but(headers=[*self.headers, *headers])

    def framed(self, body: bytes, *, chunked: bool = False) -> Request:
        """A copy carrying `body` with a correct `Content-Length` (or as one chunk)."""
        headers = [(k, v) for k, v in self.headers if k.lower() not in (b"content-length", b"transfer-encoding")]
        headers.append((b"Transfer-Encoding", b"chunked") if chunked else (b"Content-Length", b"%d" % len(body)))
        return self.but(headers=headers, body=body, chunked=chunked)

    def edited(self, raw: bytes, wellformed: bool | None) -> Request:
        """A copy sent as `raw` (the model still judges its parts), parsed with the given certainty."""
        return self.but(raw=raw, wellformed=wellformed)

    def serialize(self) -> bytes:
        if self.raw is not None:
            return self.raw
        lines = [b" ".join((self.method, self.target, self.version))]
        lines += [name + b": " + value for name, value in self.headers]
        head = b"\r\n".join(lines) + b"\r\n\r\n"
        if not self.chunked:
            return head + self.body
        chunk = b"%x\r\n%s\r\n" % (len(self.body), self.body) if self.body else b""
        return head + chunk + b"0\r\n\r\n"


@dataclass(frozen=True)
class ProxyUnderTest:
    """What the model needs to know about the running proxy."""

    port: int
    secret: str
    max_body_bytes: int

    @property
    def allowed_hosts(self) -> set[bytes]:
        return {f"{host}:{self.port}".encode() for host in ("127.0.0.1", "localhost", "[::1]")}


def expected_answer(request: Request, proxy: ProxyUnderTest) -> Expected:
    """The answers the contract allows for `request`, given how certain its parsing is."""
    if request.wellformed is False:
        return REFUSED
    answer = _contract_answer(request, proxy)
    return answer if request.wellformed else answer | REFUSED


def _contract_answer(request: Request, proxy: ProxyUnderTest) -> Expected:
    fields = request.fields(b"authorization", b"x-api-key", b"host", b"origin", b"content-length", b"upgrade",
                            b"content-encoding")
    if not _presents_secret(fields, proxy.secret):
        return error(401, "invalid_proxy_secret")
    hosts = fields[b"host"]
    if len(hosts) > 1:
        return error(400, "several_hosts")
    if not hosts or hosts[0].lower() not in proxy.allowed_hosts:
        return error(403, "forbidden_host")
    if fields[b"origin"]:
        return error(403, "forbidden_origin")
    if request.method == b"CONNECT":
        return error(405, "method_not_allowed")
    if not request.target.startswith(b"/") and request.target != b"*":
        return error(400, "absolute_form_target")
    lengths = fields[b"content-length"]
    if lengths and lengths[0].isdigit() and int(lengths[0]) > proxy.max_body_bytes:
        return error(413, "request_too_large")
    if request.target.split(b"?", 1)[0] not in CREATE_PATHS:
        return error(404, "not_found")
    if any(b"websocket" in value.lower() for value in fields[b"upgrade"]):
        return error(426, "websocket_unsupported")
    if request.method != b"POST":
        return error(404, "not_found")
    encodings = fields[b"content-encoding"]
    if encodings and b", ".join(encodings).lower() != b"identity":
        return error(415, "unsupported_content_encoding")
    if len(request.body) > proxy.max_body_bytes:
        return error(413, "request_too_large")
    return body_answer(request.body)


def _presents_secret(fields: dict[bytes, list[bytes]], secret: str) -> bool:
    """`Authorization: Bearer <secret>` (scheme case-insensitive) or `x-api-key: <secret>`, any of several."""
    expected = secret.encode()
    for value in fields[b"authorization"]:
        scheme, _, credentials = value.partition(b" ")
        if scheme.lower() == b"bearer" and credentials.strip(b" \t") == expected:
            return True
    return any(value == expected for value in fields[b"x-api-key"])


class _NotJSON(ValueError):
    pass


class JSONNumber:
    """A JSON number, kept as its text (so no size limit applies, and it is never taken for a string)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def strict_json(raw: bytes) -> Any:
    """`raw` parsed as strict JSON (UTF-8, RFC 8259 grammar, no NaN/Infinity); numbers stay as their text.
    Raises ValueError when it is not JSON, RecursionError when it nests deeper than Python parses."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as failure:
        raise _NotJSON(f"not UTF-8: {failure}") from None

    def refuse_constant(name: str) -> Any:
        raise _NotJSON(f"{name} is not JSON")

    return json.loads(text, parse_int=JSONNumber, parse_float=JSONNumber, parse_constant=refuse_constant,
                      object_pairs_hook=JSONObject)


class JSONObject:
    """An object's members in order, duplicates kept (the upstream may read either of two duplicates)."""

    def __init__(self, members: list[tuple[str, Any]]) -> None:
        self.members = members

    def get_all(self, key: str) -> list[Any]:
        return [value for name, value in self.members if name == key]


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def brackets_balance(raw: bytes) -> bool:
    """Whether as many `[`/`{` as `]`/`}` stand outside strings (a cheap check where Python cannot parse)."""
    bare = _STRING.sub(b"", raw)
    return bare.count(b"[") + bare.count(b"{") == bare.count(b"]") + bare.count(b"}")


def deeper_than(value: Any, limit: int) -> bool:
    """Whether a parsed document nests arrays and objects more than `limit` deep."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.members if isinstance(node, JSONObject) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        for child in children:
            stack.append((child[1] if isinstance(node, JSONObject) else child, depth + 1))
    return False


def body_answer(body: bytes) -> Expected:
    """The answer to a create-response body that passed every guard: 400 with the body rule it breaks, or the
    upstream's 200."""
    # Deep nesting and escaped surrogates: where rotor's decoder draws the line is not part of the contract.
    undetermined = FORWARDED | error(400, *BODY_CODES)
    first = body.lstrip(b" \t\r\n")[:1]
    try:
        document = strict_json(body)
    except ValueError:
        return error(400, "invalid_request_body") if first != b"{" else error(400, *BODY_CODES - {"invalid_request_body"})
    except RecursionError:
        return undetermined if first == b"{" and brackets_balance(body) else error(400, *BODY_CODES)
    if not isinstance(document, JSONObject):
        return error(400, "invalid_request_body")
    if b"\\ud" in body.lower() or (body.count(b"[") > DEEP_NESTING and deeper_than(document, DEEP_NESTING)):
        return undetermined
    duplicated = [name for name in ("stream", "store", "include", "previous_response_id", "prompt_cache_key")
                  if len(document.get_all(name)) > 1]
    mistyped = [name for name, value in document.members if not _well_typed(name, value)]
    if duplicated:
        return error(400, "duplicate_request_member", *(["invalid_request_member"] if mistyped else []))
    if mistyped:
        return error(400, "invalid_request_member")
    if document.get_all("previous_response_id") not in ([], [None]):
        return error(400, "previous_response_id_unsupported")
    return FORWARDED


def _well_typed(name: str, value: Any) -> bool:
    """Whether a top-level member rotor reads has a type it accepts (null stands for absent)."""
    if value is None:
        return True
    if name in ("stream", "store"):
        return isinstance(value, bool)
    if name == "include":
        return isinstance(value, list) and all(isinstance(entry, str) for entry in value)
    if name in ("previous_response_id", "prompt_cache_key"):
        return isinstance(value, str)
    return True


def upstream_body_violations(raw: bytes) -> list[str]:
    """Why a body the upstream received breaks the request invariants (empty when it passes): it parses as strict
    JSON, and every top-level `stream` is true, every `store` false, every `include` an array with
    `reasoning.encrypted_content` — each present, and duplicates all satisfying them."""
    try:
        document = strict_json(raw)
    except (ValueError, RecursionError) as failure:
        return [f"not strict JSON ({failure})"]
    if not isinstance(document, JSONObject):
        return ["not a JSON object"]
    problems = []
    for name, wanted in (("stream", True), ("store", False)):
        values = document.get_all(name)
        if not values or any(value is not wanted for value in values):
            problems.append(f"{name} is {values or 'absent'}, not {json.dumps(wanted)}")
    includes = document.get_all("include")
    if not includes or any(not isinstance(value, list) or ENCRYPTED_REASONING not in value for value in includes):
        problems.append(f"include is {includes or 'absent'}, without {ENCRYPTED_REASONING}")
    return problems
