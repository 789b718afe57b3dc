"""Drives a terminal program the way a person does: a private tmux server (its own socket, no user config), a pane
running the program, send-keys to type, capture-pane to read the screen. The pane stays after the program exits so
its exit status can be read."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
import uuid
from pathlib import Path

from workspace import wait_until

TMUX_TIMEOUT = 15
# Longer than the TUI's paste-burst window, so that Enter after typed text submits it.
PASTE_BURST_PAUSE = 0.5


class TmuxSession:
    """One detached tmux session on a private server; `close()` kills that server (and only it)."""

    def __init__(self, tmux: str, directory: Path, env: dict[str, str]) -> None:
        self._tmux = tmux
        self._socket = f"rotor-e2e-{uuid.uuid4().hex[:12]}"
        self._config = directory / "tmux.conf"
        self._config.write_text("set -g remain-on-exit on\nset -g history-limit 5000\n")
        self._directory = directory
        self._env = dict(env, TERM="xterm-256color")

    def _tmux_command(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self._tmux, "-L", self._socket, "-f", str(self._config), *args], capture_output=True,
                              text=True, env=self._env, timeout=TMUX_TIMEOUT, stdin=subprocess.DEVNULL)

    def start(self, argv: list[str], *, width: int = 120, height: int = 40) -> int:
        """Runs `argv` as the pane's process (exec'd, so the pane PID is its PID) and returns that PID."""
        command = "exec " + shlex.join(argv)
        result = self._tmux_command("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height),
                                    "-c", str(self._directory), command)
        assert result.returncode == 0, result.stderr
        return int(self.pane_format("#{pane_pid}"))

    def pane_format(self, format: str) -> str:  # noqa: A002 - tmux's word
        result = self._tmux_command("display-message", "-p", "-t", "main", format)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def screen(self) -> str:
        """The visible text of the pane."""
        result = self._tmux_command("capture-pane", "-p", "-t", "main")
        return result.stdout if result.returncode == 0 else ""

    def type_text(self, text: str) -> None:
        assert self._tmux_command("send-keys", "-t", "main", "-l", text).returncode == 0

    def submit(self, text: str, *, timeout: float) -> None:
        """Types `text`, waits until it is on the screen, then presses Enter. Codex's TUI treats keys that arrive in
        a quick burst as a paste (Enter inside a paste inserts a newline), so Enter comes after a short pause."""
        self.type_text(text)
        self.wait_for_text(text, timeout=timeout)
        time.sleep(PASTE_BURST_PAUSE)
        self.press("Enter")

    def press(self, *keys: str) -> None:
        """Sends tmux key names, e.g. `Enter`, `C-c`."""
        assert self._tmux_command("send-keys", "-t", "main", *keys).returncode == 0

    def wait_for_text(self, text: str, *, timeout: float) -> str:
        """Waits (bounded) until `text` is on the screen; returns the screen."""
        def showing() -> str | None:
            screen = self.screen()
            return screen if text in screen else None

        try:
            return wait_until(showing, timeout=timeout, interval=0.2, message=repr(text))
        except AssertionError as error:
            state = self.pane_format("dead=#{pane_dead} status=#{pane_dead_status} signal=#{pane_dead_signal} "
                                     "pid=#{pane_pid}")
            raise AssertionError(f"{error} ({state}); the screen shows:\n{self.screen()}") from None

    def wait_for_exit(self, *, timeout: float) -> int:
        """Waits (bounded) for the pane's process to exit; returns its exit status (128+N for signal N)."""
        pid = int(self.pane_format("#{pane_pid}"))

        def exit_status() -> tuple[int] | None:
            dead, status, signal_number = self.pane_format(
                "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}").split(":")
            if dead == "1" and status:
                return (int(status),)
            if dead == "1" and signal_number:
                return (128 + int(signal_number),)
            # tmux 3.3 here sometimes leaves the exited pane process unreaped (a zombie, with or without rotor in
            # between) and so never learns its status; the kernel still reports it in /proc/PID/stat.
            zombie_status = exit_status_of_zombie(pid)
            return (zombie_status,) if zombie_status is not None else None

        try:
            (status,) = wait_until(exit_status, timeout=timeout, interval=0.2,
                                   message="the program in the pane to exit")
        except AssertionError as error:
            raise AssertionError(f"{error}; the screen shows:\n{self.screen()}") from None
        return status

    def close(self) -> None:
        """Kills this session's private tmux server."""
        self._tmux_command("kill-server")


def exit_status_of_zombie(pid: int) -> int | None:
    """The exit status (128+N for signal N) of a process that exited but was not reaped yet, else None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat.rsplit(")", 1)[1].split()  # fields[0] is field 3 of proc(5), the state
    if fields[0] != "Z" or len(fields) < 50:
        return None
    wait_status = int(fields[49])  # field 52, exit_code, in waitpid(2) form
    return os.waitstatus_to_exitcode(wait_status) if os.WIFEXITED(wait_status) else 128 + os.WTERMSIG(wait_status)
