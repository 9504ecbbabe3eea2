#!/usr/bin/env python3
"""random-env.py: a random differential of "what the container sees"
between runc and the loader (and, with --nohyper, NOHYPER's create).

usage: random-env.py [--top DIR] [--seeds S[:LAST],...] [--keys FILE]...
                     [--nohyper] [--work DIR] [--keep] [--verbose]

Per seed, draws an app.cfg from the keys that shape a container's
environment (oci_user, oci_workdir, oci_env, oci_privileged,
oci_no_new_privileges, oci_rlimits, oci_hostname, oci_writable, tmpfs
oci_volumes, oci_sysctl, oci_stdin, oci_dns; and the image's own User,
WorkingDir and Env; --keys FILE gives cases instead: random-env.cases
holds those that found faults), renders the runtime spec and the
boot spec of it with `xl-oci create -N --runtime-spec --boot-spec`
against a small busybox root volume, and runs the same probe (/probe, a
busybox sh script in the image) under
  runc      runc run of the runtime spec, the bundle's rootfs an overlay
            of the EROFS image under a tmpfs, as tier 30 lays it out;
  loader    the loader's init in its host test mode (xl-oci-loader(7))
            on the boot spec, the EROFS image on a loop device;
  nohyper   (with --nohyper) `xl-oci create` with XL_OCI_NO_XEN=1 and a
            private state root, its output through `xl-oci logs`.
The probe prints one line per fact (ids, cwd, env, umask, host name,
status' Cap*/NoNewPrivs/Seccomp, every rlimit, mountinfo, /dev, /etc
files, pid, ppid, fds, oom_score_adj, what the masked and read-only
paths let it read and write, the sysctls); the lines are normalised
and compared field by field against runc's.  ALLOW below lists the
differences that are inherent, each with its reason; any other is a
FAULT.  Exit status 1 when a case has a fault, 2 on a setup error.
Needs root.  Only the standard library.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

PASSWD = """root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
svc:x:1234:1235::/srv:/bin/sh
nohome:x:1500:1500::/nonexistent:/bin/sh
"""
GROUP = """root:x:0:
app:x:1000:
svc:x:1235:
staff:x:50:app,svc
extra:x:2000:app
other:x:3000:root,app
"""

# The probe: every fact on a line of its own, "KEY VALUE".  Busybox
# applets by absolute path, so a drawn PATH changes nothing.  The shell
# reads /proc/self/* itself, so status and limits are its own.
PROBE = r"""B=/bin/busybox
echo "id $($B id)"
echo "cwd $($B pwd)"
$B env | $B sort | while IFS= read -r l; do echo "env $l"; done
echo "umask $(umask)"
echo "hostname $($B hostname)"
while IFS= read -r l; do
  case $l in Cap*|NoNewPrivs*|Seccomp*|Groups*|Uid*|Gid*|Umask*|SigPnd*|ShdPnd*|SigBlk*|SigIgn*|SigCgt*) echo "status $l";; esac
done </proc/self/status
read -r l </proc/$$/stat
set -- ${l##*) }
echo "procstat state=$1 ppid=$2 pgrp=$3 session=$4 tty_nr=$5 tpgid=$6 nice=${17} policy=${39}"
while IFS= read -r l; do echo "limit $l"; done </proc/self/limits
while IFS= read -r l; do echo "mountinfo $l"; done </proc/self/mountinfo
for f in /dev/* /dev/.[!.]* /dev/pts/* /dev/mqueue/* /dev/shm/*; do
  if [ -L "$f" ]; then echo "dev $f -> $($B readlink "$f")"
  elif [ -e "$f" ]; then echo "dev $($B stat -c '%n %F %a %u:%g %t:%T' "$f")"; fi
done
for f in /etc/hosts /etc/resolv.conf /etc/hostname; do
  if [ -e "$f" ]; then
    echo "etcstat $($B stat -c '%n %F %a %u:%g' "$f")"
    while IFS= read -r l; do echo "etc $f $l"; done <"$f"
  else echo "etc $f absent"; fi
done
for f in / /tmp /etc /dev /dev/shm /dev/pts /dev/mqueue /proc /sys /sys/fs/cgroup /run/systemd/resolve /run/systemd/resolve/stub-resolv.conf /srv/etc-hostname /srv /home/app /data /cache /work /dangling /rdang /dchain /up /nonexistent/dir /var/cache/app /srv/up "$($B pwd)"; do
  [ -e "$f" ] && echo "stat $($B stat -c '%n %F %a %u:%g' "$f")"
done
echo "pid $$"
echo "ppid $PPID"
for f in /proc/$$/fd/*; do
  n=${f##*/}
  t=$($B readlink "$f")
  fl=$($B grep flags /proc/$$/fdinfo/$n 2>/dev/null)
  echo "fd $n $t $fl"
done
echo "oom_score_adj $($B cat /proc/self/oom_score_adj)"
for t in 0 1 2; do if [ -t $t ]; then echo "tty $t yes"; else echo "tty $t no"; fi; done
for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats /proc/timer_stats /proc/acpi /proc/scsi /proc/asound /sys/firmware /sys/devices/virtual/powercap /proc/bus /proc/fs /proc/irq /proc/sysrq-trigger; do
  if [ -d "$p" ]; then echo "masked $p dir $($B ls -A "$p" 2>/dev/null | $B wc -l) w=$([ -w "$p" ] && echo y || echo n)"
  elif [ -e "$p" ]; then echo "masked $p $($B stat -c '%F' "$p") r=$($B head -c 64 "$p" 2>/dev/null | $B wc -c) w=$([ -w "$p" ] && echo y || echo n)"
  else echo "masked $p absent"; fi
done
for p in /proc/sys/kernel/domainname /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/net/core/somaxconn; do
  v=$($B cat "$p" 2>/dev/null)
  if (echo "$v" >"$p") 2>/dev/null; then echo "write $p ok"; else echo "write $p refused"; fi
done
if $B touch /sys/fs/cgroup/xl-oci-probe 2>/dev/null; then echo "write /sys/fs/cgroup ok"; else echo "write /sys/fs/cgroup refused"; fi
if (: >/xl-oci-probe) 2>/dev/null; then echo "write / ok"; else echo "write / refused"; fi
for s in __SYSCTLS__; do
  f=/proc/sys/$(echo "$s" | $B tr . /)
  echo "sysctl $s $($B cat "$f" 2>&1)"
done
echo "end"
"""
# Read back whatever a case sets, and a few it does not.
DEFAULT_SYSCTLS = ["net.ipv4.ip_unprivileged_port_start",
                   "net.ipv4.ping_group_range", "net.core.somaxconn",
                   "kernel.domainname"]
# Per-namespace sysctls (runc sets them; the host test mode allows them).
SYSCTLS = [("net.ipv4.ip_unprivileged_port_start", ["0", "80", "1024"]),
           ("net.ipv4.ping_group_range", ["0 2147483647", "1 0", "100 200"]),
           ("net.core.somaxconn", ["128", "512", "4096"]),
           ("net.ipv4.ip_forward", ["0", "1"]),
           ("net.ipv4.tcp_syncookies", ["0", "1"]),
           ("fs.mqueue.msg_max", ["10", "20"]),
           ("fs.mqueue.queues_max", ["64", "256"]),
           ("kernel.shmmni", ["4096", "2048"]),
           ("kernel.msgmax", ["8192", "16384"]),
           ("kernel.domainname", ["example.org", "x"])]
RLIMITS = ["as", "core", "cpu", "data", "fsize", "locks", "memlock",
           "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio",
           "rttime", "sigpending", "stack"]
# /proc/self/limits' names, for the host's own hard limits.
LIMIT_ROW = {"cpu": "Max cpu time", "fsize": "Max file size",
             "data": "Max data size", "stack": "Max stack size",
             "core": "Max core file size", "rss": "Max resident set",
             "nproc": "Max processes", "nofile": "Max open files",
             "memlock": "Max locked memory", "as": "Max address space",
             "locks": "Max file locks", "sigpending": "Max pending signals",
             "msgqueue": "Max msgqueue size", "nice": "Max nice priority",
             "rtprio": "Max realtime priority",
             "rttime": "Max realtime timeout"}
USERS = [None, "root", "0", "app", "1000", "svc", "1234", "1234:55",
         "app:staff", "app:extra", "1000:other", "svc:50", "4321:4322",
         "4321", "app:0", "nohome", "0:3000", "root:staff"]
WORKDIRS = [None, "/", "/srv", "/tmp", "/home/app", "/home/op/deep",
            "/srv/../work/", "/dev/shm", "/data", "/proc", "/lnk/sub",
            "/alnk", "/dangling", "/etc/passwd"]
# The image's symlinks (name -> target), followed inside the root: to a
# directory, relative and absolute; dangling, absolute and relative (a
# mount point there makes the target, the link kept, as runc's
# securejoin); chains of them; out of the root by ".." (clamped at its
# top); and a loop (every runner refuses a mount point there).
LINKS = {"lnk": "srv", "alnk": "/home/app", "dangling": "/nonexistent/dir",
         "rdang": "../var/cache/app", "chain": "lnk", "dchain": "rdang",
         "up": "../../../../../../srv/up", "loop": "loop"}


def host_hard_limits():
    hard = {}
    with open("/proc/self/limits") as f:
        rows = f.read().splitlines()[1:]
    for name, row in LIMIT_ROW.items():
        for line in rows:
            if line.startswith(row + " "):
                h = line[len(row):].split()[1]
                hard[name] = None if h == "unlimited" else int(h)
    return hard


CAP_NAMES = ["CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID",
             "KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE",
             "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
             "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO",
             "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN",
             "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
             "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
             "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN",
             "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
             "PERFMON", "BPF", "CHECKPOINT_RESTORE"]


def host_caps():
    """The names of this process's bounding set."""
    with open("/proc/self/status") as f:
        bnd = int(re.search(r"^CapBnd:\s*([0-9a-f]+)", f.read(), re.M).group(1), 16)
    return {"CAP_" + n for i, n in enumerate(CAP_NAMES) if bnd >> i & 1}


def draw(rng, hard):
    """One app.cfg's environment keys: a list of lines, and the sysctls
    the probe reads back."""
    keys = []
    sysctls = list(DEFAULT_SYSCTLS)
    u = rng.choice(USERS)
    if u is not None:
        keys.append('oci_user = "%s"' % u)
    w = rng.choice(WORKDIRS)
    if w is not None:
        keys.append('oci_workdir = "%s"' % w)
    env = []
    for _ in range(rng.randrange(4)):
        k = rng.choice(["IMG", "HOME", "HOSTNAME", "FOO", "EMPTY", "SP",
                        "TERM", "USER", "LANG"])
        v = rng.choice(["", "x", "a b", "=eq=", "/custom", "$x"])
        env.append("%s=%s" % (k, v))
    if env:
        keys.append("oci_env = [ %s ]" % ", ".join(json.dumps(e) for e in env))
    if rng.random() < 0.3:
        keys.append("oci_privileged = 1")
    if rng.random() < 0.3:
        keys.append("oci_no_new_privileges = 1")
    rl = []
    for name in rng.sample(RLIMITS, rng.randrange(4)):
        h = hard.get(name)
        top = h if h is not None else 1 << 40
        if name in ("nice", "rtprio"):
            top = min(top, 40)
        if h is not None and h < 64:
            # Not raised past this host's (nice and rtprio: 0 here).
            rl.append("%s=%s" % (name, rng.choice([h, 0])))
            continue
        hv = rng.choice([top, max(top // 2, 1), min(top, 1024),
                         min(top, 65536)])
        sv = rng.choice([hv, max(hv // 2, 0), min(hv, 8)])
        if name == "nofile":  # the probe needs a few fds
            sv, hv = max(sv, 64), max(hv, 64)
        if name in ("nproc",):
            sv, hv = max(sv, 4096), max(hv, 4096)
        if name in ("stack", "as", "data", "rss"):
            sv, hv = max(sv, 8 << 20), max(hv, 8 << 20)
            if h is not None:
                sv, hv = min(sv, h), min(hv, h)
        if name in ("cpu", "fsize", "memlock", "msgqueue", "locks",
                    "sigpending", "rttime"):
            sv, hv = max(sv, 1 << 20 if name == "fsize" else 60), \
                max(hv, 1 << 20 if name == "fsize" else 60)
            if h is not None:
                sv, hv = min(sv, h), min(hv, h)
        if h is None and rng.random() < 0.3:
            hv = "unlimited"
            if rng.random() < 0.5:
                sv = "unlimited"
        rl.append("%s=%s:%s" % (name, sv, hv) if sv != hv else
                  "%s=%s" % (name, sv))
    if rl:
        keys.append("oci_rlimits = [ %s ]" % ", ".join(json.dumps(r) for r in rl))
    if rng.random() < 0.4:
        keys.append('oci_hostname = "%s"' % rng.choice(
            ["web-1", "a", "db.example.org", "x" * 63, "Mixed-Case"]))
    wr = rng.choice([None, None, "tmpfs", "tmpfs:32m", "tmpfs:50%"])
    if wr:
        keys.append('oci_writable = "%s"' % wr)
    vols = []
    for t in rng.sample(["/data", "/cache", "/tmp", "/srv/sub", "/work",
                         "/dev/shm", "/dev/cache", "/home/app/x", "/srv",
                         "/home/app", "/alnk/v", "/lnk", "/dangling",
                         "/dangling/v", "/rdang", "/chain/c", "/dchain",
                         "/up", "/loop"],
                        rng.randrange(3)):
        vols.append("tmpfs:%s%s" % (t, rng.choice(["", ":8m", ":1g"])))
    if vols:
        keys.append("oci_volumes = [ %s ]" % ", ".join(json.dumps(v) for v in vols))
    sc = []
    for name, vals in rng.sample(SYSCTLS, rng.randrange(4)):
        sc.append("%s=%s" % (name, rng.choice(vals)))
        if name not in sysctls:
            sysctls.append(name)
    if sc:
        keys.append("oci_sysctl = [ %s ]" % ", ".join(json.dumps(s) for s in sc))
    if rng.random() < 0.2:
        keys.append("oci_stdin = 1")
    if rng.random() < 0.25:
        keys.append("oci_dns = [ %s ]" % ", ".join(
            json.dumps(a) for a in rng.sample(
                ["10.9.8.7", "192.0.2.53", "198.51.100.1", "10.0.0.1"],
                rng.randrange(1, 4))))
    if rng.random() < 0.5:
        # The image's own User, WorkingDir and Env, under the keys: a
        # comment line of app.cfg that render() makes a root volume of.
        img = {"Env": ["PATH=/bin", "IMG=image"] + rng.sample(
            ["HOME=", "HOME=/imghome", "LANG=C", "HOSTNAME=img", "FOO=img"],
            rng.randrange(3))}
        u = rng.choice(["", "app", "1000:50", "svc", "nohome", "1234:other"])
        if u:
            img["User"] = u
        w = rng.choice(["", "/srv", "/alnk", "/home/op", "/dangling/x"])
        if w:
            img["WorkingDir"] = w
        keys.append("#image " + json.dumps(img, sort_keys=True))
    return keys, sysctls


# --- normalisation ------------------------------------------------------

MNT_FLAGS = {"ro", "rw", "nosuid", "nodev", "noexec", "noatime",
             "relatime", "nodiratime", "strictatime"}


def norm_mountinfo(line):
    """mount point, fs type, the mount's flags, the superblock's ro/rw
    and its mode/size/gid options."""
    f = line.split(" ")
    sep = f.index("-")
    point, mopts = f[4], f[5].split(",")
    fstype, sopts = f[sep + 1], f[sep + 3].split(",") if len(f) > sep + 3 else []
    flags = sorted(o for o in mopts if o in MNT_FLAGS)
    # Propagation (shared:N, master:N, unbindable), without the peer ids.
    flags += sorted(o.split(":")[0] for o in f[6:sep])
    keep = sorted(o for o in sopts
                  if o in ("ro", "rw") or o.split("=")[0] in
                  ("mode", "size", "gid", "ptmxmode", "nr_inodes"))
    return "%s %s [%s] super[%s]" % (point, fstype, ",".join(flags),
                                    ",".join(keep))


def parse(out):
    """The probe's lines as {key: [values]}, with what the run printed
    around them (the loader's markers) dropped; None without "end"."""
    facts = {}
    seen_end = False
    for line in out.splitlines():
        if line == "end":
            seen_end = True
            continue
        key, _, val = line.partition(" ")
        if key not in KEYS:
            continue
        if key == "mountinfo":
            val = norm_mountinfo(val)
        elif key == "fd":
            val = re.sub(r"(pipe|socket|anon_inode):\[?[^ \]]*\]?", r"\1", val)
        facts.setdefault(key, []).append(val)
    return facts if seen_end else None


KEYS = {"id", "cwd", "env", "umask", "hostname", "status", "procstat", "limit",
        "mountinfo", "dev", "etc", "etcstat", "stat", "pid", "ppid", "fd",
        "oom_score_adj", "tty", "masked", "write", "sysctl"}

# --- what differs by design ---------------------------------------------
# Each entry: (key, regex on a value, reason).  A value matching it is
# left out of both sides before they are compared.
ALLOW = [
    # The host test mode runs the init as PID 1 of a fresh PID namespace
    # and the entrypoint in one of its own (its PID 1 too); its parent is
    # the init in the outer namespace, 0 as seen from inside, as under
    # runc.  Nothing to allow: pid and ppid are compared.
    # /sys/fs/cgroup: runc on this hybrid (v1) host mounts the v1
    # hierarchies as a tmpfs of cgroup mounts; the loader mounts a
    # read-only cgroup2 (a domain's kernel is v2 only, decisions.md).
    ("mountinfo", r"^/sys/fs/cgroup(/| )", "cgroup v1 host: runc's tmpfs of v1 hierarchies vs the loader's cgroup2"),
    ("stat", r"^/sys/fs/cgroup ", "cgroup v1 host: see mountinfo"),
    # The runtime's /etc files: create writes them beside the runtime
    # spec, which bind-mounts them (as Docker does); the loader writes
    # the same text into the writable layer (decisions.md, "/etc files
    # owned by the runtime").  Their content and mode are compared.
    ("mountinfo", r"^(/etc/hosts|/run/systemd/resolve/stub-resolv\.conf|/srv/etc-hostname) ", "runc bind-mounts the runtime's /etc files (at the image's links' targets); the loader writes them there"),
    ("write", r"^/sys/fs/cgroup ", "cgroup v1 host: runc's tmpfs of v1 hierarchies stays writable to root"),
]

# Values rewritten on both sides before they are compared: (key, regex,
# replacement, reason).
NORMALISE = [
    # /sys's superblock: runc mounts a sysfs of the container's own
    # network namespace read-only; a domain's container shares the
    # domain's network namespace, whose sysfs the init mounted
    # read-write, and its /sys is that one remounted read-only per mount
    # (decisions.md, "Left, noted").  The mount's own flags are compared.
    ("mountinfo", r"^(/sys sysfs \[[^]]*\]) super\[[^]]*\]", r"\1 super[-]",
     "sysfs superblock shared with the domain's network namespace"),
]
# Left out of privileged cases (oci_privileged = 1) on a host whose
# bounding set lacks capabilities (this one: no CAP_SYS_RESOURCE): the
# loader knows a privileged container by its bounding set being every
# capability (maskpaths.c), which neither runner can give here, so it
# masks what runc, told by the runtime spec's empty maskedPaths, does not.
PRIV_SKIP = [
    ("masked", r""), ("write", r"^/proc/sys/"),
    ("mountinfo", r"^/(proc|sys)(/| )"),
]
ALLOW_TAIL = [
    # The stdio: runc hands the caller's fds through (here /dev/null and
    # pipes of this script); the loader's are pipes it copies, and its
    # stdin /dev/null (stdin-null) or its own stdin (this script's
    # /dev/null).  Type and flags are compared, not the pipe's identity.
]


def allowed(key, val, extra=()):
    return any(k == key and re.search(rx, val)
               for k, rx, *_ in list(ALLOW) + list(extra))


# Signals 32 and 33 (glibc's SIGCANCEL and SIGSETXID), which a caller of
# the runners may leave ignored (the suite's runner does): the loader's
# host test mode passes that on, as a C program does; runc's Go runtime
# handles 33, so its exec resets it.  In a domain the init is the
# kernel's PID 1 and inherits nothing.  Left out of SigIgn.
GLIBC_SIGNALS = (1 << 31) | (1 << 32)


def normalised(key, val):
    for k, rx, rep, _ in NORMALISE:
        if k == key:
            val = re.sub(rx, rep, val)
    if key == "status" and val.startswith("SigIgn:"):
        val = "SigIgn:\t%016x" % (int(val.split()[1], 16) & ~GLIBC_SIGNALS)
    return val


def under(a, b):
    return a == b or b.startswith(a.rstrip("/") + "/")


def overlap_order(vals):
    """(earlier, later) for each pair of mounts one at or under the other,
    named by value and occurrence."""
    seen = Counter()
    named = []
    for v in vals:
        seen[v] += 1
        named.append((v, seen[v]))
    pairs = set()
    for i, x in enumerate(named):
        for y in named[i + 1:]:
            px, py = x[0].split()[0], y[0].split()[0]
            if under(px, py) or under(py, px):
                pairs.add((x, y))
    return pairs


def compare(a, b, extra=()):
    """Differences between two parsed probe outputs, as text lines."""
    diffs = []
    for key in sorted(KEYS):
        va = [normalised(key, v) for v in a.get(key, []) if not allowed(key, v, extra)]
        vb = [normalised(key, v) for v in b.get(key, []) if not allowed(key, v, extra)]
        if key in ("mountinfo",):
            # The mounts as a multiset, then the order of those that
            # overlap (one at or under the other: which one is seen); the
            # order of disjoint mounts is not observable.
            ca, cb = Counter(va), Counter(vb)
            if ca != cb:
                for v in sorted((ca - cb).elements()):
                    diffs.append("%s: only A: %s" % (key, v))
                for v in sorted((cb - ca).elements()):
                    diffs.append("%s: only B: %s" % (key, v))
            elif overlap_order(va) != overlap_order(vb):
                diffs.append("%s: order of overlapping mounts: A %s / B %s" % (
                    key, [v.split()[0] for v in va], [v.split()[0] for v in vb]))
            continue
        if va != vb:
            sa, sb = set(va), set(vb)
            for v in va:
                if v not in sb:
                    diffs.append("%s: only A: %s" % (key, v))
            for v in vb:
                if v not in sa:
                    diffs.append("%s: only B: %s" % (key, v))
            if sa == sb:
                diffs.append("%s: order or count: A %s / B %s" % (key, va, vb))
    return diffs


# --- the runs -----------------------------------------------------------


def sh(cmd, **kw):
    return subprocess.run(cmd, **kw)


def mkdir_in_root(root, path):
    """mkdir -p of path inside root, its symlinks followed inside it (as
    Docker's daemon and NOHYPER's create resolve the working directory);
    gives up quietly on a file on the way (runc then fails alike)."""
    rest = [c for c in path.split("/") if c]
    cur = "/"
    hops = 0
    while rest:
        c = rest.pop(0)
        if c == ".":
            continue
        if c == "..":
            cur = os.path.dirname(cur.rstrip("/")) or "/"
            continue
        nxt = os.path.join(cur, c)
        real = root + nxt
        if os.path.islink(real):
            hops += 1
            if hops > 40:
                return
            t = os.readlink(real)
            rest = [x for x in t.split("/") if x] + rest
            if t.startswith("/"):
                cur = "/"
            continue
        if not os.path.lexists(real):
            os.mkdir(real, 0o755)
        elif not os.path.isdir(real):
            return
        cur = nxt


class Env:
    def __init__(self, args):
        self.top = os.path.abspath(args.top)
        self.xloci = os.path.join(self.top, "build/xl-oci")
        self.init = os.path.join(self.top, "build/loader/xen-tools/init")
        self.work = args.work or tempfile.mkdtemp(prefix="xl-oci-renv.")
        self.loops = []
        self.mounts = []
        self.hard = host_hard_limits()
        # runc and the host test mode cannot raise a hard limit past this
        # process's (no CAP_SYS_RESOURCE here): the default's 524288 too.
        self.nofile_cap = self.hard.get("nofile")
        self.host_caps = host_caps()

    def setup(self):
        w = self.work
        tree = os.path.join(w, "tree")
        for d in ["bin", "etc", "srv", "home/app", "tmp", "proc", "sys",
                  "dev"]:
            os.makedirs(os.path.join(tree, d), exist_ok=True)
        os.chmod(os.path.join(tree, "tmp"), 0o1777)
        shutil.copy("/bin/busybox", os.path.join(tree, "bin/busybox"))
        os.symlink("busybox", os.path.join(tree, "bin/sh"))
        for name, target in LINKS.items():
            os.symlink(target, os.path.join(tree, name))
        for name, text in (("passwd", PASSWD), ("group", GROUP)):
            with open(os.path.join(tree, "etc", name), "w") as f:
                f.write(text)
        # An image's leftovers: the runtime owns these (decisions.md).
        with open(os.path.join(tree, "etc/hosts"), "w") as f:
            f.write("127.0.0.1 from-the-image\n")
        # Links where the runtime provides a file, as systemd images have
        # /etc/resolv.conf: absolute and dangling (its directories
        # missing), and a relative chain out of the root by "..": runc
        # binds at the target resolved in the root and keeps the link,
        # so must the loader write there.
        os.symlink("/run/systemd/resolve/stub-resolv.conf",
                   os.path.join(tree, "etc/resolv.conf"))
        os.symlink("hostname.1", os.path.join(tree, "etc/hostname"))
        os.symlink("../../../../../srv/etc-hostname",
                   os.path.join(tree, "etc/hostname.1"))
        self.rv = os.path.join(w, "rv")
        os.makedirs(self.rv, exist_ok=True)
        shutil.copy(os.path.join(tree, "etc/passwd"), self.rv)
        shutil.copy(os.path.join(tree, "etc/group"), self.rv)
        self.probe_sysctls = None
        with open(os.path.join(self.rv, "image-config.json"), "w") as f:
            json.dump({"architecture": "amd64", "os": "linux",
                       "config": {"Env": ["PATH=/bin", "IMG=image"],
                                  "Entrypoint": ["/bin/sh", "/probe"],
                                  "WorkingDir": "/"},
                       "rootfs": {"type": "layers", "diff_ids": []}}, f)
        # The probe reads back every sysctl any case may set.
        names = list(DEFAULT_SYSCTLS) + [n for n, _ in SYSCTLS
                                         if n not in DEFAULT_SYSCTLS]
        with open(os.path.join(tree, "probe"), "w") as f:
            f.write(PROBE.replace("__SYSCTLS__", " ".join(names)))
        r = sh(["mkfs.erofs", "--quiet", os.path.join(self.rv, "rootfs.erofs"),
                tree], capture_output=True, text=True)
        if r.returncode:
            raise SystemExit("mkfs.erofs: " + r.stderr)
        self.loop = sh(["losetup", "-f", "--show", "-r",
                        os.path.join(self.rv, "rootfs.erofs")],
                       capture_output=True, text=True, check=True).stdout.strip()
        self.loops.append(self.loop)
        self.lower = os.path.join(w, "lower")
        os.makedirs(self.lower, exist_ok=True)
        sh(["mount", "-t", "erofs", "-o", "ro", self.loop, self.lower],
           check=True)
        self.mounts.append(self.lower)

    def cleanup(self, keep):
        for m in reversed(self.mounts):
            sh(["umount", "-l", m], stderr=subprocess.DEVNULL)
        for l in self.loops:
            sh(["losetup", "-d", l], stderr=subprocess.DEVNULL)
        if not keep:
            shutil.rmtree(self.work, ignore_errors=True)

    def render(self, case, cfg_lines):
        d = os.path.join(self.work, "c%s" % case)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(os.path.join(d, "bundle"))
        cfg = os.path.join(d, "app.cfg")
        rv = self.rv
        for line in cfg_lines:
            if line.startswith("#image "):
                # This case's root volume: the image's rootfs (a hard
                # link), passwd, group and a config of its own.
                rv = os.path.join(d, "rv")
                os.makedirs(rv)
                for name in ("rootfs.erofs", "passwd", "group"):
                    os.link(os.path.join(self.rv, name), os.path.join(rv, name))
                conf = {"Entrypoint": ["/bin/sh", "/probe"]}
                conf.update(json.loads(line[len("#image "):]))
                with open(os.path.join(rv, "image-config.json"), "w") as f:
                    json.dump({"architecture": "amd64", "os": "linux",
                               "config": conf,
                               "rootfs": {"type": "layers", "diff_ids": []}}, f)
        with open(cfg, "w") as f:
            f.write('name = "renv%s"\noci_root = "%s"\n' % (case, rv))
            f.write("".join(l + "\n" for l in cfg_lines))
        r = sh([self.xloci, "--root", os.path.join(self.work, "state"),
                "create", "-N", cfg, "--runtime-spec",
                os.path.join(d, "bundle/config.json"), "--boot-spec",
                os.path.join(d, "bs.dtb")],
               capture_output=True, text=True)
        if r.returncode:
            return d, r.stderr.strip().splitlines()[-1] if r.stderr else "failed"
        self.host_fit(d)
        return d, None

    def host_fit(self, d):
        """What neither runner can give on this host, taken out of both
        specs alike: a hard RLIMIT_NOFILE above this process's (tiers 30
        and 50 do the same), and capabilities outside its bounding set
        (oci_privileged: NOHYPER's create gives those of CapBnd, but -N
        renders all of them)."""
        cap = self.nofile_cap
        p = os.path.join(d, "bundle/config.json")
        with open(p) as f:
            spec = json.load(f)
        for r in spec["process"].get("rlimits", []):
            if cap is not None and r["type"] == "RLIMIT_NOFILE" and r["hard"] > cap:
                r["hard"] = cap
                r["soft"] = min(r["soft"], cap)
        caps = spec["process"].get("capabilities", {})
        dtb = os.path.join(d, "bs.dtb")
        for k, v in caps.items():
            keep = [c for c in v if c in self.host_caps]
            if keep != v:
                caps[k] = keep
                sh(["fdtput", "-t", "s", dtb, "/process/capabilities", k]
                   + keep, check=True)
        with open(p, "w") as f:
            json.dump(spec, f)
        if cap is None:
            return
        got = sh(["fdtget", "-t", "x", dtb, "/process/rlimits",
                  "RLIMIT_NOFILE"], capture_output=True, text=True)
        if got.returncode == 0:
            c = [int(x, 16) for x in got.stdout.split()]
            soft, hard = (c[0] << 32) | c[1], (c[2] << 32) | c[3]
            if hard > cap:
                hard, soft = cap, min(soft, cap)
                sh(["fdtput", "-t", "x", dtb, "/process/rlimits",
                    "RLIMIT_NOFILE", "%x" % (soft >> 32),
                    "%x" % (soft & 0xffffffff), "%x" % (hard >> 32),
                    "%x" % (hard & 0xffffffff)], check=True)

    def run_runc(self, d, case):
        rw = os.path.join(d, "rw")
        root = os.path.join(d, "bundle/rootfs")
        os.makedirs(rw)
        os.makedirs(root)
        sh(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", rw], check=True)
        os.makedirs(os.path.join(rw, "upper"))
        os.makedirs(os.path.join(rw, "work"))
        sh(["mount", "-t", "overlay", "overlay", "-o",
            "lowerdir=%s,upperdir=%s/upper,workdir=%s/work" % (self.lower, rw, rw),
            root], check=True)
        # The working directory made first, as Docker's daemon and
        # NOHYPER's create make it before runc runs (the image here has
        # no symlinks to resolve): a tmpfs volume at it covers a
        # directory that was there, and takes its mode from runc.
        with open(os.path.join(d, "bundle/config.json")) as f:
            cwd = json.load(f)["process"]["cwd"]
        mkdir_in_root(root, cwd)
        cid = "renv-%d-%s" % (os.getpid(), case)
        rroot = os.path.join(self.work, "runc")
        try:
            # Detached: runc hands its stdio through, as containerd's shim
            # does (a foreground `runc run` puts pipes of its own there);
            # the output is read to its end, when the probe has exited.
            r = sh(["timeout", "30", "runc", "--root", rroot, "run", "-d", cid],
                   cwd=os.path.join(d, "bundle"), stdin=subprocess.DEVNULL,
                   capture_output=True, text=True, errors="replace")
        finally:
            sh(["runc", "--root", rroot, "delete", "-f", cid],
               capture_output=True)
            sh(["umount", "-l", root])
            sh(["umount", "-l", rw])
        return r.stdout, r.stderr, r.returncode

    def run_loader(self, d):
        rep = os.path.join(d, "rep")
        os.makedirs(rep, exist_ok=True)
        r = sh(["timeout", "30", self.init, "--host-test", "--spec",
                os.path.join(d, "bs.dtb"), "--report", rep, "--dev",
                "/dev/xvda=" + self.loop], stdin=subprocess.DEVNULL,
               capture_output=True, text=True, errors="replace")
        return r.stdout, r.stderr, r.returncode

    def run_nohyper(self, d, case):
        env = dict(os.environ, XL_OCI_NO_XEN="1")
        st = os.path.join(self.work, "nstate")
        x = [self.xloci, "--root", st]
        name = "renv%s" % case
        r = sh(x + ["create", os.path.join(d, "app.cfg")], env=env,
               capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if r.returncode:
            return "", r.stderr, "create-failed"
        w = sh(["timeout", "30"] + x + ["wait", name], env=env,
               capture_output=True, text=True)
        out = sh(x + ["logs", name], env=env, capture_output=True,
                 text=True, errors="replace")
        sh(x + ["destroy", name], env=env, capture_output=True)
        return out.stdout, out.stderr, w.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", default=".")
    ap.add_argument("--seeds", default="")
    ap.add_argument("--keys", action="append", default=[],
                    help="cases of app.cfg lines (a file; '---' between "
                    "two, '# ' comments), not drawn")
    ap.add_argument("--work")
    ap.add_argument("--nohyper", action="store_true")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    seeds = []
    for part in filter(None, args.seeds.split(",")):
        first, _, last = part.partition(":")
        seeds += range(int(first), int(last or first) + 1)
    fixed = {}
    for path in args.keys:
        with open(path) as f:
            text = f.read()
        # Cases one after another, a line "---" between two.
        for case in re.split(r"^---$", text, flags=re.M):
            lines = [l for l in case.splitlines()
                     if l.strip() and not l.startswith("# ")]
            if lines:
                fixed["k%d" % len(fixed)] = lines
                seeds.append("k%d" % (len(fixed) - 1))
    env = Env(args)
    faults = 0
    cases = 0
    try:
        env.setup()
        for seed in seeds:
            if seed in fixed:
                keys = fixed[seed]
            else:
                keys, _ = draw(random.Random(seed), env.hard)
            d, err = env.render(seed, keys)
            if err:
                print("# seed %s: create -N refused (%s): skipped" % (seed, err))
                continue
            cases += 1
            runs = {"runc": env.run_runc(d, seed),
                    "loader": env.run_loader(d)}
            if args.nohyper:
                runs["nohyper"] = env.run_nohyper(d, seed)
            facts = {}
            bad = []
            for who, (out, errt, rc) in runs.items():
                with open(os.path.join(d, who + ".out"), "w") as f:
                    f.write(out)
                with open(os.path.join(d, who + ".err"), "w") as f:
                    f.write(errt)
                facts[who] = parse(out)
                if facts[who] is None:
                    bad.append("%s: no probe output (status %s): %s" % (
                        who, rc, " | ".join(errt.strip().splitlines()[-3:] or
                                            out.strip().splitlines()[-3:])))
            if not bad:
                for who in runs:
                    if who == "runc":
                        continue
                    extra = PRIV_SKIP if ("oci_privileged = 1" in keys and
                                          len(env.host_caps) < len(CAP_NAMES)) else ()
                    for dl in compare(facts["runc"], facts[who], extra):
                        bad.append("runc/%s %s" % (who, dl))
            elif all(facts[w] is None for w in runs):
                bad = []  # refused by every runner alike
                print("# seed %s: no runner started it" % seed)
            if bad:
                faults += 1
                print("FAULT seed %s: %s" % (seed, "; ".join(keys) or "(defaults)"))
                for b in bad:
                    print("  " + b)
            elif args.verbose:
                print("ok seed %s: %s" % (seed, "; ".join(keys)))
            if not args.keep and not bad:
                shutil.rmtree(d, ignore_errors=True)
    finally:
        env.cleanup(args.keep or faults)
    print("# %d cases, %d with a fault%s" % (
        cases, faults, (", kept in " + env.work) if faults or args.keep else ""))
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
