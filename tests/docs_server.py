"""A real HTTP server on 127.0.0.1 that plays the docs site, faults included."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    delay_seconds: float = 0.0  # before the status line
    headers: dict[str, str] = field(default_factory=dict)
    # Send the first `cut_after` bytes, then drop the connection (with Content-Length of the whole).
    cut_after: int | None = None
    send_length: bool = True  # without Content-Length the body ends when the connection closes


class DocsServer:
    """Serves `routes` (path → Route); records every request path in `requests`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path, Route(b"not found", 404, "text/plain"))
                if route.delay_seconds:
                    time.sleep(route.delay_seconds)
                try:
                    self.send_response(route.status)
                    if route.content_type:
                        self.send_header("Content-Type", route.content_type)
                    if route.send_length:
                        self.send_header("Content-Length", str(len(route.body)))
                    else:
                        self.close_connection = True
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if route.cut_after is not None:
                        self.wfile.write(route.body[: route.cut_after])
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/vision/"

    def serve_page(self, version: str, route: Route) -> None:
        self.routes[f"/vision/{version}/models.html"] = route

    def __enter__(self) -> DocsServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
