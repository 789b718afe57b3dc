"""The routing policy of the config file through a running `rotor proxy`: priorities order the accounts, an account
at its reserve is skipped with the reason in the decision log, an edit is picked up on the next request only when
it passes the check, and `rotor status` shows the reserved account."""

from __future__ import annotations

import json
import os
from pathlib import Path

from fake_backend import Answer, FakeBackend
from workspace import Workspace, start_proxy


def save(path: Path, text: str) -> None:
    """Saves as editors do: a new file renamed over the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_suffix(".new")
    fresh.write_text(text)
    os.replace(fresh, path)


PRIORITIES = """
[accounts."a@example.com"]
priority = 1

[accounts."b@example.com"]
priority = 2
"""


def test_reserve_priority_and_edits_of_the_config_file(workspace: Workspace, backend: FakeBackend) -> None:
    # A answers with its five-hour window 80 % used: once rotor has seen that, A has 20 % left.
    backend.add_account("A").default = Answer(used_percent=80)
    backend.add_account("B")
    workspace.import_accounts("A", "B")
    config = workspace.root / "config" / "rotor" / "config.toml"
    save(config, PRIORITIES)

    proxy = start_proxy(workspace)
    assert b"response.completed" in proxy.create_response()
    assert b"response.completed" in proxy.create_response()
    assert [account for account, _ in backend.served()] == ["A", "A"], "priority 1 first, whatever its headroom"

    save(config, '[routing]\nreserve = { "5h" = 30 }\n' + PRIORITIES)
    assert b"response.completed" in proxy.create_response()
    assert backend.served()[-1][0] == "B", "A is at its five-hour reserve"

    save(config, '[routing]\nreserve = { "5h" = "thirty" }\n' + PRIORITIES)
    assert b"response.completed" in proxy.create_response()
    assert backend.served()[-1][0] == "B", "a broken edit is ignored: the reserve stays in force"
    proxy.process.terminate()
    assert proxy.process.wait(timeout=30) == 0

    logged = json.loads(workspace.rotor("log", "--json", "--limit", "4").stdout)
    reasons = [request["attempts"][-1]["reason"] for request in reversed(logged)]
    versions = [request["attempts"][-1]["policy_version"] for request in reversed(logged)]
    assert reasons[:2] == ["priority 1", "priority 1"], reasons
    assert reasons[2] == "only account above its reserve; skipped a@example.com reserved (5h 80% used, keeps 30%)", reasons
    assert versions[0] == versions[1] != versions[2] == versions[3], versions
    assert all(len(version) == 8 for version in versions)
    log = (workspace.rotor_home / "logs" / "rotor.log").read_text()
    assert "routing policy changed" in log
    assert "routing policy edit ignored" in log and "routing.reserve.5h" in log

    # `rotor status` ignores a broken file; with the reserve back in place it shows A as reserved.
    assert json.loads(workspace.rotor("status", "--json").stdout)["pool"]["reserved"] == 0
    save(config, '[routing]\nreserve = { "5h" = 30 }\n' + PRIORITIES)
    status = json.loads(workspace.rotor("status", "--json").stdout)
    states = {account["label"]: (account["state"], account["state_reason"]) for account in status["accounts"]}
    assert states["a@example.com"] == ("reserved", "5h 80% used, keeps 30%"), states
    assert status["pool"]["reserved"] == 1
