#!/usr/bin/python3
"""dns-tcp-query.py SERVER NAME: asks SERVER (port 53) for NAME's A
records over TCP (RFC 7766: a 2-byte length before each message), the way
a resolver retries after a truncated UDP reply.  Prints
"rcode=N answers=N bytes=N" and exits 0, or exits 1 when no reply came
within 5 s (the connection refused, closed or silent)."""
import random
import socket
import struct
import sys


def query(name):
    qid = random.randrange(65536)
    header = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)  # RD, 1 question
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".") if p)
    return qid, header + qname + b"\0" + struct.pack(">HH", 1, 1)  # A, IN


def read_exactly(s, n):
    b = b""
    while len(b) < n:
        chunk = s.recv(n - len(b))
        if not chunk:
            raise EOFError("closed")
        b += chunk
    return b


def main():
    server, name = sys.argv[1], sys.argv[2]
    qid, msg = query(name)
    try:
        with socket.create_connection((server, 53), timeout=5) as s:
            s.sendall(struct.pack(">H", len(msg)) + msg)
            (n,) = struct.unpack(">H", read_exactly(s, 2))
            reply = read_exactly(s, n)
    except (OSError, EOFError) as e:
        print("no reply: %s" % e)
        return 1
    rid, flags, _, ancount = struct.unpack(">HHHH", reply[:8])
    if rid != qid or not flags & 0x8000:
        print("not the reply to the query")
        return 1
    print("rcode=%d answers=%d bytes=%d" % (flags & 0xF, ancount, len(reply)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
