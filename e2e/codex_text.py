"""What the real Codex CLI prints, as the tests need to predict it."""

from __future__ import annotations

import re
from datetime import datetime, timezone

# "…or try again at 9:04 AM." (same local day) or "…or try again at Nov 24th, 2026 9:04 AM." (another day); without
# a known plan Codex says "You've hit your usage limit. Try again at 9:04 AM."
RETRY_AT = re.compile(r"[Tt]ry again at (?:[A-Z][a-z]{2} \d{1,2}(?:st|nd|rd|th), \d{4} )?(\d{1,2}:\d\d [AP]M)")


def retry_time_shown(output: str) -> str | None:
    """The `h:mm AM/PM` of Codex's usage-limit message, or None when it printed none."""
    match = RETRY_AT.search(output)
    return match.group(1) if match else None


def clock_time_utc(unix_seconds: int) -> str:
    """`h:mm AM/PM` of a unix time in UTC (the tests run Codex with TZ=UTC), the way Codex formats it."""
    return datetime.fromtimestamp(unix_seconds, timezone.utc).strftime("%-I:%M %p")
