"""Client connections are bounded: with rotor's descriptor limit at 1024, another local process holding 1,100 idle
connections to the proxy does not stop it from serving a normal request within seconds; and rotor raises its soft
descriptor limit to the hard limit when it starts."""

from __future__ import annotations

import os
import resource
import shutil
import sys
import time
from pathlib import Path

import pytest
from openai import OpenAI

from conftest import require
from fake_backend import FakeBackend
from workspace import Workspace, read_line, start_proxy

IDLE_CONNECTIONS = 1100
# The default ROTOR_MAX_CONNECTIONS.
MAX_CONNECTIONS = 512

# Run as a separate python3 process (another local user, in effect): opens COUNT connections to PORT on 127.0.0.1,
# sends nothing on them, prints how many it holds, then holds them until it is stopped (at most 300 s).
HOLDER = """
import resource, socket, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
_, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
held = []
for _ in range(count):
    connection = socket.socket()
    connection.settimeout(5)
    try:
        connection.connect(("127.0.0.1", port))
    except OSError:
        connection.close()
        break
    held.append(connection)
print(f"holding {len(held)}", flush=True)
time.sleep(300)
"""


@pytest.fixture
def prlimit() -> str:
    """The prlimit command (util-linux), which starts rotor with given descriptor limits."""
    path = shutil.which("prlimit")
    require(path, "prlimit (util-linux)")
    assert path is not None
    return path


def open_files_limits(pid: int) -> tuple[int, int]:
    """The soft and hard limits on open files of process `pid`, from /proc."""
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            soft, hard = line.split()[3:5]
            return int(soft), int(hard)
    raise AssertionError(f"no 'Max open files' line in /proc/{pid}/limits")


def test_idle_connections_of_another_process_do_not_stall_a_request(
        workspace: Workspace, backend: FakeBackend, prlimit: str) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    require(hard >= IDLE_CONNECTIONS + 100, f"a hard descriptor limit of at least {IDLE_CONNECTIONS + 100} (ulimit -Hn)")
    backend.add_account("A")
    workspace.import_accounts("A")
    proxy = start_proxy(workspace, launcher=(prlimit, "--nofile=1024"))
    assert open_files_limits(proxy.process.pid) == (1024, 1024)

    holder, _ = workspace.spawn([sys.executable, "-c", HOLDER, str(proxy.port), str(IDLE_CONNECTIONS)])
    assert read_line(holder, timeout=60) == f"holding {IDLE_CONNECTIONS}", "the other process opened every connection"

    client = OpenAI(base_url=proxy.url, api_key=proxy.secret, max_retries=0, timeout=15)
    start = time.monotonic()
    try:
        answer = client.responses.create(model="gpt-5.5", input="say hi").output_text
    except Exception as error:  # the failure to report, whatever the SDK raised
        raise AssertionError(f"no answer while another process held {IDLE_CONNECTIONS} idle connections: "
                             f"{error!r}") from error
    elapsed = time.monotonic() - start
    descriptors = len(os.listdir(f"/proc/{proxy.process.pid}/fd"))
    print(f"answered in {elapsed:.3f}s with {IDLE_CONNECTIONS} idle connections held; rotor had {descriptors} "
          f"descriptors open")

    assert answer == "Hello from account A."
    assert elapsed < 5, f"the request waited {elapsed:.1f}s"
    assert descriptors <= MAX_CONNECTIONS + 64, f"rotor holds {descriptors} descriptors"
    assert holder.poll() is None, "the other process still holds its connections (closed by rotor or not)"


def test_rotor_raises_its_soft_descriptor_limit_to_the_hard_limit(
        workspace: Workspace, backend: FakeBackend, prlimit: str) -> None:
    backend.add_account("A")
    workspace.import_accounts("A")

    proxy = start_proxy(workspace, launcher=(prlimit, "--nofile=256:4096"))
    assert open_files_limits(proxy.process.pid) == (4096, 4096), "rotor proxy"

    report = "import os; print(open(f'/proc/{os.getppid()}/limits').read())"
    result = workspace.run([prlimit, "--nofile=256:4096", str(workspace.rotor_bin), "run", "--", sys.executable, "-c",
                            report])
    assert result.returncode == 0, result.stderr
    limits = [line.split()[3:5] for line in result.stdout.splitlines() if line.startswith("Max open files")]
    assert limits == [["4096", "4096"]], "rotor run (as its child sees it)"
