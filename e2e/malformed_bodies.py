"""Bad-input cases in the body of a guarded POST to a create path: broken JSON, wrong member types and duplicates,
nesting and numbers; encodings, charsets, empty and over-cap bodies; and odd but valid bodies rotor must forward."""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable

from malformed_parts import REFUSED_BODY, Case, base_body, case_of, encode, guarded
from proxy_contract import FORWARDED, ProxyUnderTest

# body-json


def body_json(rng: random.Random, proxy: ProxyUnderTest, index: int) -> Case:
    body = base_body(rng)
    roll = rng.random()
    if roll < 0.6:
        kind, raw = typed_mutation(body, rng)
    elif roll < 0.8:
        kind, raw = syntax_mutation(json.dumps(body, separators=(",", ":"), ensure_ascii=rng.random() < 0.5).encode(),
                                    rng)
    else:
        kind, raw = shape_mutation(body, rng)
    request = guarded(proxy, target=rng.choice([b"/v1/responses", b"/responses", b"/backend-api/codex/responses"]))
    return case_of(request.framed(raw, chunked=rng.random() < 0.2), "body-json", kind, proxy, index)


WRONG_TYPES: dict[str, list[object]] = {
    "stream": ["true", 1, 0, [], {}, "yes", 1.0, [True]],
    "store": ["false", 0, 1, [], {}, "no", [False]],
    "include": ["reasoning.encrypted_content", [1], [None], {}, [[]], True, 5, [{"a": 1}]],
    "previous_response_id": [5, [], {}, True],
    "prompt_cache_key": [5, [], {}, True, 1.5],
}


def typed_mutation(body: dict[str, object], rng: random.Random) -> tuple[str, bytes]:
    roll = rng.random()
    if roll < 0.5:
        name = rng.choice(list(WRONG_TYPES))
        body[name] = rng.choice(WRONG_TYPES[name])
        return f"wrong-type-{name}", encode(body, rng)
    if roll < 0.65:
        body["previous_response_id"] = rng.choice(["resp_123", "", "x" * 200])
        return "previous-response-id", encode(body, rng)
    name = rng.choice(list(WRONG_TYPES))
    first = json.dumps(rng.choice([True, False, None, "x", ["reasoning.encrypted_content"]]))
    second = json.dumps(rng.choice([True, False, "y", ["a"]]))
    key = json.dumps(name) if rng.random() < 0.7 else '"' + "".join(f"\\u{ord(c):04x}" for c in name) + '"'
    text = encode(body, rng).decode()
    inner = text[1:].lstrip()
    joiner = "," if inner[:1] != "}" else ""
    return f"duplicate-{name}", ("{" + f'"{name}":{first},{key}:{second}' + joiner + inner).encode()


def syntax_mutation(raw: bytes, rng: random.Random) -> tuple[str, bytes]:
    """Byte-level damage; strict JSON decides whether the result is still valid."""
    edits: dict[str, Callable[[bytes], bytes]] = {
        "truncated": lambda b: b[:rng.randrange(0, len(b))],
        "byte-deleted": lambda b: splice(b, rng.randrange(len(b)), 1, b""),
        "byte-inserted": lambda b: splice(b, rng.randrange(len(b) + 1), 0, bytes([rng.randrange(256)])),
        "byte-replaced": lambda b: splice(b, rng.randrange(len(b)), 1, bytes([rng.randrange(256)])),
        "trailing-garbage": lambda b: b + rng.choice([b"x", b",", b"}", b" {}", b"\x00", b"//c", b"\n]"]),
        "trailing-comma": lambda b: b[:b.rindex(b"}")] + b",}",
        "nested-trailing-comma": lambda b: b.replace(b"]", b",]", 1),
        "missing-comma-in-array": lambda b: b.replace(b"},{", b"} {", 1) if b"},{" in b else b.replace(b'[{', b'[1 {', 1),
        "single-quotes": lambda b: b.replace(b'"', b"'"),
        "comment": lambda b: b[:1] + b"/* c */" + b[1:],
        "bad-number": lambda b: add_member(b, "temperature", rng.choice(
            [b"01", b"1.", b"-", b"1e", b"+1", b".5", b"1-2", b"0x10", b"1e+", b"--1", b"1.2.3", b"NaN",
             b"Infinity", b"-Infinity", b"1_000"])),
        "huge-number": lambda b: add_member(b, "temperature", rng.choice(
            [b"1e999", b"-1e-999", b"9" * 400, b"-0", b"0.0000000000000000000000001", b"1E+308", b"123456789" * 40])),
        "bad-escape": lambda b: add_member(b, "metadata", rng.choice(
            [b'"\\x41"', b'"\\u12"', b'"\\u12G4"', b'"\\"', b'"\\a"', b'"\\U0041"', b'"\\0"'])),
        "surrogate-escape": lambda b: add_member(b, "metadata", rng.choice(
            [b'"\\ud800"', b'"\\udc00\\ud800"', b'"\\ud83d\\ude00"'])),
        "raw-control-in-string": lambda b: add_member(b, "metadata", b'"a' + bytes([rng.randrange(0, 0x20)]) + b'b"'),
        "invalid-utf8-in-string": lambda b: add_member(b, "metadata", b'"' + rng.choice(
            [b"\xff", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xe9t\xe9", b"\x80"]) + b'"'),
        "invalid-utf8-in-key": lambda b: add_member(b, "met\xffa", b"1"),
        "nul-padding": lambda b: rng.choice([b"\x00" + b, b + b"\x00", b.replace(b",", b",\x00", 1)]),
        "odd-whitespace": lambda b: rng.choice([b"\x0b" + b, b"\x0c" + b, b + b"\xc2\xa0", b"\n\r\t " + b + b"\t\n"]),
        "literal-typo": lambda b: add_member(b, "metadata", rng.choice([b"tru", b"nul", b"True", b"FALSE", b"undefined"])),
        "unclosed-string": lambda b: add_member(b, "metadata", b'"abc'),
    }
    kind = rng.choices(list(edits), [SYNTAX_WEIGHTS.get(name, 2) for name in edits])[0]
    return kind, edits[kind](raw)


# Lighter: edits that leave valid JSON, or that rotor forwards today (each forward costs the upstream a request).
SYNTAX_WEIGHTS = {"byte-deleted": 0.5, "byte-inserted": 0.5, "byte-replaced": 0.5, "nested-trailing-comma": 0.15,
                  "missing-comma-in-array": 0.3, "bad-number": 0.4, "huge-number": 0.25, "bad-escape": 0.4,
                  "surrogate-escape": 0.25, "raw-control-in-string": 0.15, "invalid-utf8-in-string": 0.15,
                  "odd-whitespace": 0.5, "truncated": 3}


def splice(data: bytes, at: int, length: int, insert: bytes) -> bytes:
    return data[:at] + insert + data[at + length:]


def add_member(raw: bytes, name: str, value: bytes) -> bytes:
    """`raw` (an object) with `"name": value` added first, the value's bytes as given."""
    key = name.encode("latin-1") if "\xff" in name else name.encode()
    return b'{"' + key + b'":' + value + b"," + raw.lstrip()[1:]


def shape_mutation(body: dict[str, object], rng: random.Random) -> tuple[str, bytes]:
    roll = rng.random()
    if roll < 0.3:
        value = rng.choice([b"[]", b'"x"', b"1", b"null", b"true", b"[{}]", b"", b"   "])
        return "not-an-object", value
    if roll < 0.55:
        depth = rng.choice([600, 1000, 3000])
        return f"deep-nesting-{depth}", add_member(encode(body, rng), "metadata", b"[" * depth + b"]" * depth)
    if roll < 0.65:
        return "deep-nesting-unbalanced", add_member(encode(body, rng), "metadata", b"[" * 3000)
    if roll < 0.97:
        body["stream"] = rng.choice(WRONG_TYPES["stream"])
        body["input"] = "x" * rng.randrange(1000, 6000)
        return "long-string-wrong-stream", encode(body, rng)
    # Valid odd values in members rotor does not read: the upstream judges those, so rotor forwards them.
    name = rng.choice(["model", "input", "tools", "reasoning", "instructions"])
    body[name] = rng.choice([5, None, [], {}, "", True, -1.5e300, [1, "a", None], {"deep": [[[[[]]]]]}])
    return f"odd-value-{name}", encode(body, rng)


# body-encoding


def body_encoding(rng: random.Random, proxy: ProxyUnderTest, index: int) -> Case:
    request = guarded(proxy)
    body = base_body(rng)
    body["instructions"] = "Réponds en français ✓"  # text whose encoding matters
    valid = json.dumps(body, ensure_ascii=False).encode()
    roll = rng.random()
    if roll < 0.3:
        coding = rng.choice([b"gzip", b"zstd", b"br", b"deflate", b"compress", b"GZIP", b"x-gzip", b"*", b"",
                             b"identity, gzip", b"gzip, identity", b"identity;q=1", b"\xff"])
        payload = gzip.compress(valid) if b"gzip" in coding.lower() else rng.choice(
            [valid, b"\x28\xb5\x2f\xfd" + rng.randbytes(40)])
        sent = request.framed(payload, chunked=rng.random() < 0.3).with_headers((b"Content-Encoding", coding))
        return case_of(sent, "body-encoding", "content-encoding", proxy, index)
    if roll < 0.38:
        sent = request.framed(REFUSED_BODY).with_headers((b"Content-Encoding", b"identity"),
                                                          (b"Content-Encoding", rng.choice([b"gzip", b"identity"])))
        return case_of(sent, "body-encoding", "content-encoding-duplicated", proxy, index)
    if roll < 0.62:
        text = valid.decode()
        codec, prefix = rng.choices([("utf-16-le", b""), ("utf-16-be", b""), ("utf-16", b""), ("utf-32", b""),
                                     ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                     ("utf-16-be", b"\xfe\xff"), ("latin-1", b""), ("cp1252", b"")],
                                    [2, 2, 2, 2, 2, 2, 2, 0.5, 0.5])[0]
        try:
            payload = prefix + text.encode(codec)
        except UnicodeEncodeError:
            payload = prefix + text.encode(codec, errors="replace")
        charset = rng.choice([codec.encode(), b"utf-8"])
        sent = request.without(b"content-type").with_headers(
            (b"Content-Type", b"application/json; charset=" + charset)).framed(payload)
        return case_of(sent, "body-encoding", f"charset-{codec}{'-bom' if prefix else ''}", proxy, index)
    if roll < 0.75:
        content_type = rng.choice([b"text/plain", b"application/x-www-form-urlencoded", b"multipart/form-data",
                                   b"application/xml", b"", b"\xff"])
        payload = rng.choice([REFUSED_BODY, b"model=gpt-5.5&input=hi", b"<xml/>", b"--b\r\n\r\n--b--"])
        sent = request.without(b"content-type").with_headers((b"Content-Type", content_type)).framed(payload)
        return case_of(sent, "body-encoding", "content-type", proxy, index)
    if roll < 0.9:
        empty = rng.choice(["length-zero", "no-framing", "chunked-empty"])
        if empty == "length-zero":
            sent = request.framed(b"")
        elif empty == "no-framing":
            sent = request.without(b"content-length")
        else:
            sent = request.framed(b"", chunked=True)
        return case_of(sent, "body-encoding", f"empty-{empty}", proxy, index)
    over = proxy.max_body_bytes + rng.choice([1, 2, 100, 1000])
    padded = b'{"input":"' + b"x" * over + b'","stream":true}'
    if rng.random() < 0.5:
        return case_of(request.framed(padded), "body-encoding", "over-cap-declared", proxy, index)
    return case_of(request.framed(padded, chunked=True), "body-encoding", "over-cap-chunked", proxy, index)


# valid-enough


def valid_enough(rng: random.Random, proxy: ProxyUnderTest, index: int) -> Case:
    body = base_body(rng)
    roll = rng.random()
    if roll < 0.2:
        body["stream"] = rng.choice([False, None])
    if rng.random() < 0.3:
        body["store"] = rng.choice([True, None])
    if rng.random() < 0.3:
        body["include"] = rng.choice([[], ["file_search_call.results"], None, ["reasoning.encrypted_content", "x"]])
    if rng.random() < 0.2:
        body["unknown_member"] = {"nested": [1, 2.5e10, "ü", None]}
    target = rng.choice([b"/v1/responses", b"/responses", b"/backend-api/codex/responses", b"/v1/responses?x=1"])
    request = guarded(proxy, target=target)
    if rng.random() < 0.2:
        request = request.without(b"authorization").with_headers((b"x-api-key", proxy.secret.encode()))
    if rng.random() < 0.2:
        request = request.without(b"host").with_headers((b"Host", rng.choice(
            [f"localhost:{proxy.port}", f"[::1]:{proxy.port}", f"LocalHost:{proxy.port}"]).encode()))
    extras = [(b"session_id", b"sess-%d" % rng.randrange(4)), (b"x-codex-turn-state", rng.randbytes(8).hex().encode()),
              (b"User-Agent", b"fuzz/1.0 \xe9"), (b"originator", b"fuzz"), (b"x-openai-subagent", b"review"),
              (b"Accept", b"text/event-stream"), (b"Content-Encoding", b"identity"), (b"Expect", b"100-continue"),
              (b"X-Unknown", b"\xff\xfe"), (b"version", b"0.0.0")]
    request = request.with_headers(*rng.sample(extras, k=rng.randrange(0, 4)))
    framed = request.framed(encode(body, rng), chunked=rng.random() < 0.25)
    return case_of(framed, "valid-enough", "forwardable", proxy, index, expected=FORWARDED)
