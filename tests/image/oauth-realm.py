#!/usr/bin/python3
# oauth-realm.py: a registry token service as the OAuth2 ones of Azure's
# and other registries answer (distribution's token spec, "OAuth2 token":
# a POST of grant_type=refresh_token), for tier 60's identitytoken cases.
#
# usage: oauth-realm.py PORT TOKEN-FILE REFRESH-TOKEN [nopost]
#   Serves 127.0.0.1:PORT.  TOKEN-FILE holds {"token": JWT}, the token
#   the registry accepts.  A POST whose form has grant_type=refresh_token,
#   refresh_token=REFRESH-TOKEN, a service, a scope and a client_id gets
#   {"access_token": JWT}; any other POST 401 invalid_grant.  A GET gets
#   401: this realm takes only OAuth2.  With "nopost" it is the other kind
#   (GCR's): a POST gets 404 and a GET with Basic credentials the token.
import http.server
import json
import sys
import urllib.parse

port, token_file, refresh = int(sys.argv[1]), sys.argv[2], sys.argv[3]
nopost = len(sys.argv) > 4 and sys.argv[4] == "nopost"
with open(token_file) as f:
    token = json.load(f)["token"]


class Realm(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(n).decode())
        if nopost:
            return self.reply(404, {"error": "not found"})
        one = {k: v[0] for k, v in form.items() if len(v) == 1}
        if (self.headers.get("Content-Type") ==
                "application/x-www-form-urlencoded" and
                one.get("grant_type") == "refresh_token" and
                one.get("refresh_token") == refresh and
                one.get("service") and one.get("scope") and
                one.get("client_id")):
            return self.reply(200, {"access_token": token, "expires_in": 300,
                                    "scope": one["scope"]})
        self.reply(401, {"error": "invalid_grant"})

    def do_GET(self):
        if nopost and self.headers.get("Authorization", "").startswith("Basic "):
            return self.reply(200, {"token": token})
        self.reply(401, {"error": "unauthorized"})

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Realm).serve_forever()
