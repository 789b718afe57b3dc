#!/usr/bin/env python3
"""Soak: `rotor proxy` under 32 concurrent streaming clients for 10 minutes while the upstream injects 429s and
connection resets. Samples rotor's RSS and open descriptors every 10 s and counts client errors per minute; passes
when, after the first minute of warm-up, RSS and descriptors stay flat and errors do not grow.

Everything runs on 127.0.0.1: a small threaded fake upstream (SSE answers; every 7th request per account a 429
`rate_limit_exceeded` with Retry-After 1, every 11th a reset after the first event), two accounts imported from
generated auth.json files in a temporary ROTOR_HOME, and client threads using keep-alive connections.

    bench/soak.py [--minutes 10] [--clients 32] [--rotor .build/release/rotor]

Build rotor first (`swift build -c release`, or use the debug binary). Prints a table and a verdict line.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(claims: dict) -> str:
    header = b64url(json.dumps({"alg": "none"}).encode())
    return f"{header}.{b64url(json.dumps(claims).encode())}.sig"


class Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    counts: dict[str, int] = {}
    lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        return

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        self.rfile.read(int(self.headers.get("content-length") or 0))
        account = self.headers.get("chatgpt-account-id", "?")
        with Upstream.lock:
            Upstream.counts[account] = Upstream.counts.get(account, 0) + 1
            n = Upstream.counts[account]
        if n % 7 == 0:
            body = json.dumps({"error": {"type": "rate_limit_exceeded", "code": "rate_limit_exceeded",
                                         "message": "Rate limit reached. Please try again in 1s."}}).encode()
            self.send_response(429)
            self.send_header("content-type", "application/json")
            self.send_header("retry-after", "1")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        events = [("response.created", {"response": {"id": "resp_soak", "status": "in_progress"}})]
        events += [("response.output_text.delta", {"delta": f"word{i} "}) for i in range(20)]
        events += [("response.completed", {"response": {"id": "resp_soak", "status": "completed", "usage": {
            "input_tokens": 10, "output_tokens": 20, "total_tokens": 30}}})]
        for index, (kind, payload) in enumerate(events):
            data = f"event: {kind}\ndata: {json.dumps({'type': kind, **payload})}\n\n".encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()
            if index == 0 and n % 11 == 0:
                # A reset (RST): linger 0, then close the descriptor itself (the handler's files still refer to it).
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                os.close(self.connection.detach())
                self.close_connection = True
                return
        self.wfile.write(b"0\r\n\r\n")


def sample(pid: int) -> tuple[int, int]:
    """RSS in KiB and the number of open descriptors of `pid`."""
    rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmRSS:"))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rotor", default=".build/release/rotor")
    options = parser.parse_args()

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    upstream.daemon_threads = True
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    home = Path(tempfile.mkdtemp(prefix="rotor-soak-"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "ROTOR_HOME": str(home / "state"), "ROTOR_MAX_WAIT": "2",
           "ROTOR_UPSTREAM_URL": f"http://127.0.0.1:{upstream.server_address[1]}/backend-api/codex",
           "ROTOR_AUTH_ISSUER": "http://127.0.0.1:9", "ROTOR_LOG_LEVEL": "warning"}
    # Other ROTOR_ settings of the caller apply (e.g. ROTOR_IDLE_TIMEOUT), except where the soak sets its own.
    env.update({key: value for key, value in os.environ.items() if key.startswith("ROTOR_") and key not in env})
    for name in ("a", "b"):
        auth = {"acct": {"chatgpt_account_id": f"acct-{name}", "chatgpt_plan_type": "plus"}}
        claims = {"email": f"{name}@example.com", "exp": int(time.time()) + 86400,
                  "https://api.openai.com/auth": auth["acct"]}
        path = home / f"{name}.json"
        path.write_text(json.dumps({"tokens": {"id_token": jwt(claims), "access_token": jwt(claims),
                                               "refresh_token": f"rt-{name}", "account_id": f"acct-{name}"}}))
        subprocess.run([options.rotor, "accounts", "import", str(path)], env=env, check=True, capture_output=True)
    proxy = subprocess.Popen([options.rotor, "proxy", "--json"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    ready = json.loads(proxy.stdout.readline())
    secret = Path(ready["secret_file"]).read_text().strip()
    port = int(ready["port"])

    deadline = time.monotonic() + options.minutes * 60
    stats = {"ok": 0, "interrupted": 0, "status": 0, "error": 0}
    per_minute: list[dict[str, int]] = []
    stats_lock = threading.Lock()
    body = json.dumps({"model": "gpt-5.5", "input": "soak", "stream": True}).encode()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            try:
                connection.request("POST", "/v1/responses", body, {
                    "authorization": f"Bearer {secret}", "content-type": "application/json"})
                response = connection.getresponse()
                text = response.read().decode(errors="replace")
                kind = ("status" if response.status != 200 else
                        "interrupted" if "rotor_stream_interrupted" in text else "ok")
            except Exception:
                kind = "error"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with stats_lock:
                stats[kind] += 1

    threads = [threading.Thread(target=client, daemon=True) for _ in range(options.clients)]
    for thread in threads:
        thread.start()
    samples: list[tuple[float, int, int]] = []
    start = time.monotonic()
    last_minute = dict(stats)
    next_minute = start + 60
    while time.monotonic() < deadline:
        time.sleep(10)
        samples.append((time.monotonic() - start, *sample(proxy.pid)))
        if time.monotonic() >= next_minute:
            with stats_lock:
                current = dict(stats)
            per_minute.append({key: current[key] - last_minute[key] for key in current})
            last_minute, next_minute = current, next_minute + 60
    for thread in threads:
        thread.join(timeout=40)
    proxy.send_signal(signal.SIGTERM)
    status = proxy.wait(timeout=10)
    upstream.shutdown()

    print(f"soak: {options.minutes:g} min, {options.clients} clients, rotor {options.rotor}")
    print("| t (s) | RSS (MiB) | open fds |")
    print("|---|---|---|")
    for elapsed, rss, fds in samples:
        print(f"| {elapsed:.0f} | {rss / 1024:.1f} | {fds} |")
    print("\n| minute | ok | interrupted (reset injected) | non-200 | client errors |")
    print("|---|---|---|---|---|")
    for index, minute in enumerate(per_minute, 1):
        print(f"| {index} | {minute['ok']} | {minute['interrupted']} | {minute['status']} | {minute['error']} |")
    warm = [s for s in samples if s[0] >= 60] or samples
    rss_growth = (warm[-1][1] - warm[0][1]) / 1024
    fd_growth = warm[-1][2] - warm[0][2]
    errors = [m["error"] for m in per_minute[1:]] or [0]
    flat = rss_growth <= 8 and fd_growth <= 8 and max(errors) <= max(1, errors[0]) * 2
    print(f"\nafter warm-up: RSS {warm[0][1] / 1024:.1f} -> {warm[-1][1] / 1024:.1f} MiB ({rss_growth:+.1f}), "
          f"fds {warm[0][2]} -> {warm[-1][2]} ({fd_growth:+d}), client errors per minute {errors}; "
          f"total {stats}; rotor exit {status}; {'PASS' if flat and status == 0 else 'FAIL'}")
    return 0 if flat and status == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
