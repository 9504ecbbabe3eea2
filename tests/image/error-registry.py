#!/usr/bin/python3
# error-registry.py: a proxy in front of a registry that answers as
# registries do when they refuse: the distribution spec's JSON error body
# (tier 60: our error quotes the registry's code and message).
#
# usage: error-registry.py PORT UPSTREAM-HOST:PORT
#                          [redirect|transient|failone DIGEST|pausefail DIGEST]
#   Serves 127.0.0.1:PORT.  A manifest of a repository named "limited"
#   gets 429 TOOMANYREQUESTS (Retry-After: 0, so the client's retries are
#   quick); every blob gets 403 DENIED (with "redirect": a 307 to
#   /expired/..., which answers 403, as object storage answers an expired
#   signed URL); anything else is passed on to UPSTREAM.  With "transient"
#   only the first GET of each path fails, as a rate limit or a backend
#   restarting does: a manifest 429 with Retry-After: 1, a blob 503 with
#   none; then every request is passed on.  With "failone DIGEST" the blob
#   DIGEST gets 403 DENIED and every other blob over 1000 bytes (a layer,
#   not the config) comes a byte every 0.2 s, as over a slow link (tier
#   60: the failure ends the pull without waiting for the others).  With
#   "pausefail DIGEST" the blob DIGEST gets 403 after 1.5 s, and every other
#   blob over 1000 bytes 429 with Retry-After: 30 (the failure ends the
#   pull without the others sleeping out their pause).
import http.client
import http.server
import json
import sys
import time

port, upstream = int(sys.argv[1]), sys.argv[2]
redirect = len(sys.argv) > 3 and sys.argv[3] == "redirect"
transient = len(sys.argv) > 3 and sys.argv[3] == "transient"
failone = sys.argv[4] if len(sys.argv) > 4 and \
    sys.argv[3] in ("failone", "pausefail") else None
pausefail = len(sys.argv) > 3 and sys.argv[3] == "pausefail"
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
        if failone and "/blobs/" in self.path:
            if pausefail and self.path.endswith(failone):
                time.sleep(1.5)
            if self.path.endswith(failone):
                return self.reply(403, error_body(
                    "DENIED", "requested access to the resource is denied"),
                    jt)
            return self.trickle()
        if failone:
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

    def trickle(self):
        conn = http.client.HTTPConnection(upstream, timeout=30)
        conn.request("GET", self.path)
        resp = conn.getresponse()
        body = resp.read()
        if len(body) <= 1000:
            return self.reply(resp.status, body, resp.getheaders())
        if pausefail:
            return self.reply(429, error_body("TOOMANYREQUESTS", "slow down"),
                              [("Content-Type", "application/json"),
                               ("Retry-After", "30")])
        self.send_response(resp.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for i in range(len(body)):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Proxy).serve_forever()
