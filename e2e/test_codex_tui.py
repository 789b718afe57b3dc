"""The interactive Codex TUI through `rotor run -- codex`, under tmux as a person uses it: Codex's UI appears, a typed
prompt gets the fake backend's answer, and leaving with Ctrl-C or /quit leaves no rotor or codex process behind."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from fake_backend import FakeBackend
from tmux_session import TmuxSession
from workspace import Workspace, children_of, pid_alive, processes_holding, wait_until

UI_TIMEOUT = 60
ANSWER_TIMEOUT = 60
EXIT_TIMEOUT = 30


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
