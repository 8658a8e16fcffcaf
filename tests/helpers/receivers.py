"""A partner's postback receiver on loopback (http.server in a thread), for the tests that need one.

Reaching it needs waymark.partner_postbacks.addresses.TEST_ONLY_LOOPBACK_SWITCH, which
`open_loopback` sets for the test only.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]


@dataclass
class Receiver:
    base_url: str = ""
    status: int = 200
    location: str | None = None
    received: list[Received] = field(default_factory=list)


@contextmanager
def postback_receiver() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}))
            self.send_response(receiver.status)
            if receiver.location:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
