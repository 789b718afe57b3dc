"""Drives a terminal program the way a person does: a private tmux server (its own socket, no user config), a pane
running the program, send-keys to type, capture-pane to read the screen. The pane stays after the program exits so
its exit status can be read."""

from __future__ import annotations

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
            raise AssertionError(f"{error}; the screen shows:\n{self.screen()}") from None

    def wait_for_exit(self, *, timeout: float) -> int:
        """Waits (bounded) for the pane's process to exit; returns its exit status (128+N for signal N)."""
        def reaped() -> tuple[str, str] | None:
            # The pane reads as dead at the terminal's EOF, possibly before tmux reaped the process and knows how
            # it ended: wait for the status or the signal too.
            dead, status, signal_number = self.pane_format(
                "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}").split(":")
            return (status, signal_number) if dead == "1" and (status or signal_number) else None

        status, signal_number = wait_until(reaped, timeout=timeout, interval=0.2,
                                           message="the program in the pane to exit")
        return int(status) if status else 128 + int(signal_number)

    def close(self) -> None:
        """Kills this session's private tmux server."""
        self._tmux_command("kill-server")
