import json


def post_generate(client, body=None, **headers):
    """POST /api/generate with a JSON body (a dict, or raw text for malformed-body tests)."""
    data = body if isinstance(body, str) else json.dumps(body or {})
    return client.post("/api/generate", data=data, content_type="application/json", headers=headers)


def sse_events(response) -> list[tuple[str, dict]]:
    """The (event, data) pairs of a streamed answer."""
    text = b"".join(response.streaming_content).decode()
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events
