"""The built rotor executable, run as a user runs it."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from fake_backend import FakeBackend
from workspace import COMMAND_TIMEOUT, Workspace


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


def test_imported_codex_logins_are_listed_without_tokens(workspace: Workspace, backend: FakeBackend) -> None:
    first, second = backend.add_account("A"), backend.add_account("B", plan="pro")
    workspace.import_accounts("A", "B")
    same = workspace.rotor("accounts", "import", str(workspace.write_auth_json("A")))
    assert same.returncode == 0 and same.stdout.strip() == "Unchanged a@example.com", same.stderr
    backend.relogin("A")  # a fresh `codex login`: newer tokens
    again = workspace.rotor("accounts", "import", str(workspace.write_auth_json("A")))
    assert again.returncode == 0 and again.stdout.strip() == "Updated a@example.com", again.stderr
    first = backend.accounts["A"]
    listed = workspace.accounts_json()
    assert [(a["email"], a["chatgpt_account_id"], a["plan"], a["state"]) for a in listed] == [
        ("a@example.com", "acct-A", "plus", "ready"), ("b@example.com", "acct-B", "pro", "ready")]
    table = workspace.rotor("accounts", "list").stdout
    for account in (first, second):
        for secret in (account.access_token, account.refresh_token, account.id_token):
            assert secret not in table and secret not in json.dumps(listed)
