"""Bad-input cases in the headers: the guards (secret, Host, Origin) and their order, body framing
(Content-Length, Transfer-Encoding, chunks, Expect, Connection, Upgrade), and the header bytes themselves."""

from __future__ import annotations

import base64
import random

from malformed_lines import as_connect
from malformed_parts import REFUSED_BODY, Case, any_request, case_of, guarded
from proxy_contract import NOT_HTTP, ProxyUnderTest, Request, error, expected_answer

# header-guards


def header_guards(rng: random.Random, proxy: ProxyUnderTest, index: int) -> Case:
    request = any_request(proxy, rng, refused_posts=0.35)
    mutations = [secret_mutation, host_mutation, origin_mutation]
    chosen = rng.sample(mutations, k=1 if rng.random() < 0.75 else rng.randrange(2, 4))
    kinds = []
    for mutate in chosen:
        kind, request = mutate(request, rng, proxy)
        kinds.append(kind)
    if len(chosen) > 1 and rng.random() < 0.5:
        # The guards' order: add a later guard's reason (CONNECT, absolute-form, a declared body over the cap).
        late = rng.choices(range(3), [1, 2, 2])[0]
        if late == 0:
            request = as_connect(request, f"127.0.0.1:{proxy.port}".encode())
        elif late == 1:
            request = request.but(target=b"http://127.0.0.1/v1/responses")
        else:
            request = declared_over_cap(request, proxy)
        kinds.append(["connect", "absolute", "over-cap"][late])
    return case_of(request, "header-guards", "+".join(kinds), proxy, index)


def declared_over_cap(request: Request, proxy: ProxyUnderTest) -> Request:
    """Declares a body over the cap and sends only its start (the guard answers from the head)."""
    declared = proxy.max_body_bytes + 1
    request = request.without(b"content-length", b"transfer-encoding")
    # Sends less than it declares: never reused, so the rest is never missed.
    return request.but(body=REFUSED_BODY, chunked=False, wellformed=True).with_headers(
        (b"Content-Length", str(declared).encode()), (b"Connection", b"close"))


def secret_mutation(request: Request, rng: random.Random, proxy: ProxyUnderTest) -> tuple[str, Request]:
    secret = proxy.secret
    bare = request.without(b"authorization", b"x-api-key")
    wrong = base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()
    flipped = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    variants: list[tuple[str, list[tuple[bytes, bytes]]]] = [
        ("secret-missing", []),
        ("secret-empty", [(b"Authorization", b"")]),
        ("secret-scheme-only", [(b"Authorization", b"Bearer")]),
        ("secret-wrong", [(b"Authorization", f"Bearer {wrong}".encode())]),
        ("secret-truncated", [(b"Authorization", f"Bearer {secret[:-1]}".encode())]),
        ("secret-extended", [(b"Authorization", f"Bearer {secret}x".encode())]),
        ("secret-one-char-off", [(b"Authorization", f"Bearer {flipped}".encode())]),
        ("secret-case-changed", [(b"Authorization", f"Bearer {secret.swapcase()}".encode())]),
        ("secret-basic-scheme", [(b"Authorization", f"Basic {secret}".encode())]),
        ("secret-no-scheme", [(b"Authorization", secret.encode())]),
        ("secret-in-proxy-authorization", [(b"Proxy-Authorization", f"Bearer {secret}".encode())]),
        ("secret-in-cookie", [(b"Cookie", f"secret={secret}".encode())]),
        ("secret-list", [(b"Authorization", f"Bearer {secret}, Bearer {wrong}".encode())]),
        ("secret-non-utf8", [(b"Authorization", b"Bearer " + secret.encode()[:-2] + b"\xff\xfe")]),
        ("api-key-wrong", [(b"x-api-key", wrong.encode())]),
        ("secret-lowercase-scheme", [(b"Authorization", f"bearer {secret}".encode())]),
        ("secret-spaced", [(b"authorization", f"BEARER    {secret}   ".encode())]),
        ("api-key", [(b"X-API-KEY", secret.encode())]),
        ("secret-duplicated-wrong-first", [(b"Authorization", f"Bearer {wrong}".encode()),
                                           (b"Authorization", f"Bearer {secret}".encode())]),
        ("secret-and-wrong-api-key", [(b"Authorization", f"Bearer {secret}".encode()), (b"x-api-key", wrong.encode())]),
    ]
    kind, headers = rng.choice(variants)
    return kind, bare.with_headers(*headers)


def host_mutation(request: Request, rng: random.Random, proxy: ProxyUnderTest) -> tuple[str, Request]:
    port = proxy.port
    bare = request.without(b"host")
    foreign = [b"evil.example", b"127.0.0.1", f"127.0.0.1:{port + 1}".encode(), f"127.0.0.1:{port}.".encode(),
               f"127.0.0.2:{port}".encode(), f"0.0.0.0:{port}".encode(), b"[::1]", f"127.0.0.1:0{port}".encode(),
               f"127.0.0.1:{port}, evil.example".encode(), b"", f"evil@127.0.0.1:{port}".encode(),
               b"a" * 5000, f"127.0.0.1:{port}\xff".encode("latin-1"), f"localhost.:{port}".encode(),
               f"127.1:{port}".encode(), f"2130706433:{port}".encode()]
    allowed = [f"LOCALHOST:{port}".encode(), f"[::1]:{port}".encode(), f"localhost:{port}".encode(),
               f"127.0.0.1:{port}".encode()]
    roll = rng.random()
    if roll < 0.15:
        return "host-missing", bare
    if roll < 0.6:
        return "host-foreign", bare.with_headers((b"Host", rng.choice(foreign)))
    if roll < 0.8:
        return "host-allowed-spelling", bare.with_headers((b"hOsT", rng.choice(allowed)))
    pair = [rng.choice(allowed), rng.choice(foreign)]
    if rng.random() < 0.5:
        pair.reverse()
        return "host-duplicated-foreign-first", bare.with_headers(*((b"Host", host) for host in pair))
    return "host-duplicated-foreign-second", bare.with_headers(*((b"Host", host) for host in pair))


def origin_mutation(request: Request, rng: random.Random, proxy: ProxyUnderTest) -> tuple[str, Request]:
    origin = rng.choice([b"null", b"", f"http://127.0.0.1:{proxy.port}".encode(), b"https://evil.example",
                         b"file://", b"chrome-extension://abcdef", b"\xff\xfe", b"x" * 3000])
    name = rng.choice([b"Origin", b"origin", b"ORIGIN"])
    return "origin", request.with_headers((name, origin))


# header-framing


def header_framing(rng: random.Random, proxy: ProxyUnderTest, index: int) -> Case:
    request = guarded(proxy, target=rng.choice([b"/v1/responses", b"/responses"]))
    body = REFUSED_BODY
    roll = rng.random()
    if roll < 0.3:
        return content_length_case(request, body, rng, proxy, index)
    if roll < 0.55:
        return transfer_encoding_case(request, body, rng, proxy, index)
    if roll < 0.75:
        return chunk_syntax_case(request, body, rng, proxy, index)
    if roll < 0.85:
        expectation = rng.choice([b"100-continue", b"100-Continue", b"200-ok", b"", b"100-continue, foo"])
        sent = request.framed(body).with_headers((b"Expect", expectation))
        # An expectation the server cannot meet may get 417 instead.
        return case_of(sent, "header-framing", "expect", proxy, index,
                       expected=expected_answer(sent, proxy) | error(417))
    if roll < 0.93:
        value = rng.choice([b"close", b"keep-alive", b"Close", b"upgrade", b"close, keep-alive", b"TE", b"\xff"])
        return case_of(request.framed(body).with_headers((b"Connection", value)), "header-framing", "connection",
                       proxy, index)
    target = rng.choice([b"/v1/responses", b"/", b"/backend-api/codex/responses"])
    upgrade = rng.choice([b"websocket", b"WebSocket", b"h2c", b"websocket, h2c", b"TLS/1.0"])
    upgraded = guarded(proxy, b"GET", target).with_headers(
        (b"Connection", b"Upgrade"), (b"Upgrade", upgrade), (b"Sec-WebSocket-Version", b"13"),
        (b"Sec-WebSocket-Key", b"dGhlIHNhbXBsZSBub25jZQ=="))
    return case_of(upgraded, "header-framing", "upgrade", proxy, index)


def content_length_case(request: Request, body: bytes, rng: random.Random, proxy: ProxyUnderTest,
                        index: int) -> Case:
    n = len(body)
    valid = [(b"%d" % n, "length-plain"), (b"000%d" % n, "length-leading-zeros"), (b"  %d  " % n, "length-spaced")]
    invalid = [b"+%d" % n, b"-1", b"%d %d" % (n, n), b"%d, %d" % (n, n), b"0x%x" % n, b"", b"abc", b"%d.0" % n,
               b"%d\x00" % n, b"\xff%d" % n]
    roll = rng.random()
    if roll < 0.25:
        value, kind = rng.choice(valid)
        sent = request.framed(body).without(b"content-length").but(wellformed=True).with_headers(
            (b"Content-Length", value))
        return case_of(sent, "header-framing", kind, proxy, index)
    if roll < 0.55:
        sent = request.framed(body).without(b"content-length").but(wellformed=False).with_headers(
            (b"Content-Length", rng.choice(invalid)))
        return case_of(sent, "header-framing", "length-invalid", proxy, index, framing_clear=False)
    if roll < 0.6:
        # Valid digits, too large for any integer: refused by the parser, or 413 by the guard.
        sent = request.framed(body).without(b"content-length").but(wellformed=None).with_headers(
            (b"Content-Length", b"99999999999999999999999"))
        return case_of(sent, "header-framing", "length-overflow", proxy, index, half_close=True)
    if roll < 0.75:
        # Two Content-Length lines: refused when they differ; RFC 9112 lets identical ones count as one.
        other = rng.choice([n, n + 1, n - 1])
        sent = request.framed(body).but(wellformed=None if other == n else False).with_headers(
            (b"Content-Length", b"%d" % other))
        return case_of(sent, "header-framing", "length-duplicated", proxy, index, framing_clear=False)
    if roll < 0.88:
        # Declares less than it sends: the rest arrives as the next request's bytes.
        shorter = rng.randrange(0, n)
        sent = request.framed(body[:shorter])
        return case_of(sent, "header-framing", "length-short", proxy, index, trailing=body[shorter:] + b"\r\n\r\n")
    # Declares more than it sends, then ends the connection.
    sent = request.framed(body).but(wellformed=True).without(b"content-length").with_headers(
        (b"Content-Length", b"%d" % (n + rng.randrange(1, 1000))))
    return case_of(sent, "header-framing", "length-long", proxy, index, expected=NOT_HTTP, half_close=True)


def transfer_encoding_case(request: Request, body: bytes, rng: random.Random, proxy: ProxyUnderTest,
                           index: int) -> Case:
    chunked = request.framed(body, chunked=True).without(b"transfer-encoding")
    roll = rng.random()
    if roll < 0.25:
        value = rng.choice([b"chunked", b"Chunked", b"CHUNKED", b" chunked "])
        return case_of(chunked.but(wellformed=True).with_headers((b"Transfer-Encoding", value)),
                       "header-framing", "chunked-spelling", proxy, index)
    if roll < 0.5:
        value = rng.choice([b"gzip, chunked", b"chunked, chunked", b"identity, chunked", b"chunked;q=1", b"\xffchunked",
                            b"", b"xchunked", b"chunked\x0b", b"identity", b"chunked, gzip", b"gzip"])
        # chunked must be the final coding, else RFC 9112 requires 400; codings before it a server may refuse.
        final_not_chunked = value in (b"xchunked", b"chunked\x0b", b"identity", b"chunked, gzip", b"gzip")
        sent = chunked.but(wellformed=False if final_not_chunked else None).with_headers(
            (b"Transfer-Encoding", value))
        return case_of(sent, "header-framing", "transfer-coding-odd", proxy, index, half_close=final_not_chunked,
                       framing_clear=False)
    if roll < 0.75:
        # Both framings: RFC 9112 lets a server refuse, or use Transfer-Encoding alone and then close.
        sent = chunked.but(wellformed=None).with_headers(
            (b"Transfer-Encoding", b"chunked"), (b"Content-Length", rng.choice([b"%d" % len(body), b"0", b"5"])))
        return case_of(sent, "header-framing", "chunked-and-length", proxy, index, framing_clear=False)
    if roll < 0.88:
        sent = chunked.but(wellformed=None).with_headers((b"Transfer-Encoding", b"chunked"),
                                                              (b"Transfer-Encoding", b"chunked"))
        return case_of(sent, "header-framing", "transfer-encoding-duplicated", proxy, index, framing_clear=False)
    sent = chunked.but(version=b"HTTP/1.0", wellformed=None).with_headers((b"Transfer-Encoding", b"chunked"))
    return case_of(sent, "header-framing", "chunked-http-1.0", proxy, index, framing_clear=False)


def chunk_syntax_case(request: Request, body: bytes, rng: random.Random, proxy: ProxyUnderTest,
                      index: int) -> Case:
    head = request.framed(body, chunked=True)
    head_bytes = head.serialize().split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
    n = len(body)
    good = [
        ("chunk-extension", b"%x;name=value\r\n%s\r\n0\r\n\r\n" % (n, body)),
        ("chunk-uppercase-hex", b"%X\r\n%s\r\n0\r\n\r\n" % (n, body)),
        ("chunk-leading-zeros", b"000%x\r\n%s\r\n0\r\n\r\n" % (n, body)),
        ("chunk-trailer", b"%x\r\n%s\r\n0\r\nX-Trailer: 1\r\n\r\n" % (n, body)),
        ("chunk-one-byte-each", b"".join(b"1\r\n%s\r\n" % body[i:i + 1] for i in range(n)) + b"0\r\n\r\n"),
    ]
    bad = [
        ("chunk-size-not-hex", b"zz\r\n%s\r\n0\r\n\r\n" % body),
        ("chunk-size-negative", b"-%x\r\n%s\r\n0\r\n\r\n" % (n, body)),
        ("chunk-size-overflow", b"ffffffffffffffffffff\r\n%s\r\n0\r\n\r\n" % body),
        ("chunk-missing-crlf", b"%x\r\n%sXX0\r\n\r\n" % (n, body)),
        ("chunk-size-empty", b"\r\n%s\r\n0\r\n\r\n" % body),
        ("chunk-bare-lf", b"%x\n%s\n0\n\n" % (n, body)),
        ("chunk-trailer-broken", b"%x\r\n%s\r\n0\r\nno colon here\r\n\r\n" % (n, body)),
    ]
    if rng.random() < 0.4:
        kind, chunks = rng.choice(good)
        sent = head.edited(head_bytes + chunks, True)
        return case_of(sent, "header-framing", kind, proxy, index)
    kind, chunks = rng.choice(bad)
    sent = head.edited(head_bytes + chunks, None if kind == "chunk-bare-lf" else False)
    # The head is fine: the body is what breaks, so the answer may also be the one for a body read up to the break.
    return case_of(sent, "header-framing", kind, proxy, index, expected=NOT_HTTP | expected_answer(head, proxy),
                   half_close=True, framing_clear=False)


# header-bytes

ODD_HEADER_NAMES = [b"X-Fuzz", b"User-Agent", b"Accept", b"Content-Type", b"session_id", b"x-codex-turn-state",
                    b"originator", b"Cookie", b"x-openai-subagent", b"Accept-Language"]


def header_bytes(rng: random.Random, proxy: ProxyUnderTest, index: int) -> Case:
    request = any_request(proxy, rng)
    roll = rng.random()
    name = rng.choice(ODD_HEADER_NAMES)
    if roll < 0.06:
        size = rng.choices([1000, 8000, 30000, 70000, 79000, 90000, 200000], [40, 25, 12, 6, 6, 6, 2])[0]
        sent = request.but(wellformed=True if size <= 8000 else None).with_headers((name, b"v" * size))
        return case_of(sent, "header-bytes", f"huge-value-{size // 1000}k", proxy, index)
    if roll < 0.14:
        count = rng.choices([100, 500, 2000, 6000], [50, 30, 15, 5])[0]
        same = rng.random() < 0.5
        headers = [(b"X-Dup" if same else b"X-H%d" % i, b"%d" % i) for i in range(count)]
        sent = request.but(wellformed=True if count <= 100 else None).with_headers(*headers)
        return case_of(sent, "header-bytes", f"many-{'same' if same else 'distinct'}-{count}", proxy, index)
    if roll < 0.47:
        value = rng.choice([bytes(rng.randrange(0x80, 0x100) for _ in range(rng.randrange(1, 40))),
                            "ünïcødé ✓ 😀".encode(), b"\xc0\xaf\xed\xa0\x80", b"latin-1 \xe9t\xe9", b"\ta\tb\t", b"",
                            b"  padded  ", b"x" * 100])
        sent = request.but(wellformed=True).with_headers((name, value))
        return case_of(sent, "header-bytes", "odd-but-valid-value", proxy, index)
    if roll < 0.7:
        control = rng.choice([b"\x00", b"\x01", b"\x08", b"\x0b", b"\x0c", b"\x1b", b"\x7f", b"\r", b"\x1f"])
        value = b"a" + control + b"b"
        # RFC 9110 lets a recipient refuse these or replace them with spaces.
        sent = request.but(wellformed=None).with_headers((name, value))
        return case_of(sent, "header-bytes", "control-in-value", proxy, index)
    if roll < 0.85:
        broken = rng.choice([b"X-Space : v", b"NoColon", b": empty-name", b"X(y): v", b"X\xffY: v", b"X\x00: v",
                             b" Leading-Space: v", b"X-A\tB: v", b"X-\"q\": v", b"\x7fDel: v"])
        data = request.serialize()
        head_end = data.index(b"\r\n") + 2
        # Whitespace before the first field may also be skipped (RFC 9112); everything else must be refused.
        sent = request.edited(data[:head_end] + broken + b"\r\n" + data[head_end:],
                              None if broken.startswith(b" ") else False)
        return case_of(sent, "header-bytes", "malformed-header-line", proxy, index)
    data = request.serialize()
    head, _, body = data.partition(b"\r\n\r\n")
    choice = rng.randrange(3)
    if choice == 0:
        edited = head.replace(b"\r\n", b"\n") + b"\n\n" + body
        kind = "bare-lf-lines"
    elif choice == 1:
        first = head.index(b"\r\n")
        edited = head[:first] + b"\r\nX-Folded: a\r\n  folded continuation" + head[first:] + b"\r\n\r\n" + body
        kind = "obs-fold"
    else:
        first = head.index(b"\r\n")
        edited = head[:first] + b"\r\nX-Bare-CR: a\rb" + head[first:] + b"\r\n\r\n" + body
        kind = "bare-cr"
    # Bare LF line ends and obs-fold may be tolerated (RFC 9112) or refused; a bare CR must be refused or replaced.
    return case_of(request.edited(edited, None), "header-bytes", kind, proxy, index)
