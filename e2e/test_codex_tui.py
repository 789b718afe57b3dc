"""The interactive Codex TUI through `rotor run -- codex`, under tmux as a person uses it: Codex's UI appears, a typed
prompt gets the fake backend's answer, leaving with Ctrl-C or /quit leaves no rotor or codex process behind, and
Codex's own rate-limit warning speaks for the pool, not for the account that served."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from fake_backend import Answer, FakeBackend
from tmux_session import TmuxSession
from workspace import CODEX_EXEC, CODEX_TIMEOUT, Workspace, children_of, pid_alive, processes_holding, wait_until

UI_TIMEOUT = 60
ANSWER_TIMEOUT = 60
EXIT_TIMEOUT = 30
# What Codex shows from the 5-hour headers: its warning ("Heads up, you have less than 25% of your 5h limit left. …",
# "less than 10%" past 90 %), its banner ("5h limit: 20% left · resets at 10:01") and its offer of a cheaper model.
LIMIT_WARNING = "of your 5h limit left"
LIMIT_NOTICES = (LIMIT_WARNING, "5h limit:", "Approaching rate limits")


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, depth first."""
    found: list[int] = []
    for child in children_of(pid):
        found += [child, *descendants(child)]
    return found


@pytest.fixture
def tui(workspace: Workspace, tmux_bin: str) -> Iterator[TmuxSession]:
    session = TmuxSession(tmux_bin, workspace.cwd, workspace.env())
    yield session
    session.close()


@pytest.mark.parametrize("leave", ["ctrl-c", "/quit"])
def test_codex_tui_through_rotor(workspace: Workspace, backend: FakeBackend, tui: TmuxSession, leave: str) -> None:
    backend.add_account("A")
    workspace.import_accounts("A")

    rotor_pid = tui.start([str(workspace.rotor_bin), "run", "--", str(workspace.codex_bin)])
    terminal = tui.pane_format("#{pane_tty}")
    started: list[int] = [rotor_pid]
    try:
        tui.wait_for_text("OpenAI Codex", timeout=UI_TIMEOUT)
        screen = tui.wait_for_text("Ask Codex to do anything", timeout=UI_TIMEOUT)
        assert "sign in" not in screen.lower() and "trust" not in screen.lower(), screen
        codex = wait_until(lambda: children_of(rotor_pid), timeout=10, message="rotor's child (codex)")
        assert len(codex) == 1, codex
        assert os.path.basename(os.readlink(f"/proc/{codex[0]}/exe")) == "codex"
        started += descendants(rotor_pid)

        tui.submit("say hi", timeout=10)
        tui.wait_for_text("Hello from account A.", timeout=ANSWER_TIMEOUT)
        started += [pid for pid in descendants(rotor_pid) if pid not in started]
        turns = [r for r in backend.model_requests() if "say hi" in str(r.input_items)]
        assert turns and all(r.account == "A" and r.status == 200 for r in turns)
        assert all(r.headers["originator"] == "codex-tui" for r in backend.model_requests())

        if leave == "ctrl-c":
            tui.press("C-c")
        else:
            tui.submit("/quit", timeout=10)
        try:
            status = tui.wait_for_exit(timeout=EXIT_TIMEOUT)
        except AssertionError as error:
            raise AssertionError(f"{error}\nstill holding the terminal: {processes_holding(terminal)}") from None
        assert status == 0, tui.screen()
        wait_until(lambda: not any(pid_alive(pid) for pid in started), timeout=10,
                   message=f"every process of the run ({started}) to be gone")
        assert processes_holding(terminal) == {}, "nothing the run started (even a grandchild) keeps the terminal"
    finally:
        for pid in started:  # only processes this test started, by PID
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)


def serve_one_request_on(workspace: Workspace, email: str, prompt: str) -> None:
    """`rotor run --account EMAIL -- codex exec PROMPT`: the account's answer becomes its stored usage snapshot."""
    result = workspace.rotor("run", "--account", email, "--", str(workspace.codex_bin), *CODEX_EXEC, prompt,
                             timeout=CODEX_TIMEOUT)
    assert result.returncode == 0, result.stderr


def test_codex_warns_from_the_pools_usage_not_the_serving_accounts(
        workspace: Workspace, backend: FakeBackend, tui: TmuxSession) -> None:
    """Codex warns from the latest response's 5-hour headers alone. A answers at 95 % used while B's stored usage
    is 10 %: the pool has 47.5 % left, so a turn A serves shows no warning. Once both are at 90 %, the next turn of
    the same conversation (bound to A) shows it."""
    backend.add_account("A", default=Answer(used_percent=95.0))
    backend.add_account("B", default=Answer(used_percent=10.0))
    workspace.import_accounts("A", "B")
    serve_one_request_on(workspace, "b@example.com", "seed B at 10%")
    assert {name for name, _ in backend.served()} == {"B"}

    rotor_pid = tui.start([str(workspace.rotor_bin), "run", "--", str(workspace.codex_bin)])
    started: list[int] = [rotor_pid]
    try:
        tui.wait_for_text("Ask Codex to do anything", timeout=UI_TIMEOUT)
        started += descendants(rotor_pid)
        seen = len(backend.model_requests())

        tui.submit("first turn", timeout=10)
        tui.wait_for_text("Hello from account A.", timeout=ANSWER_TIMEOUT)
        # Both requests of the turn (the turn and its title) have been answered, each with the pool's headers.
        wait_until(lambda: len(backend.model_requests()) >= seen + 2, timeout=ANSWER_TIMEOUT,
                   message="the turn's and the title's requests")
        turn = [r for r in backend.model_requests() if "first turn" in str(r.input_items)]
        assert turn[0].account == "A" and turn[0].status == 200, [(r.account, r.status) for r in turn]
        screen = tui.screen()
        assert not [notice for notice in LIMIT_NOTICES if notice in screen], screen

        backend.accounts["A"].default = Answer(used_percent=90.0)
        backend.accounts["B"].default = Answer(used_percent=90.0)
        serve_one_request_on(workspace, "b@example.com", "seed B at 90%")
        tui.submit("second turn", timeout=10)
        tui.wait_for_text(LIMIT_WARNING, timeout=ANSWER_TIMEOUT)
        second = [r for r in backend.model_requests() if "second turn" in str(r.input_items)]
        assert second and second[0].account == "A", [(r.account, r.status) for r in second]
    finally:
        started += [pid for pid in descendants(rotor_pid) if pid not in started]
        for pid in started:  # only processes this test started, by PID
            if pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
