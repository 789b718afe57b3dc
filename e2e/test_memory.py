"""rotor's memory stays flat while it relays: what one request or one upstream read allocates is freed when it ends.

A cancelled `Task.sleep` keeps its task alive until its deadline on Linux, so a timer raced against every upstream
read once kept about 0.6 KB per read alive for the whole idle timeout (300 s): a few hundred MiB an hour under
steady use. This test relays 60,000 upstream reads and checks rotor's resident memory after a warm-up."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from openai import OpenAI

from workspace import Workspace, start_proxy

EVENTS_PER_RESPONSE = 150
WARM_UP_REQUESTS = 50
MEASURED_REQUESTS = 400
ALLOWED_GROWTH_KIB = 12 * 1024


class ManyEvents(BaseHTTPRequestHandler):
    """A 200 SSE stream of EVENTS_PER_RESPONSE deltas, each written and flushed on its own (one upstream read each)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        return

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        events = [("response.created", {"response": {"id": "resp_m", "status": "in_progress"}})]
        events += [("response.output_text.delta", {"delta": "x"})] * EVENTS_PER_RESPONSE
        events += [("response.completed", {"response": {"id": "resp_m", "status": "completed"}})]
        for kind, payload in events:
            data = f"event: {kind}\ndata: {json.dumps({'type': kind, **payload})}\n\n".encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")


def resident_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))


def test_memory_stays_flat_over_many_upstream_reads(workspace: Workspace) -> None:
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), ManyEvents)
    upstream.daemon_threads = True
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        assert workspace.backend is not None
        workspace.backend.add_account("A")
        workspace.import_accounts("A")
        proxy = start_proxy(workspace, ROTOR_UPSTREAM_URL=f"http://127.0.0.1:{upstream.server_address[1]}/backend-api/codex")
        client = OpenAI(base_url=proxy.url, api_key=proxy.secret, max_retries=0, timeout=60)

        def relay(count: int) -> None:
            for _ in range(count):
                with client.responses.create(model="gpt-5.5", input="hi", stream=True) as stream:
                    assert sum(1 for _ in stream) == EVENTS_PER_RESPONSE + 2

        relay(WARM_UP_REQUESTS)
        before = resident_kib(proxy.process.pid)
        relay(MEASURED_REQUESTS)
        after = resident_kib(proxy.process.pid)
        print(f"\nmemory: {MEASURED_REQUESTS * (EVENTS_PER_RESPONSE + 2)} upstream reads, "
              f"rotor RSS {before / 1024:.1f} -> {after / 1024:.1f} MiB")
        assert after - before < ALLOWED_GROWTH_KIB, (
            f"rotor's resident memory grew by {(after - before) / 1024:.1f} MiB over "
            f"{MEASURED_REQUESTS * (EVENTS_PER_RESPONSE + 2)} upstream reads")
    finally:
        upstream.shutdown()
