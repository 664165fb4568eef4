"""A real local HTTP SMS gateway for the tests (http.server on a random port): answers from a script of
(status, body) pairs, the last one repeating, and records every request it got."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def local_gateway(script, *, delay: float = 0.0):
    received: list[dict] = []
    answers = list(script)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            received.append({"body": body, "auth": self.headers.get("Authorization", ""),
                             "type": self.headers.get("Content-Type", "")})
            if delay:
                import time

                time.sleep(delay)
            status, answer = answers.pop(0) if len(answers) > 1 else answers[0]
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sms/send", received
    finally:
        server.shutdown()
        server.server_close()
