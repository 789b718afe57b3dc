"""A fake ChatGPT Codex backend and OAuth token endpoint, served on 127.0.0.1 for the end-to-end tests.

It answers the way the real backend was observed to answer Codex 0.163.0:
`POST …/responses` streams SSE frames `event: <type>\\ndata: <json>\\n\\n` (`response.created`,
`response.output_item.added`, `response.output_text.delta`, `response.output_item.done`, `response.completed`
with usage, and — like the real backend — `output: []` in `response.completed`), with the `x-codex-*` rate-limit
headers and `x-codex-turn-state`. Each account is scripted: a queue of `Answer`s consumed one per request, then a
default answer. `POST /oauth/token` enforces single-use refresh tokens and revokes an account whose refresh token is
reused. Every request is logged in `FakeBackend.log` for the tests to assert on.

Hand-written on the standard library because no maintained package fakes the ChatGPT Codex backend.
"""

from __future__ import annotations

import base64
import itertools
import json
import select
import socket
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def b64url(data: bytes) -> str:
    """Base64url without padding, as JWTs use it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jwt(payload: dict[str, Any]) -> str:
    """An unsigned test JWT (`alg: none`) with the given payload; neither Codex nor rotor checks signatures."""
    header = {"alg": "none", "typ": "JWT"}
    return ".".join(
        [
            b64url(json.dumps(header, separators=(",", ":")).encode()),
            b64url(json.dumps(payload, separators=(",", ":")).encode()),
            b64url(b"unsigned-test-signature"),
        ]
    )


@dataclass
class Answer:
    """One scripted answer to a create-response request.

    kind is one of:
      "ok"            200 SSE stream whose message says `text` (default: "Hello from <account>").
      "usage_limit"   429 `{"error":{"type":"usage_limit_reached","plan_type":…,"resets_at":resets_at}}` plus the
                      x-codex-primary-* headers at 100 %.
      "rate_limit"    429 `rate_limit_exceeded` ("try again in Ns"), optional Retry-After.
      "unauthorized"  401 `token_expired` (the request is also answered so when the bearer is not the account's
                      current access token).
      "failed_first"  200, then `response.failed` as the first SSE event with `code` (e.g. usage_limit_reached).
      "tool_call"     200 SSE stream whose output is a reasoning item and an `exec_command` function call, with an
                      `x-codex-turn-state` header.
      "status"        a plain JSON error with HTTP `status`.
      "break_mid_event"  200, `response.created` and `response.output_item.added`, then the first half of a
                      `response.output_text.delta` event, then the connection closes (no final chunk).
      "paused"        like "ok", but the text goes out in two `response.output_text.delta` events with a pause
                      between them that lasts until the test sets `resume` (at most 30 s).

    Every 200 answer carries the x-codex-* rate-limit headers of a 5-hour window `used_percent` used (default 12)
    that resets in 3 hours and of a weekly window 3 % used.
    """

    kind: str = "ok"
    text: str | None = None
    resets_at: int | None = None
    code: str | None = None
    status: int = 500
    retry_after: int | None = None
    command: str = "echo rotor-tool-ok"
    used_percent: float = 12.0
    resume: threading.Event = field(default_factory=threading.Event)


@dataclass
class FakeAccount:
    """One ChatGPT account as the fake backend knows it."""

    name: str
    email: str
    account_id: str
    plan: str = "plus"
    script: list[Answer] = field(default_factory=list)
    default: Answer = field(default_factory=Answer)
    api_key: str | None = None  # a bearer accepted for this account without chatgpt-account-id (Codex mode (b))
    access_token: str = ""
    refresh_token: str = ""
    id_token: str = ""
    revoked: bool = False
    used_refresh_tokens: set[str] = field(default_factory=set)
    generation: int = 0
    issued_refresh_tokens: list[str] = field(default_factory=list)  # every refresh token minted, oldest first
    # What `GET /backend-api/wham/usage` answers for this account: (status, JSON body); codex/usage answers the same.
    usage_answer: tuple[int, Any] = (404, {"detail": "Not Found"})

    def answer_next(self) -> Answer:
        """Pops the next scripted answer, or the default one."""
        return self.script.pop(0) if self.script else self.default


@dataclass
class LoggedRequest:
    """What the fake backend received and how it answered."""

    index: int
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    account: str | None
    status: int
    answer: str
    raw_body: bytes = b""  # the body's bytes as received (create-response requests)

    @property
    def input_items(self) -> list[dict[str, Any]]:
        """The `input` array of a create-response body (empty for other requests)."""
        if isinstance(self.body, dict) and isinstance(self.body.get("input"), list):
            return self.body["input"]
        return []


class FakeBackend:
    """The fake ChatGPT Codex backend. Use as a context manager; `base_url` ends with `/backend-api/codex`."""

    def __init__(self, tls_context: ssl.SSLContext | None = None) -> None:
        self.accounts: dict[str, FakeAccount] = {}
        self.log: list[LoggedRequest] = []
        self.token_log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._tls_context = tls_context
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._turn_states: dict[str, str] = {}  # turn-state value -> account name that minted it
        self._first_request_answer: Answer | None = None
        self.refresh_delay = 0.0  # seconds a refresh takes to reach the token endpoint (a client gone by then: dropped)
        self.refresh_answer_delay = 0.0  # seconds between rotating the tokens and sending the answer
        self.refreshes_in_flight = 0  # refresh requests received and not yet answered
        self.refreshes_dropped = 0  # refreshes whose client left before the endpoint processed them
        # "break_mid_event" waits for this (when set) after its whole events, before the half event and the drop.
        self.break_gate: threading.Event | None = None
        self.minted_secrets: dict[str, str] = {}  # every token and API key handed out -> what it is (never printed)

    # Set-up

    def add_account(self, name: str, *, plan: str = "plus", script: list[Answer] | None = None,
                    default: Answer | None = None, api_key: str | None = None) -> FakeAccount:
        """Registers account `name` (email `<name>@example.com`, ChatGPT id `acct-<name>`) with fresh tokens."""
        account = FakeAccount(
            name=name,
            email=f"{name.lower()}@example.com",
            account_id=f"acct-{name}",
            plan=plan,
            script=list(script or []),
            default=default or Answer(),
            api_key=api_key,
        )
        if api_key is not None:
            self.minted_secrets[api_key] = f"the API key of {name}"
        self._mint_tokens(account)
        with self._lock:
            self.accounts[name] = account
        return account

    def answer_first_request(self, answer: Answer) -> None:
        """The first create-response request, whichever account rotor picks for it, gets `answer`, and so does
        every later request to that account (so tests need not know rotor's choice among equal accounts)."""
        with self._lock:
            self._first_request_answer = answer

    def expire_access_token(self, name: str) -> None:
        """Makes the backend reject the account's current access token (401) until it is refreshed."""
        with self._lock:
            self.accounts[name].access_token = f"expired-{uuid.uuid4()}"

    def auth_json(self, name: str) -> dict[str, Any]:
        """The `$CODEX_HOME/auth.json` content of a ChatGPT login for account `name`."""
        account = self.accounts[name]
        return {
            "auth_mode": "chatgpt",
            "OPENAI_API_KEY": None,
            "tokens": {
                "id_token": account.id_token,
                "access_token": account.access_token,
                "refresh_token": account.refresh_token,
                "account_id": account.account_id,
            },
            "last_refresh": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
        }

    def _mint_tokens(self, account: FakeAccount) -> None:
        account.generation += 1
        now = int(time.time())
        auth_claims = {
            "chatgpt_account_id": account.account_id,
            "chatgpt_plan_type": account.plan,
            "chatgpt_user_id": f"user-{account.name}",
        }
        account.id_token = make_jwt(
            {"email": account.email, "exp": now + 3600, "https://api.openai.com/auth": auth_claims}
        )
        account.access_token = make_jwt(
            {
                "email": account.email,
                "exp": now + 24 * 3600,
                "jti": f"at-{account.name}-{account.generation}-{uuid.uuid4()}",
                "https://api.openai.com/auth": auth_claims,
            }
        )
        account.refresh_token = f"rt-{account.name}-{account.generation}-{uuid.uuid4()}"
        account.issued_refresh_tokens.append(account.refresh_token)
        for kind in ("id_token", "access_token", "refresh_token"):
            self.minted_secrets[getattr(account, kind)] = f"{account.name}'s {kind} #{account.generation}"

    def relogin(self, name: str) -> None:
        """A fresh login of account `name` (as `codex login` gives): new tokens, the revocation lifted."""
        with self._lock:
            account = self.accounts[name]
            account.revoked = False
            self._mint_tokens(account)

    # Server life cycle

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def origin(self) -> str:
        """`http(s)://127.0.0.1:PORT` — also the OAuth issuer (`ROTOR_AUTH_ISSUER`)."""
        scheme = "https" if self._tls_context else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The upstream base URL rotor appends `/responses` to (`ROTOR_UPSTREAM_URL`)."""
        return f"{self.origin}/backend-api/codex"

    def start(self) -> "FakeBackend":
        backend = self

        class Handler(_Handler):
            owner = backend

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        if self._tls_context is not None:
            server.socket = self._tls_context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "FakeBackend":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Queries for the tests

    def model_requests(self) -> list[LoggedRequest]:
        """Every create-response request, in arrival order."""
        with self._lock:
            return [r for r in self.log if r.path.endswith("/responses") and r.method == "POST"]

    def served(self) -> list[tuple[str | None, int]]:
        """(account, HTTP status) of each create-response request, in arrival order."""
        return [(request.account, request.status) for request in self.model_requests()]

    def requests_for(self, name: str) -> list[LoggedRequest]:
        """Create-response requests that reached account `name`."""
        return [r for r in self.model_requests() if r.account == name]

    def turn_state_owner(self, turn_state: str) -> str | None:
        """The account whose answer minted this `x-codex-turn-state` value."""
        with self._lock:
            return self._turn_states.get(turn_state)

    def refresh_calls(self) -> list[LoggedRequest]:
        """Every `POST /oauth/token`."""
        with self._lock:
            return list(self.token_log)

    # Request handling (called from the handler threads)

    def _identify(self, headers: dict[str, str]) -> tuple[FakeAccount | None, bool]:
        """The account a request is for, and whether its bearer token is currently valid."""
        bearer = headers.get("authorization", "")
        token = bearer[len("Bearer "):] if bearer.startswith("Bearer ") else ""
        account_id = headers.get("chatgpt-account-id")
        with self._lock:
            if account_id:
                for account in self.accounts.values():
                    if account.account_id == account_id:
                        return account, (not account.revoked and token == account.access_token)
                return None, False
            for account in self.accounts.values():
                if account.api_key is not None and token == account.api_key:
                    return account, True
        return None, False

    def _pop_answer(self, account: FakeAccount) -> Answer:
        with self._lock:
            if self._first_request_answer is not None:
                account.script, account.default = [], self._first_request_answer
                self._first_request_answer = None
            return account.answer_next()

    def _record(self, log: list[LoggedRequest], **fields: Any) -> None:
        with self._lock:
            log.append(LoggedRequest(index=next(self._counter), **fields))

    def _refresh(self, body: Any) -> tuple[int, dict[str, Any], str | None]:
        token = body.get("refresh_token") if isinstance(body, dict) else None
        if not isinstance(body, dict) or body.get("grant_type") != "refresh_token" or not token:
            return 400, {"error": {"code": "invalid_request", "message": "refresh_token grant expected"}}, None
        with self._lock:
            for account in self.accounts.values():
                if account.revoked and (token == account.refresh_token or token in account.used_refresh_tokens):
                    return 401, _oauth_error("refresh_token_invalidated", "This refresh token was revoked."), account.name
                if token in account.used_refresh_tokens:
                    # Reuse of a rotated refresh token: the real auth server revokes the whole login.
                    account.revoked = True
                    return 401, _oauth_error("refresh_token_reused", "This refresh token was already used."), account.name
                if token == account.refresh_token:
                    account.used_refresh_tokens.add(token)
                    self._mint_tokens(account)
                    return 200, {
                        "id_token": account.id_token,
                        "access_token": account.access_token,
                        "refresh_token": account.refresh_token,
                    }, account.name
        return 401, _oauth_error("invalid_grant", "Unknown refresh token."), None


def _oauth_error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "type": "invalid_request_error"}}


class _Handler(BaseHTTPRequestHandler):
    owner: FakeBackend
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        return

    def _read_body(self) -> tuple[bytes, Any]:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return raw, json.loads(raw) if raw else None
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python parses
            return raw, None

    def _client_left(self) -> bool:
        """Whether the client has closed its end (end of file is readable without blocking)."""
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _headers(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.headers.items()}

    def _send_json(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("x-request-id", f"req-{uuid.uuid4()}")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        headers = self._headers()
        path = self.path.split("?", 1)[0]
        if path.endswith("/models"):
            status, payload = 200, {"models": []}
        elif path.endswith("/accounts/check"):
            status, payload = 200, {"accounts": [], "account_ordering": []}
        elif path in ("/backend-api/wham/usage", "/backend-api/codex/usage"):
            account, valid = self.owner._identify(headers)
            if account is None or not valid:
                status, payload = 401, {"detail": "Unauthorized"}
            else:
                status, payload = account.usage_answer
            self.owner._record(self.owner.log, method="GET", path=self.path, headers=headers, body=None,
                               account=account.name if account else None, status=status, answer="usage")
            self._send_json(status, payload)
            return
        else:
            status, payload = 404, {"detail": "Not Found"}
        self.owner._record(self.owner.log, method="GET", path=self.path, headers=headers, body=None,
                           account=None, status=status, answer="side-call")
        self._send_json(status, payload)

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        headers = self._headers()
        raw_body, body = self._read_body()
        path = self.path.split("?", 1)[0]
        if path == "/oauth/token":
            # In flight from the moment the request is read until its answer is sent.
            with self.owner._lock:
                self.owner.refreshes_in_flight += 1
            try:
                time.sleep(self.owner.refresh_delay)
                if self._client_left():
                    with self.owner._lock:
                        self.owner.refreshes_dropped += 1
                    return
                status, payload, name = self.owner._refresh(body)
                self.owner._record(self.owner.token_log, method="POST", path=self.path, headers=headers, body=body,
                                   account=name, status=status, answer="refresh")
                time.sleep(self.owner.refresh_answer_delay)
                self._send_json(status, payload)
            finally:
                with self.owner._lock:
                    self.owner.refreshes_in_flight -= 1
            return
        if not path.endswith("/responses"):
            self.owner._record(self.owner.log, method="POST", path=self.path, headers=headers, body=body,
                               account=None, status=404, answer="unknown")
            self._send_json(404, {"detail": "Not Found"})
            return
        account, token_valid = self.owner._identify(headers)
        if account is None:
            self.owner._record(self.owner.log, method="POST", path=self.path, headers=headers, body=body,
                               account=None, status=401, answer="unknown-account", raw_body=raw_body)
            self._send_json(401, _token_error())
            return
        answer = Answer(kind="unauthorized") if not token_valid else self.owner._pop_answer(account)
        status = self._answer(account, answer, headers, body)
        self.owner._record(self.owner.log, method="POST", path=self.path, headers=headers, body=body,
                           account=account.name, status=status, answer=answer.kind, raw_body=raw_body)

    def _answer(self, account: FakeAccount, answer: Answer, headers: dict[str, str], body: Any) -> int:
        model = body.get("model", "gpt-5.5") if isinstance(body, dict) else "gpt-5.5"
        # Echoed in a header only when it can be one: a client's odd model must not break the answer.
        header_model = model if isinstance(model, str) and model.isascii() and model.isprintable() else "gpt-5.5"
        now = int(time.time())
        if answer.kind == "usage_limit":
            resets_at = answer.resets_at or now + 3600
            self._send_json(
                429,
                {"error": {"type": "usage_limit_reached", "message": "The usage limit has been reached",
                           "plan_type": account.plan, "resets_at": resets_at,
                           "resets_in_seconds": max(0, resets_at - now)}},
                _rate_headers(100.0, resets_at, now),
            )
            return 429
        if answer.kind == "rate_limit":
            extra = {"retry-after": str(answer.retry_after)} if answer.retry_after is not None else {}
            self._send_json(429, {"error": {"type": "rate_limit_exceeded", "code": "rate_limit_exceeded",
                                            "message": "Rate limit reached. Please try again in 7s."}}, extra)
            return 429
        if answer.kind == "unauthorized":
            self._send_json(401, _token_error())
            return 401
        if answer.kind == "status":
            self._send_json(answer.status, {"error": {"type": "server_error", "code": answer.code,
                                                      "message": f"scripted status {answer.status}"}})
            return answer.status
        response_id = f"resp_{uuid.uuid4().hex}"
        extra_headers = _rate_headers(answer.used_percent, now + 3 * 3600, now)
        extra_headers["openai-model"] = header_model
        if answer.kind == "tool_call":
            turn_state = f"ts-{account.name}-{uuid.uuid4().hex[:12]}"
            with self.owner._lock:
                self.owner._turn_states[turn_state] = account.name
            extra_headers["x-codex-turn-state"] = turn_state
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("x-request-id", f"req-{uuid.uuid4()}")
        self.send_header("transfer-encoding", "chunked")
        for key, value in extra_headers.items():
            self.send_header(key, value)
        self.end_headers()
        created = {"id": response_id, "object": "response", "created_at": now, "status": "in_progress",
                   "model": model, "output": []}
        if answer.kind == "failed_first":
            error: dict[str, Any] = {"code": answer.code or "rate_limit_exceeded",
                                     "message": "Rate limit reached. Please try again in 30s."}
            if answer.resets_at is not None:
                error["resets_at"] = answer.resets_at
            failed = dict(created, status="failed", error=error)
            self._event("response.failed", {"type": "response.failed", "response": failed})
            self._end_chunks()
            return 200
        self._event("response.created", {"type": "response.created", "response": created})
        if answer.kind == "break_mid_event":
            self._break_mid_event(response_id)
            return 200
        items = [_reasoning_item(account)]
        if answer.kind == "tool_call":
            items.append({"type": "function_call", "id": f"fc_{uuid.uuid4().hex}", "status": "completed",
                          "call_id": f"call_{uuid.uuid4().hex[:16]}", "name": "exec_command",
                          "arguments": json.dumps({"cmd": answer.command})})
        else:
            text = answer.text if answer.text is not None else f"Hello from account {account.name}."
            items.append({"type": "message", "id": f"msg_{uuid.uuid4().hex}", "role": "assistant",
                          "status": "completed",
                          "content": [{"type": "output_text", "text": text, "annotations": []}]})
        for index, item in enumerate(items):
            if item["type"] == "message":
                in_progress = dict(item, status="in_progress", content=[])
                self._event("response.output_item.added",
                            {"type": "response.output_item.added", "output_index": index, "item": in_progress})
                text = item["content"][0]["text"]
                pieces = [text[:3], text[3:]] if answer.kind == "paused" else [text]
                for number, piece in enumerate(pieces):
                    if number > 0:
                        answer.resume.wait(timeout=30)
                    self._event("response.output_text.delta",
                                {"type": "response.output_text.delta", "item_id": item["id"], "output_index": index,
                                 "content_index": 0, "delta": piece})
            else:
                self._event("response.output_item.added",
                            {"type": "response.output_item.added", "output_index": index, "item": item})
            self._event("response.output_item.done",
                        {"type": "response.output_item.done", "output_index": index, "item": item})
        completed = dict(created, status="completed", output=[],  # the real backend leaves `output` empty
                         usage={"input_tokens": 1200, "input_tokens_details": {"cached_tokens": 1024},
                                "output_tokens": 12, "output_tokens_details": {"reasoning_tokens": 4},
                                "total_tokens": 1212})
        self._event("response.completed", {"type": "response.completed", "response": completed})
        self._end_chunks()
        return 200

    def _event(self, event_type: str, payload: dict[str, Any]) -> None:
        """One SSE frame, sent as one HTTP chunk and flushed at once."""
        frame = f"event: {event_type}\ndata: {json.dumps(payload)}\n\n".encode()
        self.wfile.write(f"{len(frame):x}\r\n".encode() + frame + b"\r\n")
        self.wfile.flush()

    def _break_mid_event(self, response_id: str) -> None:
        """Sends an item and half of a text delta, then drops the connection without ending the chunked body."""
        message = {"type": "message", "id": f"msg_{response_id}", "role": "assistant", "status": "in_progress",
                   "content": []}
        self._event("response.output_item.added",
                    {"type": "response.output_item.added", "output_index": 0, "item": message})
        if self.owner.break_gate is not None:
            self.owner.break_gate.wait(timeout=30)
        payload = {"type": "response.output_text.delta", "item_id": message["id"], "output_index": 0,
                   "content_index": 0, "delta": "Hel"}
        frame = f"event: response.output_text.delta\ndata: {json.dumps(payload)}\n\n".encode()
        half = frame[: len(frame) // 2]
        self.wfile.write(f"{len(half):x}\r\n".encode() + half + b"\r\n")
        self.wfile.flush()
        self.close_connection = True

    def _end_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def _token_error() -> dict[str, Any]:
    return {"error": {"message": "Provided authentication token is expired. Please try signing in again.",
                      "type": None, "code": "token_expired", "param": None}, "status": 401}


def _rate_headers(used_percent: float, reset_at: int, now: int) -> dict[str, str]:
    return {
        "x-codex-primary-used-percent": f"{used_percent}",
        "x-codex-primary-window-minutes": "300",
        "x-codex-primary-reset-at": str(reset_at),
        "x-codex-primary-reset-after-seconds": str(max(0, reset_at - now)),
        "x-codex-secondary-used-percent": "3.0",
        "x-codex-secondary-window-minutes": "10080",
        "x-codex-secondary-reset-at": str(now + 5 * 24 * 3600),
        "x-codex-secondary-reset-after-seconds": str(5 * 24 * 3600),
    }


def _reasoning_item(account: FakeAccount) -> dict[str, Any]:
    return {"type": "reasoning", "id": f"rs_{uuid.uuid4().hex}", "summary": [], "content": None,
            "encrypted_content": b64url(f"reasoning minted by {account.account_id}".encode())}
