"""The check every end-to-end test's workspace passes through when the test ends: nothing rotor printed or logged
contains a token or a secret.

The secrets are every token the fake backend minted (id, access and refresh tokens, including rotated and
invalidated ones), the API keys it accepts, and the proxy secret files in the workspace. Anything shaped like a JWT
counts too. The outputs are what each command run in the workspace printed, the stderr of every process it started,
and `$ROTOR_HOME/logs/rotor.log`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

# Shorter values are placeholders of some tests, not secrets; every occurrence in ordinary text would be a false alarm.
SHORTEST_SECRET = 8
# Header and payload of a JWT: base64url of `{"…` twice, dot-separated.
JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.")


def proxy_secrets(root: Path) -> dict[str, str]:
    """The contents of every `*.secret` file under `root`, named by file."""
    found: dict[str, str] = {}
    for path in root.rglob("*.secret"):
        value = path.read_text(errors="replace").strip()
        if len(value) >= SHORTEST_SECRET:
            found[value] = f"the proxy secret in {path.name}"
    return found


def findings(outputs: dict[str, str], secrets: dict[str, str]) -> list[str]:
    """One line per secret found in an output, naming the output and the kind of secret, never the secret."""
    found: list[str] = []
    for name, text in sorted(outputs.items()):
        found += [f"{name} contains {kind}" for value, kind in sorted(secrets.items(), key=lambda item: item[1])
                  if len(value) >= SHORTEST_SECRET and value in text]
        if JWT_SHAPE.search(text):
            found.append(f"{name} contains a JWT (an access or id token)")
    return found


def read_outputs(paths: Iterable[Path]) -> dict[str, str]:
    """The text of every path that exists, named by path."""
    return {str(path): path.read_text(errors="replace") for path in paths if path.is_file()}
