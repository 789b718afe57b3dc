"""The built rotor executable, run as a user runs it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from workspace import COMMAND_TIMEOUT


def test_rotor_prints_its_version(rotor_bin: Path) -> None:
    result = subprocess.run([str(rotor_bin), "--version"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*\n", result.stdout)


def test_rotor_help_names_the_main_command(rotor_bin: Path) -> None:
    result = subprocess.run([str(rotor_bin), "--help"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert "rotor run -- codex" in result.stdout
