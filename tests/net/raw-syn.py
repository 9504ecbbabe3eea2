#!/usr/bin/python3
# raw-syn.py: sends one TCP SYN as a LAN neighbour could, to any IPv4
# destination at a given MAC (the host's), and says what answered; for
# tier 56's "127.0.0.1 only from lo" case (a socket cannot send to
# 127.0.0.1 out of a real interface).
#
# usage: raw-syn.py IFACE DEST-MAC SRC-IP DST-IP DST-PORT
#   prints "reply from IP:PORT flags=0xNN" (0x12 SYN-ACK, 0x14 RST) or
#   "no reply" after 2 s.
import fcntl
import socket
import struct
import sys
import time

ifc, dmac, src, dst, dport = (sys.argv[1], sys.argv[2], sys.argv[3],
                              sys.argv[4], int(sys.argv[5]))
SPORT = 40123


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return (~s) & 0xffff


tcp = struct.pack("!HHIIBBHHH", SPORT, dport, 1000, 0, 5 << 4, 0x02, 64240,
                  0, 0)
pseudo = (socket.inet_aton(src) + socket.inet_aton(dst) +
          struct.pack("!BBH", 0, 6, len(tcp)))
tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                 socket.inet_aton(src), socket.inet_aton(dst))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((ifc, 0))
# SIOCGIFHWADDR: the interface's MAC (sysfs shows another namespace's).
smac = fcntl.ioctl(s.fileno(), 0x8927,
                   struct.pack("256s", ifc.encode()[:15]))[18:24]
eth = bytes.fromhex(dmac.replace(":", "")) + smac + b"\x08\x00"
s.settimeout(0.2)
s.send(eth + ip + tcp)
end = time.time() + 2
while time.time() < end:
    try:
        f = s.recv(2048)
    except socket.timeout:
        continue
    if len(f) < 34 or f[23] != 6:
        continue
    t = f[14 + (f[14] & 15) * 4:]
    sp, dp = struct.unpack("!HH", t[:4])
    if dp == SPORT:
        print("reply from %s:%d flags=0x%02x" %
              (socket.inet_ntoa(f[26:30]), sp, t[13]))
        sys.exit(0)
print("no reply")
