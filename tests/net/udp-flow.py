#!/usr/bin/env python3
"""udp-flow: one UDP flow for the network tier (tests/tiers/56-network.sh).

  udp-flow.py send ADDR PORT SRCPORT SECONDS
      sends a datagram every 50 ms for SECONDS from SRCPORT (one source
      port, as a client that keeps its socket: one conntrack entry); an
      unconnected socket, so ICMP errors do not stop it
  udp-flow.py recv ADDR PORT SECONDS
      counts the datagrams arriving on ADDR:PORT for SECONDS, prints it

IPv4 addresses only.
"""
import socket
import sys
import time


def send(addr, port, sport, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", sport))
    end = time.monotonic() + secs
    while time.monotonic() < end:
        try:
            s.sendto(b"xl-oci-udp", (addr, port))
        except OSError:
            pass  # an ICMP error reported on a later send
        time.sleep(0.05)


def recv(addr, port, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    end = time.monotonic() + secs
    n = 0
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            s.recv(64)
            n += 1
        except socket.timeout:
            break
    print(n)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    elif len(sys.argv) == 5 and sys.argv[1] == "recv":
        recv(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit(__doc__)
