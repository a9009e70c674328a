"""ASGI middleware that puts the API key in front of every route of a vLLM server but its probes and metrics.

vLLM's own `--api-key` guards only the /v1, /v2, /inference and /cohere prefixes; /invocations (the same
inference as /v1), /pooling, /score, /rerank and /tokenize stay open. vLLM loads this class with
`--middleware deepseek_acs_auth.RequireApiKey` (app.add_middleware); the key is read from the mounted Secret
named by API_KEY_FILE. Without a key the server refuses to start rather than serve unauthenticated.

Standard library only: it runs inside the engine image, next to whatever Starlette that image ships.
"""

import hmac
import json
import os

OPEN_PATHS = ("/health", "/ping", "/metrics", "/version")
"""Kubelet probes and the Prometheus scrape carry no key; none of these serves tokens."""


class RequireApiKey:
    def __init__(self, app, key: str | None = None):
        self.app = app
        if key is None:
            path = os.environ.get("API_KEY_FILE", "")
            key = open(path, encoding="utf-8").read().strip() if path else ""
        if not key:
            raise RuntimeError("deepseek_acs_auth: API_KEY_FILE names no key; refusing to serve without one")
        self.expected = f"Bearer {key}".encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket") or self._allowed(scope):
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
        else:
            body = json.dumps({"error": "Unauthorized"}).encode()
            await send({"type": "http.response.start", "status": 401,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode()),
                                    (b"www-authenticate", b"Bearer")]})
            await send({"type": "http.response.body", "body": body})

    def _allowed(self, scope) -> bool:
        if scope.get("method") == "OPTIONS":  # CORS preflight carries no credentials and serves nothing
            return True
        path = scope.get("path", "")
        if any(path == open_path or path.startswith(open_path + "/") for open_path in OPEN_PATHS):
            return True
        given = next((value for name, value in scope.get("headers", []) if name.lower() == b"authorization"), b"")
        return hmac.compare_digest(given, self.expected)
