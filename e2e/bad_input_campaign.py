"""Sends the generated malformed requests to a running proxy and judges every answer against the contract.

`run_shard` runs in a worker process of its own (the test starts one per core): it generates its share of the cases,
sends them over many concurrent connections — kept alive while the cases allow, new ones after a refusal — and
returns a `Tally` (plain data) of the answers per category and of every problem found.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from malformed_parts import Case
from malformed_requests import generate
from proxy_contract import ProxyUnderTest
from raw_exchange import Answer, Connection, Outcome

EXAMPLES = 3  # cases kept per problem to show


@dataclass(frozen=True)
class Defect:
    """A defect of rotor found by the bad-input test, and which problems it explains."""

    title: str
    problems: tuple[str, ...] = ()  # problem names it explains
    prefixes: tuple[str, ...] = ()  # or problem names that start so
    method: bytes | None = None  # only for requests with this method
    kind: str | None = None  # only for cases whose kind contains this

    def explains(self, name: str, case: Case | None) -> bool:
        if name not in self.problems and not name.startswith(self.prefixes):
            return False
        if self.method is not None and (case is None or case.method != self.method):
            return False
        return self.kind is None or (case is not None and self.kind in case.kind)


@dataclass(frozen=True)
class Campaign:
    """What a worker process needs to run its share of the cases."""

    seed: int
    count: int
    proxy: ProxyUnderTest
    connections: int  # concurrent client connections of this worker
    answer_bound: float  # seconds within which each case must be answered or closed
    deadline: float  # wall-clock time (time.time()) after which no case is sent any more
    defects: tuple[Defect, ...]


@dataclass
class Tally:
    """Counts per category for the table, and every problem found (with a few examples each)."""

    sent: Counter[str] = field(default_factory=Counter)
    columns: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    problems: Counter[tuple[str, int | None]] = field(default_factory=Counter)  # (problem, known defect number)
    examples: defaultdict[tuple[str, int | None], list[str]] = field(default_factory=lambda: defaultdict(list))
    forwarded: int = 0
    connections: int = 0
    latencies: list[float] = field(default_factory=list)
    out_of_time: bool = False  # the deadline stopped the run before every case was sent
    defects: tuple[Defect, ...] = ()

    def problem(self, name: str, detail: object, case: Case | None = None) -> None:
        defect = next((number for number, known in enumerate(self.defects, 1) if known.explains(name, case)), None)
        self.problems[name, defect] += 1
        if len(self.examples[name, defect]) < EXAMPLES:
            self.examples[name, defect].append(str(detail))

    def merge(self, other: Tally) -> None:
        self.sent.update(other.sent)
        for category, counts in other.columns.items():
            self.columns[category].update(counts)
        self.problems.update(other.problems)
        for key, examples in other.examples.items():
            self.examples[key] = (self.examples[key] + examples)[:EXAMPLES]
        self.forwarded += other.forwarded
        self.connections += other.connections
        self.latencies += other.latencies
        self.out_of_time = self.out_of_time or other.out_of_time

    def __getstate__(self) -> dict[str, object]:
        # Plain containers only, so that the tally crosses process boundaries.
        state = dict(self.__dict__)
        state["columns"] = {category: Counter(counts) for category, counts in self.columns.items()}
        state["examples"] = dict(self.examples)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.columns = defaultdict(Counter, self.columns)
        self.examples = defaultdict(list, self.examples)


def run_shard(campaign: Campaign, shard: int, shards: int) -> tuple[Tally, float]:
    """Sends cases `shard`, `shard + shards`, …; returns the tally and the CPU seconds this process used."""
    tally = Tally(defects=campaign.defects)
    cpu = time.process_time()
    cases = generate(campaign.seed, campaign.count, campaign.proxy, shard, shards)
    asyncio.run(send_all(cases, campaign, tally))
    return tally, time.process_time() - cpu


async def send_all(cases: Iterator[Case], campaign: Campaign, tally: Tally) -> None:
    """Sends every case (until the deadline) over `campaign.connections` connections, each kept alive while its cases
    allow."""
    port = campaign.proxy.port

    async def worker() -> None:
        connection: Connection | None = None
        for case in cases:  # one shared iterator: asyncio never runs two next() at once
            if time.time() > campaign.deadline:
                tally.out_of_time = True
                break
            if connection is None or not connection.usable:
                try:
                    connection = await Connection.open(port)
                except OSError as failure:  # the proxy is gone: every remaining case says so, quickly
                    tally.sent[case.category] += 1
                    tally.columns[case.category]["not connected"] += 1
                    tally.problem("cannot connect to the proxy", f"{case.describe()}: {failure!r}", case)
                    continue
                tally.connections += 1
            outcome = await connection.exchange(case.data, method=case.method, half_close=case.half_close,
                                                keep=case.reuse, bound=campaign.answer_bound)
            if not connection.usable:
                connection = None
            tally.sent[case.category] += 1
            tally.latencies.append(outcome.seconds)
            judge(case, outcome, tally, campaign.answer_bound)
        if connection is not None:
            connection.close()

    await asyncio.gather(*(worker() for _ in range(campaign.connections)))


# Judging one outcome


class Where:
    """The case a problem is about; `where + text` describes the case only when the example is kept."""

    def __init__(self, case: Case, prefix: str = "") -> None:
        self.case, self.prefix = case, prefix

    def __add__(self, text: str) -> Example:
        return Example(self, text)


@dataclass(frozen=True)
class Example:
    where: Where
    text: str

    def __str__(self) -> str:
        return f"{self.where.case.describe()}\n      got: {self.where.prefix}{self.text}"


def is_json_error(answer: Answer) -> bool:
    """`{"error":{"type","code","message"}}` (strings) with a JSON Content-Type."""
    if not (answer.header("content-type") or "").startswith("application/json"):
        return False
    try:
        error = json.loads(answer.body)["error"]
        return all(isinstance(error[key], str) for key in ("type", "code", "message"))
    except (ValueError, KeyError, TypeError):
        return False


def error_code(answer: Answer) -> str | None:
    try:
        return json.loads(answer.body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def summary(answer: Answer) -> str:
    body = answer.body if len(answer.body) <= 200 else answer.body[:200] + b"..."
    framing = "" if answer.framed else (" (no length; closed)" if answer.closed_after else " (no length; held open)")
    return f"{answer.status}{framing} {answer.headers} {body!r}"


def judge(case: Case, outcome: Outcome, tally: Tally, answer_bound: float) -> None:
    """Counts the outcome in the table and records every way it breaks the contract."""
    columns = tally.columns[case.category]
    where = Where(case)
    if outcome.timed_out:
        columns["no answer"] += 1
        tally.problem("no answer or close in time", where + f"nothing within {answer_bound}s", case)
        return
    if outcome.garbled is not None:
        columns["garbled"] += 1
        tally.problem("garbled answer", where + f"{outcome.garbled!r}", case)
        return
    if not outcome.answers:
        columns["closed"] += 1
        # A refusal may be lost when the server closes while the client still sends (TCP then resets).
        if not case.expected.silent_close and not (outcome.send_failed and case.expected.refused):
            tally.problem("closed without answer", where + f"a close ({case.expected.describe()} expected)", case)
        return
    first, *trailing = outcome.answers
    judge_answer(case, first, tally, where, columns)
    for extra in trailing:
        # Answers to leftover bytes (the rest of a broken message): they too must be JSON errors.
        if extra.status >= 500:
            tally.problem("5xx", where + f"... then {summary(extra)}", case)
        elif not is_json_error(extra):
            judge_shape(extra, tally, Where(case, "... then "))
        elif not 400 <= extra.status < 500:
            tally.problem("an unrequested answer that is no error", where + f"... then {summary(extra)}", case)


def judge_answer(case: Case, answer: Answer, tally: Tally, where: Where, columns: Counter[str]) -> None:
    expected = case.expected
    if answer.status == 200 and answer.header("x-rotor-account") is not None:
        columns["forwarded"] += 1
        tally.forwarded += 1
        if not expected.forwarded:
            reason = " (not strict JSON)" if "invalid_json" in (expected.errors.get(400) or ()) else ""
            tally.problem(f"forwarded, must be refused{reason}",
                          where + f"{summary(answer)}; expected {expected.describe()}", case)
        return
    columns[str(answer.status)] += 1
    if answer.status >= 500:
        tally.problem("5xx", where + summary(answer), case)
        return
    allowed = answer.status in expected.errors or (expected.refused and 400 <= answer.status < 500)
    if not allowed:
        tally.problem(f"status {answer.status} instead of {expected.describe()}", where + summary(answer), case)
    if case.method != b"HEAD" and not is_json_error(answer):
        columns["not JSON"] += 1
        judge_shape(answer, tally, where)
    elif not expected.refused and expected.errors.get(answer.status) and case.method != b"HEAD":
        codes = expected.errors[answer.status]
        if error_code(answer) not in codes:
            tally.problem(f"code {error_code(answer)} instead of {'|'.join(sorted(codes))}", where + summary(answer),
                          case)


def judge_shape(answer: Answer, tally: Tally, where: Where) -> None:
    if answer.status == 400 and not answer.body and (answer.header("connection") or "").lower() == "close":
        tally.problem("bare 400 without JSON error", where + summary(answer), where.case)
    elif not answer.framed:
        tally.problem("answer without length, body or close", where + summary(answer), where.case)
    else:
        tally.problem("answer is not a JSON error", where + summary(answer), where.case)

