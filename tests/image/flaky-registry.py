#!/usr/bin/python3
# flaky-registry.py: a proxy in front of a registry that drops the first
# download of one blob half-way (tier 60: a layer unpacked while it
# downloads, whose download then resumes, is unpacked again from the
# verified blob).
#
# usage: flaky-registry.py PORT UPSTREAM-HOST:PORT DIGEST
#   Serves 127.0.0.1:PORT.  Every GET is passed on to UPSTREAM; the first
#   GET of /v2/*/blobs/DIGEST without a Range header gets the full status
#   and Content-Length but only half the body, a pause of 0.5 s (so the
#   client is reading it), and then the connection closes.  Later GETs
#   (the client's Range request) are passed on whole.
import http.client
import http.server
import sys
import time

port, upstream, digest = int(sys.argv[1]), sys.argv[2], sys.argv[3]
dropped = False


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        global dropped
        conn = http.client.HTTPConnection(upstream, timeout=30)
        hdrs = {k: v for k, v in self.headers.items()
                if k.lower() in ("accept", "range", "authorization")}
        conn.request("GET", self.path, headers=hdrs)
        resp = conn.getresponse()
        body = resp.read()
        drop = (not dropped and "/blobs/" + digest in self.path
                and "range" not in (k.lower() for k in hdrs)
                and resp.status == 200)
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("content-length", "connection",
                                 "transfer-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if drop:
            dropped = True
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            time.sleep(0.5)
        else:
            self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Proxy).serve_forever()
