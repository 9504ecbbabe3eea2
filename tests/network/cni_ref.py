"""cni_ref.py: random-reach.py's reference, the topology it drew set up with
Debian's CNI plugins (/usr/lib/cni: bridge + portmap + firewall, chained as
containerd chains a conflist) in a second namespace tree: a "host2"
namespace (the plugins run there: its bridges, iptables rules and
host-local leases) with an "outside2" on its uplink, addressed as the first
tree, and a namespace per container.  The same addresses, gateways and
published ports (the host ports xl-oci chose) as xl-oci's run."""
import json
import os
import shutil
import subprocess
import time

CNI_PATH = "/usr/lib/cni"


class Cni:
    def __init__(self, work, rr):
        self.work = os.path.join(work, "cni")
        self.rr = rr  # the random-reach module (sh, probe, constants)
        self.procs = []

    def ns_proc(self):
        p = subprocess.Popen(["unshare", "-n", "sleep", "100000"], start_new_session=True)
        self.procs.append(p)
        time.sleep(0.1)
        return "/proc/%d/ns/net" % p.pid

    def plugin(self, typ, conf, cmd, netns, ifname, cid):
        env = dict(os.environ, CNI_COMMAND=cmd, CNI_CONTAINERID=cid, CNI_NETNS=netns,
                   CNI_IFNAME=ifname, CNI_PATH=CNI_PATH)
        r = subprocess.run(["nsenter", "--net=" + self.host, os.path.join(CNI_PATH, typ)],
                           input=json.dumps(conf), capture_output=True, text=True, env=env)
        if r.returncode != 0:
            raise RuntimeError("CNI %s %s %s: %s %s" % (typ, cmd, cid, r.stdout, r.stderr))
        return json.loads(r.stdout) if r.stdout.strip() else None

    def up(self, topo, xenv, servers):
        rr = self.rr
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        self.host = self.ns_proc()
        self.outside = self.ns_proc()
        sh = rr.sh
        h, o = self.host, self.outside
        sh("ip", "link", "set", "lo", "up", ns=h)
        sh("ip", "link", "set", "lo", "up", ns=o)
        sh("ip", "link", "add", "uplink0", "type", "veth", "peer", "name", "ext0", ns=h)
        sh("ip", "link", "set", "ext0", "netns", self.outside.split("/")[2], ns=h)
        sh("ip", "addr", "add", rr.UPLINK + "/24", "dev", "uplink0", ns=h)
        sh("ip", "addr", "add", rr.UPLINK2 + "/24", "dev", "uplink0", ns=h)
        sh("ip", "link", "set", "uplink0", "up", ns=h)
        sh("ip", "addr", "add", rr.OUTSIDE + "/24", "dev", "ext0", ns=o)
        sh("ip", "link", "set", "ext0", "up", ns=o)
        sh("ip", "route", "add", "default", "via", rr.OUTSIDE, ns=h)
        for n in topo["nets"]:
            sh("ip", "route", "add", n["subnet"], "via", rr.UPLINK, ns=o)
        servers.add(o, "outside", "tcp", rr.OUT_PORT)
        servers.add(o, "outside", "udp", rr.OUT_PORT)
        servers.add(h, "host", "udp", rr.HOST_UDP)
        gw = xenv["gw"]
        plen = {n["name"]: n["subnet"].split("/")[1] for n in topo["nets"]}
        subnet = {n["name"]: n["subnet"] for n in topo["nets"]}
        cns = {}
        for c in topo["conts"]:
            name = c["name"]
            if name not in xenv["addrs"]:
                continue
            cns[name] = self.ns_proc()
            sh("ip", "link", "set", "lo", "up", ns=cns[name])
            for i, net in enumerate(c["nets"]):
                bridge = {"type": "bridge", "bridge": "cni-" + net, "isGateway": True,
                          "ipMasq": True, "hairpinMode": True,
                          "capabilities": {"ips": True},
                          "ipam": {"type": "host-local",
                                   "ranges": [[{"subnet": subnet[net], "gateway": gw[net]}]],
                                   "dataDir": os.path.join(self.work, "ipam")}}
                if i == 0:
                    bridge["ipam"]["routes"] = [{"dst": "0.0.0.0/0"}]
                pm = [{"hostPort": hp, "containerPort": cp, "protocol": pr,
                       **({"hostIP": hip} if hip else {})}
                      for (cc, pr, hip, hp, cp) in xenv["pub"] if cc == name] if i == 0 else []
                chain = [bridge, {"type": "portmap", "capabilities": {"portMappings": True},
                                  "snat": True},
                         {"type": "firewall", "backend": "iptables"}]
                prev = None
                for p in chain:
                    conf = dict(p, cniVersion="1.0.0", name=net)
                    rt = {}
                    if p["type"] == "bridge":
                        rt["ips"] = ["%s/%s" % (xenv["addrs"][name][net], plen[net])]
                    if p["type"] == "portmap":
                        rt["portMappings"] = pm
                    if rt:
                        conf["runtimeConfig"] = rt
                    if prev is not None:
                        conf["prevResult"] = prev
                    out = self.plugin(p["type"], conf, "ADD", cns[name], "eth%d" % i,
                                      "%s-%s" % (name, net))
                    if out is not None:
                        prev = out
            for p in c["listen"]:
                for a in xenv["addrs"][name].values():
                    servers.add(cns[name], name, "tcp", p, a)
                    servers.add(cns[name], name, "udp", p, a)
        # a network nobody joined has no bridge under CNI (the plugin makes
        # it at the first ADD); xl-oci's network create makes it: give it
        # one, with the gateway's address, as bridge's isGateway would
        for n in topo["nets"]:
            if not any(n["name"] in c["nets"] and c["name"] in cns for c in topo["conts"]):
                br = "cni-" + n["name"]
                sh("ip", "link", "add", br, "type", "bridge", ns=h)
                sh("ip", "addr", "add", "%s/%s" % (gw[n["name"]], plen[n["name"]]), "dev", br, ns=h)
                sh("ip", "link", "set", br, "up", ns=h)
        return {"addrs": xenv["addrs"], "gw": gw, "pub": xenv["pub"],
                "ns": lambda c: cns[c], "resolver": None,
                "host_ns": h, "outside_ns": o}

    def down(self):
        for p in self.procs:
            p.kill()
            p.wait()
        self.procs = []
        shutil.rmtree(self.work, ignore_errors=True)
