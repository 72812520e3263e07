"""A tiny HTTP receiver for webhook tests: a real server thread on 127.0.0.1, port chosen by the OS.

It records every request (method, path, headers, raw body) and answers with the status the test
sets; `/token` answers an OAuth client-credentials grant like a seller's authUrl would.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.requests = []
        self.status = 200
        self.token = "receiver-issued-token-123"
        self.token_status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
                if self.path.startswith("/token"):
                    status = receiver.token_status
                    answer = json.dumps({"access_token": receiver.token, "token_type": "Bearer", "expires_in": 3600})
                else:
                    status, answer = receiver.status, "{}"
                data = answer.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def events(self):
        """Deliveries received (not the token requests)."""
        return [r for r in self.requests if not r["path"].startswith("/token")]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
