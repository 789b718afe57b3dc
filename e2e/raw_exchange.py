"""Sends raw bytes to an HTTP/1.1 server and reads back exactly what it answers, without any client library's
repairs: the answers (1xx skipped), whether and when the connection closed, and whether it stayed silent.

Hand-written on asyncio streams because HTTP client libraries refuse to send malformed requests (the point of the
bad-input test) and hide how the server ended the connection.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

# After the answer on a connection that is not reused: how long to wait for the server's close or further answers.
TRAILING_WAIT = 2.0
# An answer without length or chunking runs until the close; how long to wait for that close.
UNFRAMED_WAIT = 1.0


@dataclass
class Answer:
    """One HTTP response as it arrived."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    framed: bool = True  # delimited by Content-Length or chunking (or bodiless by rule)
    closed_after: bool = False  # an unframed body that ended with the close (else the connection stayed open)

    def header(self, name: str) -> str | None:
        """The last value of header `name` (case-insensitive)."""
        values = [value for key, value in self.headers if key == name]
        return values[-1] if values else None


@dataclass
class Outcome:
    """What came back for one case."""

    answers: list[Answer] = field(default_factory=list)  # the answer to the case, then any unrequested ones
    interim: int = 0  # 1xx answers skipped
    closed: bool = False  # the server closed the connection (end of input or reset) during the exchange
    send_failed: bool = False  # the server closed while the case's bytes were still being sent
    timed_out: bool = False  # no answer and no close within the bound
    garbled: bytes | None = None  # bytes that are no HTTP response
    seconds: float = 0.0


class Garbled(Exception):
    """The server sent bytes that are not an HTTP/1.1 response."""


class Connection:
    """One client connection, reused for as long as the cases allow."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        return cls(reader, writer)

    def close(self) -> None:
        self.writer.transport.abort()

    async def exchange(self, data: bytes, *, method: bytes, half_close: bool, keep: bool, bound: float) -> Outcome:
        """Sends `data`, reads the answer within `bound` seconds; unless `keep` (and the answer allows it), ends the
        connection and collects whatever else the server sends before closing."""
        outcome = Outcome()
        started = time.monotonic()
        try:
            async with asyncio.timeout(bound):
                await self._send(data, half_close, outcome)
                answer = await self._read_answer(method, outcome)
                if answer is None:
                    outcome.closed = True
                else:
                    outcome.answers.append(answer)
        except TimeoutError:
            outcome.timed_out = True
        except Garbled as garbage:
            outcome.garbled = garbage.args[0]
        except (ConnectionError, asyncio.IncompleteReadError):
            outcome.closed = True
        reusable = (keep and not outcome.closed and not outcome.timed_out and outcome.garbled is None
                    and outcome.answers and outcome.answers[0].framed
                    and (outcome.answers[0].header("connection") or "").lower() != "close")
        if not reusable and not outcome.timed_out and outcome.garbled is None and not outcome.closed:
            await self._collect_trailing(outcome, half_closed=half_close)
        outcome.seconds = time.monotonic() - started
        if not reusable:
            self.close()
        return outcome

    @property
    def usable(self) -> bool:
        """Open in both directions: the server has not ended its side either."""
        return not self.writer.transport.is_closing() and not self.reader.at_eof()

    async def _send(self, data: bytes, half_close: bool, outcome: Outcome) -> None:
        try:
            self.writer.write(data)
            await self.writer.drain()
            if half_close:
                self.writer.write_eof()
        except ConnectionError:
            # The server closed while we still sent: its answer, if any, may still be readable.
            outcome.send_failed = True

    async def _collect_trailing(self, outcome: Outcome, *, half_closed: bool) -> None:
        """Ends our side and reads until the server closes (bounded): further answers are recorded."""
        try:
            if not half_closed:
                self.writer.write_eof()
            async with asyncio.timeout(TRAILING_WAIT):
                while True:
                    answer = await self._read_answer(b"", outcome)
                    if answer is None:
                        outcome.closed = True
                        return
                    outcome.answers.append(answer)
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, OSError):
            return
        except Garbled as garbage:
            outcome.garbled = garbage.args[0]

    async def _read_answer(self, method: bytes, outcome: Outcome) -> Answer | None:
        """The next final answer (1xx skipped), or None when the server closed before sending a byte of it."""
        while True:
            try:
                head = await self.reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as partial:
                if partial.partial:
                    raise Garbled(partial.partial[:300]) from None
                return None
            except asyncio.LimitOverrunError:
                raise Garbled((await self.reader.read(300))) from None
            status, headers = _parse_head(head)
            if 100 <= status < 200:
                outcome.interim += 1
                continue
            return await self._read_body(status, headers, method)

    async def _read_body(self, status: int, headers: list[tuple[str, str]], method: bytes) -> Answer:
        if method == b"HEAD" or status in (204, 304):
            return Answer(status, headers, b"")
        encodings = [value.lower() for key, value in headers if key == "transfer-encoding"]
        lengths = [value for key, value in headers if key == "content-length"]
        if encodings and "chunked" in encodings[-1]:
            return Answer(status, headers, await self._read_chunks())
        if lengths:
            if not lengths[-1].isdigit():
                raise Garbled(f"Content-Length {lengths[-1]!r}".encode())
            return Answer(status, headers, await self.reader.readexactly(int(lengths[-1])))
        # No framing: the body runs until the close.
        try:
            async with asyncio.timeout(UNFRAMED_WAIT):
                body = await self.reader.read(-1)
            return Answer(status, headers, body, framed=False, closed_after=True)
        except TimeoutError:
            return Answer(status, headers, b"", framed=False, closed_after=False)

    async def _read_chunks(self) -> bytes:
        body = bytearray()
        while True:
            line = await self.reader.readuntil(b"\r\n")
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise Garbled(b"chunk size " + line[:80]) from None
            if size == 0:
                while (await self.reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return bytes(body)
            body += await self.reader.readexactly(size + 2)
            del body[-2:]


def _parse_head(head: bytes) -> tuple[int, list[tuple[str, str]]]:
    lines = head[:-4].split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit() or len(parts[1]) != 3:
        raise Garbled(head[:300])
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon:
            raise Garbled(head[:300])
        headers.append((name.strip().lower().decode("latin-1"), value.strip().decode("latin-1")))
    return int(parts[1]), headers
