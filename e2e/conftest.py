"""Fixtures of the end-to-end suite: the built rotor, the real Codex CLI binary, the fake backend, a temporary
user workspace. With CI=true a missing tool fails the test instead of skipping it."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_backend import FakeBackend  # noqa: E402
from tls_ca import TestCertificateAuthority, make_test_ca  # noqa: E402
from workspace import Workspace  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(available: object, what: str) -> None:
    """Skips the test when `what` is unavailable on a developer machine; fails it in CI (CI=true)."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is missing (CI=true: a missing tool fails the suite; run scripts/test)")
    pytest.skip(f"{what} is missing (run scripts/test, which builds and installs everything)")


@pytest.fixture(scope="session")
def rotor_bin() -> Path:
    """The rotor executable built by `swift build` ($ROTOR_BIN, else .build/debug/rotor)."""
    path = Path(os.environ.get("ROTOR_BIN") or REPO_ROOT / ".build" / "debug" / "rotor")
    require(path.is_file() and os.access(path, os.X_OK), f"the rotor executable ({path})")
    return path


@pytest.fixture(scope="session")
def codex_bin() -> Path:
    """The real Codex CLI 0.163.0 binary from the `openai-codex-cli-bin` wheel."""
    try:
        import codex_cli_bin
    except ImportError:
        require(False, "the Python package openai-codex-cli-bin==0.163.0")
        raise
    path = Path(os.path.dirname(codex_cli_bin.__file__)) / "bin" / "codex"
    require(path.is_file() and os.access(path, os.X_OK), f"the Codex binary ({path})")
    return path


@pytest.fixture(scope="session")
def tmux_bin() -> str:
    """The tmux command, which drives the interactive TUI tests."""
    path = shutil.which("tmux")
    require(path, "tmux")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory: pytest.TempPathFactory) -> TestCertificateAuthority:
    """A throw-away CA and 127.0.0.1 server certificate, made with openssl for this test session."""
    require(shutil.which("openssl"), "openssl")
    return make_test_ca(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def backend() -> Iterator[FakeBackend]:
    """A fake ChatGPT Codex backend (plain HTTP) on 127.0.0.1, stopped after the test."""
    with FakeBackend() as server:
        yield server


@pytest.fixture
def tls_backend(test_ca: TestCertificateAuthority) -> Iterator[FakeBackend]:
    """The fake backend served over TLS with the test CA's certificate."""
    with FakeBackend(tls_context=test_ca.server_context()) as server:
        yield server


@pytest.fixture
def workspace(tmp_path: Path, rotor_bin: Path, codex_bin: Path, backend: FakeBackend) -> Iterator[Workspace]:
    """A temporary user (HOME, ROTOR_HOME, CODEX_HOME, cwd) pointed at `backend`; stops what it started."""
    space = Workspace(root=tmp_path, rotor_bin=rotor_bin, codex_bin=codex_bin, backend=backend)
    try:
        yield space
    finally:
        space.stop_all()
    leaked = space.secret_findings()
    assert not leaked, "a token or secret was printed or logged:\n" + "\n".join(leaked)
