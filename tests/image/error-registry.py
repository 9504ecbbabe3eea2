#!/usr/bin/python3
# error-registry.py: a proxy in front of a registry that answers as
# registries do when they refuse: the distribution spec's JSON error body
# (tier 60: our error quotes the registry's code and message).
#
# usage: error-registry.py PORT UPSTREAM-HOST:PORT [redirect|transient]
#   Serves 127.0.0.1:PORT.  A manifest of a repository named "limited"
#   gets 429 TOOMANYREQUESTS (Retry-After: 0, so the client's retries are
#   quick); every blob gets 403 DENIED (with "redirect": a 307 to
#   /expired/..., which answers 403, as object storage answers an expired
#   signed URL); anything else is passed on to UPSTREAM.  With "transient"
#   only the first GET of each path fails, as a rate limit or a backend
#   restarting does: a manifest 429 with Retry-After: 1, a blob 503 with
#   none; then every request is passed on.
import http.client
import http.server
import json
import sys

port, upstream = int(sys.argv[1]), sys.argv[2]
redirect = len(sys.argv) > 3 and sys.argv[3] == "redirect"
transient = len(sys.argv) > 3 and sys.argv[3] == "transient"
seen = set()


def error_body(code, message):
    return json.dumps({"errors": [{"code": code, "message": message,
                                   "detail": None}]}).encode()


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body, headers):
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in ("content-length", "connection",
                                 "transfer-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        jt = [("Content-Type", "application/json")]
        if transient and self.path not in seen and self.path != "/v2/":
            seen.add(self.path)
            if "/manifests/" in self.path:
                return self.reply(429, error_body(
                    "TOOMANYREQUESTS", "slow down"),
                    jt + [("Retry-After", "1")])
            return self.reply(503, b"busy", [("Content-Type", "text/plain")])
        if transient:
            return self.forward()
        if self.path.startswith("/v2/limited/manifests/"):
            return self.reply(429, error_body(
                "TOOMANYREQUESTS", "You have reached your pull rate limit.\n"
                "\x1b[31mupgrade\x1b[0m"), jt + [("Retry-After", "0")])
        if self.path.startswith("/expired/"):
            return self.reply(403, b"<Error><Code>AccessDenied</Code></Error>",
                              [("Content-Type", "application/xml")])
        if redirect and "/blobs/" in self.path:
            return self.reply(307, b"", [("Location", "/expired" + self.path)])
        if "/blobs/" in self.path:
            return self.reply(403, error_body(
                "DENIED", "requested access to the resource is denied"), jt)
        self.forward()

    def forward(self):
        conn = http.client.HTTPConnection(upstream, timeout=30)
        hdrs = {k: v for k, v in self.headers.items()
                if k.lower() in ("accept", "range", "authorization")}
        conn.request("GET", self.path, headers=hdrs)
        resp = conn.getresponse()
        self.reply(resp.status, resp.read(), resp.getheaders())

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Proxy).serve_forever()
