"""A throw-away user environment for one end-to-end test: temporary HOME, ROTOR_HOME, CODEX_HOME and working
directory, an environment that points rotor at the fake backend, and bounded ways to run rotor and Codex in it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fake_backend import FakeBackend
from output_secrecy import findings, proxy_secrets, read_outputs

# Every subprocess call is bounded; these are generous for a loaded 2-core machine.
COMMAND_TIMEOUT = 60
CODEX_TIMEOUT = 120
# Codex in these tests: non-interactive, and a broken set-up fails (after ~25 s) instead of retrying forever.
CODEX_EXEC = ["exec", "--skip-git-repo-check", "--disable", "unbounded_connection_retries"]


@dataclass
class Workspace:
    """Temporary directories and the environment of one test's user."""

    root: Path
    rotor_bin: Path
    codex_bin: Path
    backend: FakeBackend | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    started: list[subprocess.Popen[str]] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)  # what each command run here printed, for the audit

    def __post_init__(self) -> None:
        for directory in (self.home, self.codex_home, self.cwd):
            directory.mkdir(parents=True, exist_ok=True)

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def rotor_home(self) -> Path:
        return self.root / "rotor-home"

    @property
    def codex_home(self) -> Path:
        return self.root / "codex-home"

    @property
    def cwd(self) -> Path:
        """A directory outside any git repository (so Codex shows no trust dialog)."""
        return self.root / "project"

    def env(self, **overrides: str) -> dict[str, str]:
        """A minimal environment: nothing of the caller's credentials, every address on loopback."""
        env = {
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "/usr/bin:/bin")]),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "ROTOR_HOME": str(self.rotor_home),
            "CODEX_HOME": str(self.codex_home),
            # rotor's config file lives here, so a developer's own config never changes a result.
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "NO_COLOR": "1",
        }
        if self.backend is not None:
            env["ROTOR_UPSTREAM_URL"] = self.backend.base_url
            env["ROTOR_AUTH_ISSUER"] = self.backend.origin
            # Should anything fall back to Codex's own refresh, keep it on loopback too.
            env["CODEX_REFRESH_TOKEN_URL_OVERRIDE"] = f"{self.backend.origin}/oauth/token"
        env.update(self.extra_env)
        env.update(overrides)
        return env

    # Running commands

    def run(self, args: list[str], *, timeout: float = COMMAND_TIMEOUT, env: dict[str, str] | None = None,
            stdin: Any = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
        """Runs a command to completion (bounded), capturing stdout and stderr as text."""
        result = subprocess.run(args, stdin=stdin, capture_output=True, text=True, cwd=self.cwd,
                                env=env or self.env(), timeout=timeout)
        name = f"run {len(self.outputs) // 2}: {' '.join(Path(arg).name for arg in args[:3])}"
        self.outputs[f"{name} (stdout)"] = result.stdout or ""
        self.outputs[f"{name} (stderr)"] = result.stderr or ""
        return result

    def rotor(self, *args: str, timeout: float = COMMAND_TIMEOUT, **env: str) -> subprocess.CompletedProcess[str]:
        """`rotor ARGS…` in this workspace."""
        return self.run([str(self.rotor_bin), *args], timeout=timeout, env=self.env(**env))

    def rotor_codex_exec(self, *args: str, timeout: float = CODEX_TIMEOUT, **env: str) -> subprocess.CompletedProcess[str]:
        """`rotor run -- codex exec --skip-git-repo-check --disable unbounded_connection_retries ARGS… </dev/null`."""
        return self.rotor("run", "--", str(self.codex_bin), *CODEX_EXEC, *args, timeout=timeout, **env)

    def write_auth_json(self, name: str) -> Path:
        """Writes account `name`'s Codex login (auth.json) to a file of its own and returns the path."""
        assert self.backend is not None
        path = self.root / "logins" / name / "auth.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.backend.auth_json(name), indent=2))
        path.chmod(0o600)
        return path

    def import_accounts(self, *names: str) -> None:
        """`rotor accounts import` each named fake account, in order, and checks each was added."""
        for name in names:
            result = self.rotor("accounts", "import", str(self.write_auth_json(name)))
            assert result.returncode == 0, f"import {name} failed: {result.stderr}"

    def accounts_json(self) -> list[dict[str, Any]]:
        """`rotor accounts list --json`."""
        result = self.rotor("accounts", "list", "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    # Long-running processes

    def spawn(self, args: list[str], *, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], Path]:
        """Starts a process that the workspace stops (by PID) when the test ends. Its stdout is a pipe; its stderr
        goes to a file (returned) so that a chatty process never blocks on a full pipe."""
        stderr_path = self.root / "stderr" / f"{len(self.started)}-{Path(args[0]).name}.log"
        stderr_path.parent.mkdir(parents=True, exist_ok=True)
        with stderr_path.open("w") as stderr:
            process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                                       text=True, cwd=self.cwd, env=env or self.env(), start_new_session=True)
        self.started.append(process)
        return process, stderr_path

    def secret_findings(self) -> list[str]:
        """Every token or secret (of the fake backend, or a proxy secret file) found in what rotor printed or logged
        in this workspace: the commands' outputs, the started processes' stderr, and rotor.log."""
        secrets = proxy_secrets(self.root)
        if self.backend is not None:
            secrets.update(self.backend.minted_secrets)
        files = read_outputs([*self.root.glob("stderr/*.log"), self.rotor_home / "logs" / "rotor.log"])
        return findings({**self.outputs, **files}, secrets)

    def stop_all(self) -> None:
        """SIGTERM, then SIGKILL after a bound, every process this workspace started (never anything else)."""
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.started:
            remaining = max(0.1, deadline - time.monotonic())
            try:
                process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            if process.stdout is not None:
                process.stdout.close()


@dataclass
class RunningProxy:
    """A `rotor proxy --json` process and what its first stdout line announced."""

    process: subprocess.Popen[str]
    url: str
    port: int
    secret_file: Path
    stderr_path: Path
    healthz: str
    metrics: str

    @property
    def secret(self) -> str:
        return self.secret_file.read_text().strip()

    def create_response(self) -> bytes:
        """One streamed create-response request, answered 200; the body the client got."""
        request = urllib.request.Request(
            f"{self.url}/responses", method="POST",
            data=json.dumps({"model": "gpt-5.5", "input": "say hi", "stream": True}).encode(),
            headers={"Authorization": f"Bearer {self.secret}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            return response.read()


def start_proxy(space: Workspace, *args: str, launcher: tuple[str, ...] = (),
                timeout: float = COMMAND_TIMEOUT, **env: str) -> RunningProxy:
    """Starts `rotor proxy --json ARGS…` (through `launcher`, e.g. `prlimit …`, which must exec rotor in its place;
    with the workspace's environment plus `env`) and waits (bounded) for its first stdout line."""
    process, stderr_path = space.spawn([*launcher, str(space.rotor_bin), "proxy", "--json", *args],
                                       env=space.env(**env))
    line = read_line(process, timeout=timeout)
    if not line:
        raise AssertionError(f"rotor proxy printed no first line within {timeout}s (exit status "
                             f"{process.poll()}); its stderr:\n{stderr_path.read_text()[-4000:]}")
    announced = json.loads(line)
    return RunningProxy(process=process, url=announced["url"], port=int(announced["port"]),
                        secret_file=Path(announced["secret_file"]), stderr_path=stderr_path,
                        healthz=announced["healthz"], metrics=announced["metrics"])


def read_line(process: subprocess.Popen[str], *, timeout: float) -> str | None:
    """The next stdout line of `process`, or None if none came within `timeout` seconds or it exited."""
    assert process.stdout is not None
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return found[0].strip() if found and found[0] else None


def pid_alive(pid: int) -> bool:
    """Whether a process with this PID exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    # The state is the field after the parenthesised command name.
    state = stat.rsplit(")", 1)[1].split()[0]
    return state not in ("Z", "X")


def processes_holding(path: str) -> dict[int, str]:
    """PID -> command line of every process with an open descriptor on `path` (e.g. a terminal)."""
    found: dict[int, str] = {}
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(os.readlink(fd) == path for fd in fd_dir.iterdir()):
                pid = int(fd_dir.parent.name)
                found[pid] = (fd_dir.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (FileNotFoundError, ProcessLookupError, PermissionError, NotADirectoryError):
            continue
    return found


def children_of(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc)."""
    result: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            result += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return result


def wait_until(predicate: Any, *, timeout: float, interval: float = 0.1, message: str = "condition") -> Any:
    """Polls `predicate` until it returns something truthy; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)
