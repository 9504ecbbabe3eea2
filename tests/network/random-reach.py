#!/usr/bin/env python3
"""random-reach.py: a random differential of who reaches whom on xl-oci's
managed networks (helper-102).

    random-reach.py [--cni] [--phases] [--verbose] [--show] SEED|LOW-HIGH...

--cni: the CNI reference run too (below).  --phases: after the matrix,
measure it again after `xl-oci network up` (even seeds) or after a stop
and start of one container drawn from the seed (odd seeds), and on seeds
divisible by 3 after the destroy of one (its ports are refused, its names
answer nothing, the others' are as they were).  --show: print
the topologies drawn, run nothing.  RR_XL_OCI names another xl-oci binary
(an older build, to show a fault).  Needs root, runc, mkfs.erofs,
busybox, dnsmasq, nft; runs in a private network namespace (unshare -n).

From each seed it draws a topology: 1-3 networks (random IPv4 subnets, some
side by side in one /16, some isolated), 2-5 NOHYPER containers (runc, the
busybox image tier 32 builds), each on one or two networks, each serving a
few TCP and UDP ports, with random published ports (oci_ports: host port
or none, ranges, tcp/udp, bound to no address, 0.0.0.0, 127.0.0.1, the
uplink's address or a bridge's).  Then it measures, from the "host"
(a private network namespace the script makes with unshare -n), an
"outside" namespace on the host's uplink (192.0.2.0/24) and from every
container, what reaches what:

  host -> each published port through 127.0.0.1, the two uplink addresses
          and each bridge's address; host -> each container's addresses
  outside -> each published port on the uplink addresses; outside -> each
          container's address (the outside routes every subnet via the host)
  container -> every other container's addresses (same network, across
          networks), -> names (NAME and NAME.NETWORK, through the resolver
          in its resolv.conf), -> every published port (its own: hairpin)
          through the uplink and bridge addresses, -> the outside (whose
          server must see the host's uplink address: masquerade)
  container -> spoofed source addresses (another container's, an unused one
          of its subnet, one outside it) towards the gateway, a neighbour and
          the outside: never delivered
  IPv6, on the networks drawn with --ipv6 (about 40%): published ports
          through the uplink's and bridges' IPv6 addresses, container
          addresses, masquerade to the outside, spoofed sources

Expected values come from a model of Docker's documented semantics (a
user-defined bridge network, Docker 28, --internal for isolated; see
model_*() below) with xl-oci's documented additions (anti-spoofing), never
from xl-oci's code.  With --cni the same topology is also set up with
Debian's CNI plugins (bridge + portmap + firewall, as containerd chains
them) in a second namespace tree and measured there: where CNI's semantics
are Docker's (same network, published ports, masquerade, hairpin) a
difference between the two measurements is reported too.

The servers and clients are sockets the script opens in the containers'
network namespaces (setns), which the kernel treats exactly as sockets of
the container's own processes.  Every difference prints
"FAULT seed=N: ..."; the exit status is 1 when there was one.
"""
import ctypes
import ipaddress
import json
import os
import random
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
X = os.environ.get("RR_XL_OCI") or os.path.join(TOP, "build", "xl-oci")
LIBC = ctypes.CDLL("libc.so.6", use_errno=True)
CLONE_NEWNET = 0x40000000
UPLINK = "192.0.2.1"   # the host's uplink address
UPLINK2 = "192.0.2.3"  # a second one
OUTSIDE = "192.0.2.2"  # the outside namespace
OUT_PORT = 7000        # the outside's server, TCP and UDP
HOST_UDP = 7001        # the host's UDP sink (spoof checks)
UPLINK6 = "2001:db8:2::1"   # the host's uplink, IPv6
UPLINK6_2 = "2001:db8:2::3"
OUTSIDE6 = "2001:db8:2::2"
TIMEOUT = 1.2
VERBOSE = False


def sh(*args, check=True, ns=None, **kw):
    if ns:
        args = ("nsenter", "--net=" + ns) + args
    r = subprocess.run(args, capture_output=True, text=True, start_new_session=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError("%s: rc %d: %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return r


# --- namespaces: a thread enters one for the duration of a probe ----------------

def setns(path):
    if path is HOST_NS:
        if LIBC.setns(HOST_FD, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns back to the host")
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        if LIBC.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + path)
    finally:
        os.close(fd)


class InNs:
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        if self.path:
            setns(self.path)

    def __exit__(self, *a):
        if self.path:
            setns(HOST_NS)


HOST_NS = "host"  # the namespace the script made for itself
HOST_FD = None    # an fd of it, opened in main


# --- servers ------------------------------------------------------------------

class Servers:
    """TCP and UDP servers in many namespaces, served by one thread.  Every
    datagram's token is logged with its source address; a TCP connection
    and a datagram are answered "NAME PEER"."""

    def __init__(self):
        self.sel = selectors.DefaultSelector()
        self.log = {}  # token -> (server name, peer)
        self.lock = threading.Lock()
        self.stop = False
        self.socks = []
        self.t = threading.Thread(target=self.loop, daemon=True)
        self.t.start()

    def add(self, ns, name, proto, port, addr="0.0.0.0"):
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        with InNs(ns):
            if proto == "tcp":
                s = socket.socket(fam, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if fam == socket.AF_INET6:
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                    s.setsockopt(socket.IPPROTO_IPV6, 78, 1)  # IPV6_FREEBIND: DAD
                s.bind((addr, port))
                s.listen(64)
            else:
                s = socket.socket(fam, socket.SOCK_DGRAM)
                if fam == socket.AF_INET6:
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                    s.setsockopt(socket.IPPROTO_IPV6, 78, 1)
                s.bind((addr, port))
        s.setblocking(False)
        self.socks.append(s)
        self.sel.register(s, selectors.EVENT_READ, (name, proto))

    def close_all(self):
        for s in self.socks:
            try:
                self.sel.unregister(s)
            except Exception:
                pass
            s.close()
        self.socks = []

    def loop(self):
        while not self.stop:
            try:
                ev = self.sel.select(0.2)
            except Exception:
                continue
            for key, _ in ev:
                name, proto = key.data
                s = key.fileobj
                try:
                    if proto == "tcp":
                        c, peer = s.accept()
                        c.setblocking(True)
                        c.settimeout(1)
                        try:
                            tok = c.recv(100).decode().strip()
                        except Exception:
                            tok = ""
                        with self.lock:
                            self.log[tok] = (name, peer[0])
                        try:
                            c.sendall(("%s %s\n" % (name, peer[0])).encode())
                        except Exception:
                            pass
                        c.close()
                    else:
                        data, peer = s.recvfrom(200)
                        tok = data.decode(errors="replace").strip()
                        with self.lock:
                            self.log[tok] = (name, peer[0])
                        s.sendto(("%s %s\n" % (name, peer[0])).encode(), peer)
                except (BlockingIOError, OSError):
                    pass

    def seen(self, tok):
        with self.lock:
            return self.log.get(tok)


TOKEN = [0]
TOKLOCK = threading.Lock()


def token():
    with TOKLOCK:
        TOKEN[0] += 1
        return "t%d" % TOKEN[0]


def probe(ns, proto, addr, port, src=None, servers=None):
    """From namespace ns, to addr:port.  Returns (reply, arrival): reply is
    "NAME PEER" or None, arrival the (name, peer) the server logged."""
    tok = token()
    reply = None
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    with InNs(ns):
        try:
            if proto == "tcp":
                s = socket.socket(fam, socket.SOCK_STREAM)
                s.settimeout(TIMEOUT)
                s.connect((addr, port))
                s.sendall((tok + "\n").encode())
                reply = s.recv(200).decode().strip() or None
                s.close()
            else:
                s = socket.socket(fam, socket.SOCK_DGRAM)
                if src and fam == socket.AF_INET6:
                    s.setsockopt(socket.IPPROTO_IPV6, 75, 1)  # IPV6_TRANSPARENT
                    s.bind((src, 0))
                elif src:
                    s.setsockopt(socket.SOL_IP, 19, 1)  # IP_TRANSPARENT
                    s.bind((src, 0))
                s.settimeout(TIMEOUT)
                s.sendto((tok + "\n").encode(), (addr, port))
                try:
                    reply = s.recv(200).decode().strip() or None
                except socket.timeout:
                    reply = None
                s.close()
        except OSError:
            reply = None
    arrival = servers.seen(tok) if servers else None
    if arrival is None and proto == "udp" and servers:
        time.sleep(0.05)
        arrival = servers.seen(tok)
    return reply, arrival


# --- DNS ----------------------------------------------------------------------

def dns_query(ns, server, name):
    """An A query for name from namespace ns; returns (rcode, [addresses])
    or (None, []) when no answer came."""
    qid = random.randrange(65536)
    q = qid.to_bytes(2, "big") + b"\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    for part in name.split("."):
        q += bytes([len(part)]) + part.encode()
    q += b"\x00\x00\x01\x00\x01"
    with InNs(ns):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(3)
        try:
            s.sendto(q, (server, 53))
            data = s.recv(1500)
        except OSError:
            return None, []
        finally:
            s.close()
    rcode = data[3] & 15
    an = int.from_bytes(data[6:8], "big")
    i = 12
    while data[i]:
        i += data[i] + 1
    i += 5
    addrs = []
    for _ in range(an):
        if data[i] & 0xC0 == 0xC0:
            i += 2
        else:
            while data[i]:
                i += data[i] + 1
            i += 1
        typ = int.from_bytes(data[i:i + 2], "big")
        rdlen = int.from_bytes(data[i + 8:i + 10], "big")
        rd = data[i + 10:i + 10 + rdlen]
        if typ == 1 and rdlen == 4:
            addrs.append(socket.inet_ntoa(rd))
        i += 10 + rdlen
    return rcode, addrs


# --- the draw -----------------------------------------------------------------

NET_NAMES = ["n1", "n2", "n3"]
CPORTS = [80, 81, 53, 443, 5000, 8080]


def draw(seed):
    r = random.Random(seed)
    nnet = r.choice([1, 2, 2, 3])
    nets = []
    base16 = r.choice(["10.%d" % r.randrange(1, 250), "172.%d" % r.randrange(16, 32),
                       "192.168"])
    used = []
    for i in range(nnet):
        for _ in range(100):
            plen = r.choice([16, 20, 24, 24, 24, 25, 26, 27, 28])
            if r.random() < 0.7 and plen >= 17:
                # side by side in one /16: looks like an overlap, is not
                b = ipaddress.ip_network(base16 + ".0.0/16")
                subs = list(b.subnets(new_prefix=plen))
                cand = subs[r.randrange(len(subs))] if len(subs) < 4096 else \
                    ipaddress.ip_network("%s/%d" % (b.network_address + (r.randrange(65536 >> (32 - plen)) << (32 - plen)), plen))
            else:
                first = r.choice([10, 172, 192])
                if first == 10:
                    a = "10.%d.%d.0" % (r.randrange(256), r.randrange(256))
                elif first == 172:
                    a = "172.%d.%d.0" % (r.randrange(16, 32), r.randrange(256))
                else:
                    a = "192.168.%d.0" % r.randrange(256)
                cand = ipaddress.ip_network(a + "/%d" % plen, strict=False)
            if any(cand.overlaps(u) for u in used):
                continue
            used.append(cand)
            break
        mode = "isolated" if r.random() < 0.2 else "nat"
        gw = None
        if r.random() < 0.2 and cand.num_addresses >= 16:
            gw = str(cand.broadcast_address - 1)
        nets.append({"name": NET_NAMES[i], "subnet": str(cand), "mode": mode, "gateway": gw})
    r6 = random.Random(seed * 7919 + 1)
    for n in nets:
        n["ipv6"] = "fd%02x:%x:%x::/64" % (r6.randrange(256), r6.randrange(65536), r6.randrange(65536)) \
            if r6.random() < 0.4 else None
    ncont = r.randrange(2, 6)
    conts = []
    hostports = set(range(20000, 20100))
    taken = []  # (proto, host address, port) of the fixed entries
    for i in range(ncont):
        k = 1 if nnet == 1 or r.random() < 0.6 else 2
        cn = [n["name"] for n in r.sample(nets, k)]
        listen = sorted(r.sample(CPORTS, r.randrange(1, 4)))
        ports = []
        first = next(n for n in nets if n["name"] == cn[0])
        if first["mode"] == "nat":
            for _ in range(r.choice([0, 1, 1, 2, 3])):
                proto = r.choice(["tcp", "tcp", "udp"])
                cp = r.choice(listen)
                hip = r.choice(["", "", "", "0.0.0.0", "127.0.0.1", UPLINK, "GW"])
                if hip == "GW":
                    hip = "GW:" + r.choice(nets)["name"]
                kind = r.choice(["fixed", "fixed", "fixed", "none", "range", "range2"])
                free = sorted(hostports)
                reuse = [e for e in taken if hip not in ("", "0.0.0.0") and
                         not any(f[2] == e[2] and f[0] == proto and f[1] in ("", "0.0.0.0", hip)
                                 for f in taken)]
                if kind == "fixed" and reuse and r.random() < 0.5:
                    # a host port another entry holds, on another address
                    # or for the other protocol: Docker takes both
                    hp = r.choice(reuse)[2]
                    taken.append((proto, hip, hp))
                    ports.append({"proto": proto, "hip": hip, "hp": str(hp), "cp": str(cp)})
                elif kind == "fixed":
                    hp = r.choice(free)
                    hostports.discard(hp)
                    taken.append((proto, hip, hp))
                    ports.append({"proto": proto, "hip": hip, "hp": str(hp), "cp": str(cp)})
                elif kind == "none":
                    ports.append({"proto": proto, "hip": hip, "hp": "", "cp": str(cp)})
                elif kind == "range":
                    lo = r.choice(free[:-3])
                    ports.append({"proto": proto, "hip": hip, "hp": "%d-%d" % (lo, lo + 2), "cp": str(cp)})
                    for p in range(lo, lo + 3):
                        hostports.discard(p)
                else:
                    # a range of container ports: the listening ones in a row?
                    c0 = r.choice(listen)
                    lo = r.choice(free[:-3])
                    ports.append({"proto": proto, "hip": hip, "hp": "%d-%d" % (lo, lo + 1),
                                  "cp": "%d-%d" % (c0, c0 + 1)})
                    for p in range(lo, lo + 2):
                        hostports.discard(p)
        conts.append({"name": "c%d" % i, "nets": cn, "listen": listen, "ports": ports})
    return {"nets": nets, "conts": conts}


def port_spec(p, gwaddr):
    hip = p["hip"]
    if hip.startswith("GW:"):
        hip = gwaddr[hip[3:]]
    s = ""
    if hip:
        s = hip + ":" + p["hp"] + ":"
    elif p["hp"]:
        s = p["hp"] + ":"
    return s + p["cp"] + "/" + p["proto"]


# --- the model: Docker's documented semantics -------------------------------------
#
# Docker, user-defined bridge networks (docs.docker.com/engine/network/
# drivers/bridge, packet-filtering-firewalls, port-publishing), Docker 28:
# - containers on one network reach each other on every port; containers
#   on different networks do not (DOCKER-ISOLATION);
# - -p publishes on every host address (0.0.0.0 or none) or on the one
#   given; the host reaches it through 127.0.0.1 too (docker-proxy, or
#   route_localnet); a container reaches any container's published port
#   through a host address (hairpin NAT or docker-proxy), its own too;
# - from outside, only published ports are reachable (Docker 28 drops
#   direct routed access to container addresses); an --internal network
#   (xl-oci's isolated) has no outside access either way, and its
#   containers reach nothing beyond their network (the host's own address
#   on the bridge answers: DNS);
# - outgoing connections are masqueraded to the host's address;
# - the embedded DNS answers NAME and NAME.NETWORK of containers sharing a
#   network with the asker, and nothing of other networks.
# xl-oci adds: a frame whose source address is not the container's lease is
# dropped (docs: table bridge xl_oci), so no spoofed datagram arrives.

class Model:
    def __init__(self, topo, addrs, gwaddr, pub):
        self.t = topo
        self.addrs = addrs      # container -> {net: ip}
        self.gw = gwaddr        # net -> gateway ip
        self.pub = pub          # list of (container, proto, hip or "", hostport, cport)
        self.mode = {n["name"]: n["mode"] for n in topo["nets"]}
        self.cnets = {c["name"]: c["nets"] for c in topo["conts"]}
        self.listen = {c["name"]: c["listen"] for c in topo["conts"]}

    def default_net(self, c):
        """The network of c's default route: the first nat one."""
        for n in self.cnets[c]:
            if self.mode[n] == "nat":
                return n
        return None

    def local_addrs(self):
        return ["127.0.0.1", UPLINK, UPLINK2] + list(self.gw.values())

    def published_to(self, addr, proto, hport):
        """The (container, cport) a published port at addr sends to, or None."""
        for (c, pr, hip, hp, cp) in self.pub:
            if pr != proto or hp != hport:
                continue
            if hip in ("", "0.0.0.0") or hip == addr:
                return c, cp
        return None

    def via_host(self, src, addr, proto, hport):
        """src ("host", "outside" or a container) to a host address."""
        t = self.published_to(addr, proto, hport)
        if t is None:
            return None
        c, cp = t
        if cp not in self.listen[c]:
            return None
        if src == "outside":
            # it routes the subnets via the host: a bridge's address is
            # one of the host's too (Docker's DNAT matches --dst-type LOCAL)
            if addr == "127.0.0.1":
                return None
            return c
        if src == "host":
            return c
        # a container: the packet needs a route to addr and must leave its
        # network: only through a nat network.
        if addr == "127.0.0.1":
            return None
        sn = None
        for n in self.cnets[src]:
            if addr == self.gw[n]:
                sn = n
        if sn is None:
            sn = self.default_net(src)
        if sn is None or self.mode[sn] != "nat":
            return None
        return c

    def direct(self, src, dst, net, port):
        """src to dst's address on net, on a port dst listens on."""
        if port not in self.listen[dst]:
            return False
        if src == "host":
            return True
        if src == "outside":
            return False
        return net in self.cnets[src]

    def outbound(self, src):
        return self.default_net(src) is not None

    def dns(self, src, name, net=None):
        """The addresses NAME (or NAME.NET) may resolve to, for src."""
        if net is not None:
            if net in self.cnets[src] and net in self.cnets[name]:
                return {self.addrs[name][net]}
            return set()
        shared = [n for n in self.cnets[src] if n in self.cnets[name]]
        return {self.addrs[name][n] for n in shared}


# --- xl-oci: set the topology up ---------------------------------------------------

class XlOci:
    def __init__(self, work, rv):
        self.work = work
        self.rv = rv
        self.root = os.path.join(work, "state")
        os.makedirs(self.root, exist_ok=True)
        os.chmod(work, 0o755)
        os.chmod(self.root, 0o755)
        self.env = dict(os.environ, XL_OCI_ROOT=self.root, XL_OCI_LOG_DIR=os.path.join(work, "log"),
                        XL_OCI_NO_XEN="1")

    def x(self, *args, check=True):
        for attempt in range(3):
            try:
                # a session of its own: a Ctrl-C (or timeout -s INT, which
                # signals the group) ends the run between seeds, not an
                # xl-oci command halfway
                r = subprocess.run((X,) + args, capture_output=True, text=True, env=self.env,
                                   start_new_session=True)
                break
            except OSError:  # the binary being rebuilt: ETXTBSY, EACCES
                if attempt == 2:
                    raise
                time.sleep(2)
        if check and r.returncode != 0:
            raise RuntimeError("xl-oci %s: rc %d: %s" % (" ".join(args), r.returncode,
                                                         (r.stderr + r.stdout).strip()))
        return r

    def up(self, topo):
        for n in topo["nets"]:
            a = ["network", "create", n["name"], "--subnet", n["subnet"], "--mode", n["mode"]]
            if n["gateway"]:
                a += ["--gateway", n["gateway"]]
            if n.get("ipv6"):
                a += ["--ipv6", n["ipv6"]]
            self.x(*a)
        gw = {}
        self.gw6 = {}
        for n in topo["nets"]:
            j = json.loads(self.x("network", "inspect", "--json", n["name"]).stdout)
            gw[n["name"]] = j["gateway"]
            if j.get("gateway6"):
                self.gw6[n["name"]] = j["gateway6"]
        for c in topo["conts"]:
            specs = [port_spec(p, gw) for p in c["ports"]]
            cfg = os.path.join(self.work, c["name"] + ".cfg")
            with open(cfg, "w") as f:
                f.write('name = "%s"\noci_root = "%s"\n' % (c["name"], self.rv))
                f.write("oci_network = [ %s ]\n" % ", ".join('"%s"' % n for n in c["nets"]))
                if specs:
                    f.write("oci_ports = [ %s ]\n" % ", ".join('"%s"' % s for s in specs))
                f.write('oci_cmd = [ "sleep 100000" ]\n')
            c["specs"] = specs
            r = self.x("create", cfg, check=False)
            if r.returncode != 0:
                c["create_error"] = (r.stderr + r.stdout).strip()
        addrs, _, pub = self.leases(topo)
        return addrs, gw, pub

    def leases(self, topo):
        addrs = {}
        pub = []
        gw = None
        self.addrs6 = {}
        for n in topo["nets"]:
            j = json.loads(self.x("network", "inspect", "--json", n["name"]).stdout)
            for le in j["leases"]:
                addrs.setdefault(le["container"], {})[n["name"]] = le["ipv4"]
                if le.get("ipv6"):
                    self.addrs6.setdefault(le["container"], {})[n["name"]] = le["ipv6"]
                if n["name"] == next(c for c in topo["conts"] if c["name"] == le["container"])["nets"][0]:
                    for ps in le.get("ports", []):
                        pub.append((le["container"],) + parse_published(ps))
        return addrs, gw, pub

    def ns(self, c):
        return os.path.join(self.root, "domains", c, "netns")

    def resolver(self, c):
        j = json.loads(self.x("status", "--json", c).stdout)
        with open("/proc/%d/root/etc/resolv.conf" % j["pid"]) as f:
            for line in f:
                if line.startswith("nameserver"):
                    return line.split()[1]
        return None

    def down(self, topo):
        for a in [("destroy", c["name"]) for c in topo["conts"]] + \
                [("network", "rm", n["name"]) for n in topo["nets"]]:
            try:
                self.x(*a, check=False)
            except OSError as e:
                print("cleanup: xl-oci %s: %s" % (" ".join(a), e), file=sys.stderr)


def parse_published(ps):
    """"[HIP:]HP:CP/PROTO" as network inspect shows a lease's port."""
    spec, proto = ps.rsplit("/", 1)
    parts = spec.split(":")
    if len(parts) == 3:
        hip, hp, cp = parts
    else:
        hip, (hp, cp) = "", parts
    return proto, hip, int(hp), int(cp)


# --- measuring ------------------------------------------------------------------------

class Run:
    def __init__(self, seed, topo, env, outside_ns):
        self.seed = seed
        self.topo = topo
        self.env = env
        self.outside_ns = outside_ns
        self.faults = []
        self.cases = 0
        self.label = "FAULT"

    def fault(self, what):
        msg = "%s seed=%d: %s" % (self.label, self.seed, what)
        self.faults.append(msg)
        print(msg, flush=True)


def measure(run, env, servers, pool, cni=False):
    """Every probe of the topology; compares with the model.  env gives
    ns(c), addrs, gw, pub, resolver(c), host_ns, outside_ns.  With cni,
    only what CNI's bridge and portmap promise as Docker does (no DNS,
    isolation between networks, anti-spoofing or routed-access drop)."""
    topo = run.topo
    HN = env.get("host_ns")
    ON = env["outside_ns"]
    m = Model(topo, env["addrs"], env["gw"], env["pub"])
    conts = [c["name"] for c in topo["conts"] if c["name"] in env["addrs"] and "create_error" not in c]
    jobs = []  # (description, future, checker)

    def add(desc, fn, check):
        jobs.append((desc, pool.submit(fn), check))

    # published ports from the host, the outside and every container
    targets = sorted({(hp, pr) for (_, pr, _, hp, _) in env["pub"]} | set(env.get("gone_ports", [])))
    for hp, pr in targets:
        for src in ["host", "outside"] + conts:
            ns = HN if src == "host" else ON if src == "outside" else env["ns"](src)
            addrs = m.local_addrs() if src == "host" else \
                [UPLINK, UPLINK2] + [env["gw"][n] for n in topo_net_names(topo)]
            for a in addrs:
                exp = m.via_host(src, a, pr, hp)

                def fn(ns=ns, a=a, pr=pr, hp=hp):
                    return probe(ns, pr, a, hp, servers=servers)

                def check(res, exp=exp, src=src, a=a, hp=hp, pr=pr):
                    reply, arr = res
                    got = reply.split()[0] if reply else None
                    if got != exp:
                        return "%s -> %s:%d/%s: expected %s, got %s%s" % (
                            src, a, hp, pr, exp or "nothing", got or "nothing",
                            " (arrived at %s from %s)" % arr if arr and not got else "")
                    if got and src == "outside" and reply.split()[1] != OUTSIDE:
                        return "%s -> %s:%d/%s: the container saw %s, not the client %s" % (
                            src, a, hp, pr, reply.split()[1], OUTSIDE)
                    return None
                add("pub", fn, check)
    # direct: every source to every container address, one listening port
    # each (TCP and UDP alternately)
    for dst in conts:
        for net, ip in env["addrs"][dst].items():
            for i, src in enumerate(["host", "outside"] + conts):
                if src == dst:
                    continue
                if cni and (src == "outside" or (src != "host" and net not in m.cnets[src])):
                    continue  # CNI neither isolates networks nor drops routed access
                ns = HN if src == "host" else ON if src == "outside" else env["ns"](src)
                port = m.listen[dst][i % len(m.listen[dst])]
                pr = "tcp" if i % 2 == 0 else "udp"
                exp = dst if m.direct(src, dst, net, port) else None

                def fn(ns=ns, ip=ip, port=port, pr=pr):
                    return probe(ns, pr, ip, port, servers=servers)

                def check(res, exp=exp, src=src, dst=dst, ip=ip, port=port, pr=pr, net=net):
                    reply, arr = res
                    got = reply.split()[0] if reply else None
                    if got != exp:
                        return "%s -> %s's %s address %s:%d/%s: expected %s, got %s%s" % (
                            src, dst, net, ip, port, pr, exp or "nothing", got or "nothing",
                            " (arrived from %s)" % arr[1] if arr and not got else "")
                    if got and src in conts:
                        seen = reply.split()[1]
                        if seen not in env["addrs"][src].values():
                            return "%s -> %s %s:%d/%s: %s saw %s, not one of %s's addresses" % (
                                src, dst, ip, port, pr, dst, seen, src)
                    return None
                add("direct", fn, check)
    # outbound: masqueraded to the uplink address
    for i, src in enumerate(conts):
        pr = "tcp" if i % 2 == 0 else "udp"
        exp = m.outbound(src)

        def fn(src=src, pr=pr):
            return probe(env["ns"](src), pr, OUTSIDE, OUT_PORT, servers=servers)

        def check(res, exp=exp, src=src, pr=pr):
            reply, arr = res
            if bool(reply) != exp:
                return "%s -> outside %s:%d/%s: expected %s, got %s" % (
                    src, OUTSIDE, OUT_PORT, pr, "reached" if exp else "nothing", reply or "nothing")
            if reply and reply.split()[1] not in (UPLINK, UPLINK2):
                return "%s -> outside: the outside saw %s, not the host's %s" % (src, reply.split()[1], UPLINK)
            return None
        add("out", fn, check)
    # spoofed sources: never delivered
    for src in ([] if cni else conts):
        for net, ip in env["addrs"][src].items():
            subnet = ipaddress.ip_network(next(n["subnet"] for n in topo["nets"] if n["name"] == net))
            others = [env["addrs"][c][net] for c in conts if c != src and net in env["addrs"][c]]
            used = set(env["addrs"][c].get(net) for c in conts) | {env["gw"][net]}
            free = [str(h) for h in list(subnet.hosts())[:64] if str(h) not in used]
            spoofs = ([others[0]] if others else []) + free[:1] + ["203.0.113.9"]
            dests = [(env["gw"][net], HOST_UDP, "host")]
            nb = [c for c in conts if c != src and net in env["addrs"][c]]
            if nb:
                dests.append((env["addrs"][nb[0]][net], m.listen[nb[0]][0], nb[0]))
            if m.mode[net] == "nat":
                dests.append((OUTSIDE, OUT_PORT, "outside"))
            # a control: the same path from the lease's own address arrives
            def fn(src=src, ip=ip, net=net):
                return probe(env["ns"](src), "udp", env["gw"][net], HOST_UDP, src=ip, servers=servers)

            def check(res, src=src, ip=ip, net=net):
                if not res[1] or res[1][1] != ip:
                    return "%s sent from its own %s to %s:%d/udp: not delivered (the spoof checks are void)" % (
                        src, ip, env["gw"][net], HOST_UDP)
                return None
            add("spoof-control", fn, check)
            for sp in spoofs:
                for (da, dp, dn) in dests:
                    def fn(src=src, sp=sp, da=da, dp=dp):
                        # the spoofed source must be routed out of that interface
                        return probe(env["ns"](src), "udp", da, dp, src=sp, servers=servers)

                    def check(res, src=src, sp=sp, da=da, dp=dp, dn=dn):
                        reply, arr = res
                        if arr:
                            return "%s sent from spoofed %s to %s:%d/udp (%s): delivered (seen from %s)" % (
                                src, sp, da, dp, dn, arr[1])
                        return None
                    add("spoof", fn, check)
    # DNS
    for src in ([] if cni else conts):
        server = env["resolver"](src)
        for gone, gnets in env.get("gone", {}).items():
            # a container destroyed: none of its names answers
            for qn in [gone] + ["%s.%s" % (gone, n) for n in gnets]:
                def fn(src=src, qn=qn, server=server):
                    return dns_query(env["ns"](src), server, qn)

                def check(res, src=src, qn=qn, server=server):
                    if res[1]:
                        return "%s resolves %s (via %s), destroyed: got %s" % (src, qn, server, res[1])
                    return None
                add("dns-gone", fn, check)
        for dst in conts:
            names = [(dst, None)] + [("%s.%s" % (dst, n), n) for n in env["addrs"][dst]]
            for qn, net in names:
                exp = m.dns(src, dst, net)

                def fn(src=src, qn=qn, server=server):
                    return dns_query(env["ns"](src), server, qn)

                def check(res, exp=exp, src=src, qn=qn, server=server):
                    rcode, got = res
                    if not exp:
                        if got:
                            return "%s resolves %s (via %s): expected no address, got %s" % (
                                src, qn, server, got)
                        return None
                    if not got:
                        return "%s resolves %s (via %s): expected %s, got rcode %s" % (
                            src, qn, server, sorted(exp), rcode)
                    if not set(got) <= exp:
                        return "%s resolves %s (via %s): expected %s, got %s" % (
                            src, qn, server, sorted(exp), got)
                    return None
                add("dns", fn, check)
    if not cni and env.get("addrs6"):
        measure6(env, servers, m, add, conts, topo)
    for desc, fut, check in jobs:
        run.cases += 1
        try:
            res = fut.result()
            err = check(res)
        except Exception as e:
            res = None
            err = "%s: probe failed: %r" % (desc, e)
        if err:
            run.fault(err)
        elif VERBOSE:
            print("  ok", desc, getattr(check, "__defaults__", ()), res)


def measure6(env, servers, m, add, conts, topo):
    """The IPv6 cases, on networks made with --ipv6.  Docker with IPv6 on
    (ip6tables, its default since 27): -p without a host address publishes
    on the host's IPv6 addresses too, to the container's IPv6 address;
    networks are isolated as in IPv4; outgoing IPv6 is masqueraded.  Not
    ::1 (xl-oci documents why: docker-proxy answers it).  A container's
    IPv6 default route: the network of its IPv4 one, when it has IPv6
    (Docker may take another network's; those containers are skipped)."""
    a6, gw6 = env["addrs6"], env["gw6"]
    has6 = {n["name"]: bool(n.get("ipv6")) for n in topo["nets"]}
    dn = {c: m.default_net(c) for c in conts}

    def route6(src, addr):
        """The network src reaches addr through, or None; "skip"."""
        for n in m.cnets[src]:
            if gw6.get(n) == addr:
                return n
        d = dn[src]
        if d is None:
            return None
        if not has6[d]:
            return "skip" if any(has6[n] for n in m.cnets[src]) else None
        return d

    locals6 = [UPLINK6, UPLINK6_2] + list(gw6.values())
    for (c, pr, hip, hp, cp) in env["pub"]:
        if hip or c not in a6 or m.cnets[c][0] not in a6[c] or cp not in m.listen[c]:
            continue
        for src in ["host", "outside"] + conts:
            ns = None if src == "host" else env["outside_ns"] if src == "outside" else env["ns"](src)
            for a in locals6:
                exp = c
                if src in conts:
                    n = route6(src, a)
                    if n == "skip":
                        continue
                    if n is None or m.mode[n] != "nat":
                        exp = None

                def fn(ns=ns, a=a, pr=pr, hp=hp):
                    return probe(ns, pr, a, hp, servers=servers)

                def check(res, exp=exp, src=src, a=a, hp=hp, pr=pr):
                    reply, arr = res
                    got = reply.split()[0] if reply else None
                    if got != exp:
                        return "%s -> [%s]:%d/%s: expected %s, got %s%s" % (
                            src, a, hp, pr, exp or "nothing", got or "nothing",
                            " (arrived at %s from %s)" % arr if arr and not got else "")
                    if got and src == "outside" and reply.split()[1] != OUTSIDE6:
                        return "outside -> [%s]:%d/%s: the container saw %s, not the client %s" % (
                            a, hp, pr, reply.split()[1], OUTSIDE6)
                    return None
                add("pub6", fn, check)
    for dst in conts:
        for net, ip in a6.get(dst, {}).items():
            for i, src in enumerate(["host", "outside"] + conts):
                if src == dst:
                    continue
                ns = None if src == "host" else env["outside_ns"] if src == "outside" else env["ns"](src)
                port = m.listen[dst][i % len(m.listen[dst])]
                pr = "udp" if i % 2 == 0 else "tcp"
                exp = dst if m.direct(src, dst, net, port) else None

                def fn(ns=ns, ip=ip, port=port, pr=pr):
                    return probe(ns, pr, ip, port, servers=servers)

                def check(res, exp=exp, src=src, dst=dst, ip=ip, port=port, pr=pr, net=net):
                    reply, arr = res
                    got = reply.split()[0] if reply else None
                    if got != exp:
                        return "%s -> %s's %s address [%s]:%d/%s: expected %s, got %s%s" % (
                            src, dst, net, ip, port, pr, exp or "nothing", got or "nothing",
                            " (arrived from %s)" % arr[1] if arr and not got else "")
                    return None
                add("direct6", fn, check)
    for i, src in enumerate(conts):
        n = route6(src, OUTSIDE6)
        if n == "skip" or src not in a6:
            continue
        exp = n is not None and m.mode[n] == "nat"
        pr = "udp" if i % 2 == 0 else "tcp"

        def fn(src=src, pr=pr):
            return probe(env["ns"](src), pr, OUTSIDE6, OUT_PORT, servers=servers)

        def check(res, exp=exp, src=src, pr=pr):
            reply, arr = res
            if bool(reply) != exp:
                return "%s -> outside [%s]:%d/%s: expected %s, got %s" % (
                    src, OUTSIDE6, OUT_PORT, pr, "reached" if exp else "nothing", reply or "nothing")
            if reply and reply.split()[1] not in (UPLINK6, UPLINK6_2):
                return "%s -> outside over IPv6: the outside saw %s, not the host's %s" % (
                    src, reply.split()[1], UPLINK6)
            return None
        add("out6", fn, check)
    for src in conts:
        for net, ip in a6.get(src, {}).items():
            pre = ipaddress.ip_network(next(n["ipv6"] for n in topo["nets"] if n["name"] == net))
            others = [a6[c][net] for c in conts if c != src and net in a6.get(c, {})]
            spoofs = others[:1] + [str(pre.network_address + 0x77), "2001:db8:99::9"]

            def fn(src=src, ip=ip, net=net):
                return probe(env["ns"](src), "udp", gw6[net], HOST_UDP, src=ip, servers=servers)

            def check(res, src=src, ip=ip, net=net):
                if not res[1] or res[1][1] != ip:
                    return "%s sent from its own [%s] to [%s]:%d/udp: not delivered (the spoof checks are void)" % (
                        src, ip, gw6[net], HOST_UDP)
                return None
            add("spoof6-control", fn, check)
            dests = [(gw6[net], HOST_UDP, "host")]
            if m.mode[net] == "nat":
                dests.append((OUTSIDE6, OUT_PORT, "outside"))
            for sp in spoofs:
                for (da, dp, dname) in dests:
                    def fn(src=src, sp=sp, da=da, dp=dp):
                        return probe(env["ns"](src), "udp", da, dp, src=sp, servers=servers)

                    def check(res, src=src, sp=sp, da=da, dp=dp, dname=dname):
                        if res[1]:
                            return "%s sent from spoofed [%s] to [%s]:%d/udp (%s): delivered (seen from %s)" % (
                                src, sp, da, dp, dname, res[1][1])
                        return None
                    add("spoof6", fn, check)


def topo_net_names(topo):
    return [n["name"] for n in topo["nets"]]


# --- the outside and the host's uplink -------------------------------------------------

def setup_host(work):
    sh("ip", "link", "set", "lo", "up")
    p = subprocess.Popen(["unshare", "-n", "sleep", "100000"], start_new_session=True)
    time.sleep(0.2)
    ons = "/proc/%d/ns/net" % p.pid
    sh("ip", "link", "add", "uplink0", "type", "veth", "peer", "name", "ext0")
    sh("ip", "link", "set", "ext0", "netns", str(p.pid))
    sh("ip", "addr", "add", UPLINK + "/24", "dev", "uplink0")
    sh("ip", "addr", "add", UPLINK2 + "/24", "dev", "uplink0")
    sh("ip", "link", "set", "uplink0", "up")
    sh("ip", "link", "set", "lo", "up", ns=ons)
    sh("ip", "addr", "add", OUTSIDE + "/24", "dev", "ext0", ns=ons)
    sh("ip", "link", "set", "ext0", "up", ns=ons)
    sh("ip", "route", "add", "default", "via", OUTSIDE)
    for a in (UPLINK6, UPLINK6_2):
        sh("ip", "-6", "addr", "add", a + "/64", "dev", "uplink0", "nodad")
    sh("ip", "-6", "addr", "add", OUTSIDE6 + "/64", "dev", "ext0", "nodad", ns=ons)
    sh("ip", "-6", "route", "add", "default", "via", OUTSIDE6)
    return p, ons


def build_rv(work):
    tree = os.path.join(work, "tree")
    for d in ["bin", "etc", "srv", "proc", "sys", "dev", "tmp"]:
        os.makedirs(os.path.join(tree, d), exist_ok=True)
    shutil.copy("/bin/busybox", os.path.join(tree, "bin", "busybox"))
    for a in ["sh", "sleep", "cat", "ip", "nc", "nslookup", "ping"]:
        os.symlink("busybox", os.path.join(tree, "bin", a))
    with open(os.path.join(tree, "etc", "passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\n")
    with open(os.path.join(tree, "etc", "group"), "w") as f:
        f.write("root:x:0:\n")
    rv = os.path.join(work, "rv")
    os.makedirs(rv)
    shutil.copy(os.path.join(tree, "etc", "passwd"), rv)
    shutil.copy(os.path.join(tree, "etc", "group"), rv)
    sh("mkfs.erofs", "--quiet", os.path.join(rv, "rootfs.erofs"), tree)
    with open(os.path.join(rv, "image-config.json"), "w") as f:
        json.dump({"architecture": "amd64", "os": "linux",
                   "config": {"Env": ["PATH=/bin"], "Entrypoint": ["/bin/sh", "-c"],
                              "Cmd": ["sleep 100000"], "WorkingDir": "/"},
                   "rootfs": {"type": "layers", "diff_ids": []}}, f)
    return rv


def parse_seeds(args):
    seeds = []
    for a in args:
        if "-" in a:
            lo, hi = a.split("-")
            seeds += list(range(int(lo), int(hi) + 1))
        else:
            seeds.append(int(a))
    return seeds


def main():
    global VERBOSE
    args = sys.argv[1:]
    use_cni = "--cni" in args
    phases = "--phases" in args
    VERBOSE = "--verbose" in args
    show = "--show" in args
    args = [a for a in args if not a.startswith("--")]
    if not args:
        print(__doc__)
        return 2
    seeds = parse_seeds(args)
    if show:
        for s in seeds:
            print(s, json.dumps(draw(s), indent=1))
        return 0
    if os.environ.get("XLOCI_RR_INNER") != "1":
        os.execvp("unshare", ["unshare", "-n", "env", "XLOCI_RR_INNER=1", sys.executable] + sys.argv)
    global HOST_FD
    HOST_FD = os.open("/proc/self/ns/net", os.O_RDONLY)
    work = tempfile.mkdtemp(prefix="xl-oci-reach.")
    os.chmod(work, 0o755)
    outside = None
    servers = Servers()
    total_cases = 0
    nfaults = 0
    nseeds = 0
    cni_cases = cni_diffs = 0
    cni = None
    try:
        rv = build_rv(work)
        outside, ons = setup_host(work)
        if use_cni:
            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            import cni_ref
            cni = cni_ref.Cni(work, sys.modules[__name__])
        pool = ThreadPoolExecutor(max_workers=16)
        stop = []
        signal.signal(signal.SIGINT, lambda *a: stop.append(1))
        signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
        for seed in seeds:
            if stop:
                print("interrupted: stopping before seed %d" % seed, flush=True)
                break
            topo = draw(seed)
            xo = XlOci(os.path.join(work, "s%d" % seed), rv)
            run = Run(seed, topo, None, ons)
            env = {"pub": []}
            try:
                # the outside routes every subnet via the host
                for n in topo["nets"]:
                    sh("ip", "route", "replace", n["subnet"], "via", UPLINK, ns=ons)
                    if n.get("ipv6"):
                        sh("ip", "-6", "route", "replace", n["ipv6"], "via", UPLINK6, ns=ons)
                addrs, gw, pub = xo.up(topo)
                for c in topo["conts"]:
                    if "create_error" in c:
                        run.fault("create %s (networks %s, ports %s) failed: %s" % (
                            c["name"], c["nets"], c.get("specs"), c["create_error"]))
                def serve_all():
                    servers.add(ons, "outside", "tcp", OUT_PORT)
                    servers.add(ons, "outside", "udp", OUT_PORT)
                    servers.add(None, "host", "udp", HOST_UDP)
                    servers.add(ons, "outside", "tcp", OUT_PORT, "::")
                    servers.add(ons, "outside", "udp", OUT_PORT, "::")
                    servers.add(None, "host", "udp", HOST_UDP, "::")
                    for c in topo["conts"]:
                        if "create_error" in c:
                            continue
                        for p in c["listen"]:
                            for a in list(addrs.get(c["name"], {}).values()) + \
                                    list(xo.addrs6.get(c["name"], {}).values()):
                                servers.add(xo.ns(c["name"]), c["name"], "tcp", p, a)
                                servers.add(xo.ns(c["name"]), c["name"], "udp", p, a)
                serve_all()
                env = {"addrs": addrs, "gw": gw, "pub": [(c, pr, h, hp, cp) for (c, pr, h, hp, cp) in pub],
                       "ns": xo.ns, "resolver": xo.resolver, "host_ns": None, "outside_ns": ons,
                       "addrs6": xo.addrs6, "gw6": xo.gw6}
                # names appear in dnsmasq's hosts file at online: give them a moment
                time.sleep(0.3)
                measure(run, env, servers, pool)
                # Phases on some seeds: the same matrix after `network up`
                # (it rebuilds bridges, tables and dnsmasq from the state:
                # "running it again changes nothing"), and after a stop and
                # start of one container (its lease and ports are kept).
                live = [c["name"] for c in topo["conts"] if "create_error" not in c]
                if phases and seed % 2 == 0:
                    run.label = "FAULT(after network up)"
                    xo.x("network", "up")
                    time.sleep(0.3)
                    measure(run, env, servers, pool)
                if phases and seed % 2 == 1 and live:
                    victim = random.Random(seed).choice(live)
                    run.label = "FAULT(after stop+start of %s)" % victim
                    xo.x("stop", "-t", "1", victim)
                    xo.x("start", victim)
                    servers.close_all()
                    serve_all()
                    addrs2, _, pub2 = xo.leases(topo)
                    if addrs2 != addrs or sorted(pub2) != sorted(pub):
                        run.fault("addresses or ports changed: %s %s -> %s %s" % (addrs, pub, addrs2, pub2))
                    time.sleep(0.3)
                    measure(run, env, servers, pool)
                if phases and seed % 3 == 0 and len(live) > 1:
                    # one container destroyed: its ports and names go, the
                    # others' stay (a host port it shared stays theirs)
                    victim = random.Random(seed * 31 + 7).choice(live)
                    run.label = "FAULT(after destroy of %s)" % victim
                    xo.x("destroy", victim)
                    gone = {victim: list(env["addrs"].get(victim, {}))}
                    gports = [(hp, pr) for (c, pr, h, hp, cp) in env["pub"] if c == victim]
                    topo2 = dict(topo, conts=[c for c in topo["conts"] if c["name"] != victim])
                    env2 = dict(env, addrs={k: v for k, v in env["addrs"].items() if k != victim},
                                addrs6={k: v for k, v in env.get("addrs6", {}).items() if k != victim},
                                pub=[e for e in env["pub"] if e[0] != victim],
                                gone=gone, gone_ports=gports)
                    saved = run.topo
                    run.topo = topo2
                    time.sleep(0.3)
                    measure(run, env2, servers, pool)
                    run.topo = saved
                run.label = "FAULT"
                if cni is not None and all(n["mode"] == "nat" for n in topo["nets"]):
                    crun = Run(seed, topo, None, None)
                    crun.label = "CNIDIFF"
                    try:
                        cenv = cni.up(topo, env, servers)
                        measure(crun, cenv, servers, pool, cni=True)
                    except Exception as e:
                        crun.fault("the CNI run failed: %r" % e)
                    finally:
                        cni.down()
                    cni_cases += crun.cases
                    cni_diffs += len(crun.faults)
            except Exception as e:
                run.fault("the run failed: %r" % e)
            finally:
                servers.close_all()
                xo.down(topo)
                for n in topo["nets"]:
                    sh("ip", "route", "del", n["subnet"], ns=ons, check=False)
                    if n.get("ipv6"):
                        sh("ip", "-6", "route", "del", n["ipv6"], ns=ons, check=False)
            nseeds += 1
            total_cases += run.cases
            nfaults += len(run.faults)
            print("seed %d: %d networks, %d containers, %d published, %d cases, %d faults" % (
                seed, len(topo["nets"]), len(topo["conts"]), len(env["pub"]),
                run.cases, len(run.faults)), flush=True)
    finally:
        servers.stop = True
        if outside:
            outside.kill()
            outside.wait()
        for p in subprocess.run(["sh", "-c", "cat %s/s*/state/networks/*/dnsmasq.pid 2>/dev/null" % work],
                                capture_output=True, text=True).stdout.split():
            try:
                os.kill(int(p), 15)
            except Exception:
                pass
        shutil.rmtree(work, ignore_errors=True)
    print("%d seeds, %d cases, %d faults" % (nseeds, total_cases, nfaults))
    if use_cni:
        print("CNI reference: %d cases, %d differences from the model" % (cni_cases, cni_diffs))
    return 1 if nfaults else 0


if __name__ == "__main__":
    sys.exit(main())
