"""Bad-input cases that break a request before its headers: bytes that are not HTTP, requests cut short, and odd
request lines (methods, targets, versions, whitespace, CONNECT)."""

from __future__ import annotations

import random
from collections.abc import Callable

from malformed_parts import Case, any_request, base_body, case_of, encode, guarded
from proxy_contract import NOT_HTTP, ProxyUnderTest, Request

# not-http


# Bytes no request line starts with: neither a method's token characters nor the empty lines before one.
NON_TOKEN = bytes(b for b in range(256) if not (0x21 <= b <= 0x7E and chr(b) not in '"(),/:;<=>?@[\\]{}')
                  and b not in (0x0D, 0x0A))


def not_http(rng: random.Random, proxy: ProxyUnderTest, index: int) -> Case:
    kinds: dict[str, Callable[[], bytes]] = {
        "random-binary": lambda: bytes([rng.choice(NON_TOKEN)]) + rng.randbytes(rng.randrange(0, 4096)),
        "tls-client-hello": lambda: b"\x16\x03\x01" + len_prefixed(b"\x01\x00" + rng.randbytes(rng.randrange(40, 300))),
        "http2-preface": lambda: b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x12\x04\x00\x00\x00\x00\x00"
        + rng.randbytes(18),
        "other-protocol": lambda: rng.choice([
            b"SSH-2.0-OpenSSH_9.6p1\r\n", b"EHLO localhost\r\n", b"*1\r\n$4\r\nPING\r\n", b"\x00\x00\x00\x08\x04\xd2\x16\x2f",
            b"A001 CAPABILITY\r\n", b"\x05\x01\x00", b"\x04\x01\x00\x50\x7f\x00\x00\x01\x00",
        ]),
        "json-without-head": lambda: b'{"model":"gpt-5.5","input":"hi"}\r\n\r\n',
        "crlf-only": lambda: b"\r\n" * rng.randrange(1, 64),
        "nothing": lambda: b"",
        "printable-noise": lambda: bytes([rng.choice(b"{[<\"(@")])
        + bytes(rng.choice(b"abcdefgh :/\r\n\t=&?%") for _ in range(rng.randrange(1, 2000))),
    }
    kind = rng.choice(list(kinds))
    return Case(index=index, category="not-http", kind=kind, data=kinds[kind](), expected=NOT_HTTP, half_close=True)


def len_prefixed(payload: bytes) -> bytes:
    return len(payload).to_bytes(2, "big") + payload


# truncated


def truncated(rng: random.Random, proxy: ProxyUnderTest, index: int) -> Case:
    request = any_request(proxy, rng) if rng.random() < 0.5 else guarded(proxy).framed(
        encode(base_body(rng), rng), chunked=rng.random() < 0.3)
    data = request.serialize()
    cut = rng.randrange(1, len(data))
    where = "head" if cut < data.index(b"\r\n\r\n") + 4 else "body"
    # Cut short and ended: a JSON refusal (or the guard's JSON answer) or a close, never an upstream call.
    return Case(index=index, category="truncated", kind=f"cut-in-{where}", data=data[:cut], expected=NOT_HTTP,
                method=request.method, half_close=True)


# request-line

STANDARD_METHODS = [b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS", b"TRACE"]
EXTENSION_METHODS = [b"PROPFIND", b"MKCOL", b"COPY", b"MOVE", b"LOCK", b"UNLOCK", b"PURGE", b"SEARCH", b"REPORT",
                     b"M-SEARCH", b"NOTIFY", b"SUBSCRIBE", b"LINK", b"QUERY", b"ACL", b"BIND", b"PRI", b"FOO",
                     b"get", b"Post", b"X" * 300]
INVALID_METHODS = [b"", b"GE T", b"G\x00T", b"G(T", b"\xffGET", b"GET\x7f", b"G\tT", b"{}"]


def request_line(rng: random.Random, proxy: ProxyUnderTest, index: int) -> Case:
    request = any_request(proxy, rng)
    if rng.random() < 0.1:
        request = request.without(b"authorization")
    roll = rng.random()
    if roll < 0.3:
        kind, request = "method", with_method(request, rng)
    elif roll < 0.62:
        kind, request = target_mutation(request, rng, proxy)
    elif roll < 0.8:
        kind, request = version_mutation(request, rng)
    elif roll < 0.9:
        kind, request = whitespace_mutation(request, rng)
    else:
        kind, request = connect(request, rng, proxy)
    return case_of(request, "request-line", kind, proxy, index)


def with_method(request: Request, rng: random.Random) -> Request:
    roll = rng.random()
    if roll < 0.45:
        return request.but(method=rng.choice(STANDARD_METHODS))
    if roll < 0.8:
        return request.but(method=rng.choice(EXTENSION_METHODS), wellformed=None)
    return request.but(method=rng.choice(INVALID_METHODS), wellformed=False)


def target_mutation(request: Request, rng: random.Random, proxy: ProxyUnderTest) -> tuple[str, Request]:
    port = proxy.port
    odd_origin = [b"/", b"/v1/responses/", b"/V1/RESPONSES", b"/v1/responses?x=1&y", b"/v1//responses",
                  b"/v1/responses/../responses", b"/%76%31/responses", b"/v1/responses%00", b"//v1/responses",
                  b"/v1/responses;x=1", b"/%ff%fe", b"/" + b"../" * 40 + b"etc/passwd",
                  b"/backend-api/codex/responses?stream=false"]
    not_quite = [b"/v1/models#frag", b"/?" + b"%" * 20, b"/v1/responses?\xff"]
    absolute = [f"http://127.0.0.1:{port}/v1/responses".encode(), b"https://evil.example/v1/responses",
                f"http://[::1]:{port}/".encode(), f"HTTP://LOCALHOST:{port}/responses".encode(),
                b"http://chatgpt.com/backend-api/codex/responses"]
    roll = rng.random()
    if roll < 0.32:
        return "odd-target", request.but(target=rng.choice(odd_origin))
    if roll < 0.4:
        # A fragment, bad percent-encoding, raw non-ASCII: invalid targets a parser may still let through.
        return "invalid-target", request.but(target=rng.choice(not_quite), wellformed=None)
    if roll < 0.6:
        return "absolute-form", request.but(target=rng.choice(absolute))
    if roll < 0.67:
        return "asterisk", request.but(target=b"*", wellformed=None)
    if roll < 0.74:
        weird = [b"127.0.0.1:80", b"ftp://x/", b"urn:x", b"evil.example", b"javascript:alert(1)"]
        return "scheme-less", request.but(target=rng.choice(weird), wellformed=None)
    if roll < 0.82:
        broken = [b"/a b", b"/a\x00b", b"/a\rb", b"/\x7f", b"/a\tb", b"/\x01"]
        return "broken-target", request.but(target=rng.choice(broken), wellformed=False)
    size = rng.choices([1000, 4000, 8000, 16000, 60000, 79000, 100000, 300000], [30, 20, 20, 10, 5, 5, 3, 1])[0]
    target = request.target + b"?" + b"a" * size
    # RFC 9112 asks servers to accept at least 8000 octets; beyond, 414 (or a parser's refusal) is right too.
    return f"huge-target-{size // 1000}k", request.but(target=target, wellformed=True if size <= 8000 else None)


def version_mutation(request: Request, rng: random.Random) -> tuple[str, Request]:
    roll = rng.random()
    if roll < 0.3:
        return "http-1.0", request.but(version=b"HTTP/1.0")
    if roll < 0.6:
        version = rng.choice([b"HTTP/1.2", b"HTTP/1.9", b"HTTP/2.0", b"HTTP/3.0", b"HTTP/9.9", b"HTTP/0.9"])
        return "other-version", request.but(version=version, wellformed=None)
    version = rng.choice([b"", b"http/1.1", b"HTTPS/1.1", b"HTTP/1.x", b"HTTP/11", b"HTTP/1.1.1", b"HTTP/1",
                          b"HTTP/-1.1", b"HTTP/1.1 x", b"\xff\xfe", b"HTTP/1.1\x00"])
    return "bad-version", request.but(version=version, wellformed=False)


def whitespace_mutation(request: Request, rng: random.Random) -> tuple[str, Request]:
    data = request.serialize()
    line_end = data.index(b"\r\n")
    line, rest = data[:line_end], data[line_end:]
    choice = rng.randrange(4)
    if choice == 0:
        line = line.replace(b" ", b"  ", 1)
    elif choice == 1:
        line = line.replace(b" ", b"\t")
    elif choice == 2:
        line = b"\r\n" * rng.randrange(1, 3) + line
    else:
        line = line + b" "
    # Raw bytes replace the request line: parsers may tolerate these (RFC 9112 allows lenient parsing) or refuse.
    return "request-line-whitespace", request.edited(line + rest, None)


def connect(request: Request, rng: random.Random, proxy: ProxyUnderTest) -> tuple[str, Request]:
    target = rng.choice([f"127.0.0.1:{proxy.port}".encode(), b"chatgpt.com:443", b"/v1/responses"])
    connected = as_connect(request, target)
    if target == b"/v1/responses":
        connected = connected.but(wellformed=None)  # CONNECT wants an authority-form target
    if rng.random() < 0.3:
        connected = connected.without(b"host").with_headers((b"Host", target))
    return "connect", connected


def as_connect(request: Request, target: bytes) -> Request:
    """`request` as a bodiless CONNECT to `target`."""
    stripped = request.without(b"content-length", b"transfer-encoding")
    return stripped.but(method=b"CONNECT", target=target, body=b"", chunked=False)
