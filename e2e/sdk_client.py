"""A user's script that talks to the Responses API with the official openai SDK, configured only by the
environment (OPENAI_BASE_URL, OPENAI_API_KEY), as `rotor run -- python3 sdk_client.py MODE` provides it.

MODE is `stream` or `plain`. Prints the answer text on stdout. When E2E_ENV_DUMP names a file, writes the process
environment there as JSON so the test can check that no account token reached it."""

from __future__ import annotations

import json
import os
import sys

from openai import OpenAI


def main() -> int:
    mode = sys.argv[1]
    if dump := os.environ.get("E2E_ENV_DUMP"):
        with open(dump, "w") as file:
            json.dump(dict(os.environ), file)
    client = OpenAI(max_retries=0, timeout=60)
    if mode == "stream":
        text = []
        completed = None
        for event in client.responses.create(model="gpt-5.5", input="say hi", stream=True):
            if event.type == "response.output_text.delta":
                text.append(event.delta)
            elif event.type == "response.completed":
                completed = event.response
        assert completed is not None, "the stream ended without response.completed"
        print("".join(text))
        print(f"usage: {completed.usage.total_tokens}")
    else:
        response = client.responses.create(model="gpt-5.5", input="say hi")
        print(response.output_text)
        print(f"usage: {response.usage.total_tokens}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
