#!/usr/bin/env python3
"""ctr-diff.py: xl-oci-runc against runc under containerd, at random.

A containerd admin's view of xl-oci-runc on a host without Xen (NOHYPER):
a drawn combination of `ctr run` options (--env, --cwd, -t, --rm, -d,
create + start, --mount bind/tmpfs with options, --read-only,
--privileged, --cap-add/--cap-drop, --annotation, --uidmap and other
flags, or --config with a uid/gids and rlimits: ctr 1.6's run has no
--user or --rlimit) and of what follows a detached task (`ctr task exec`
with --user/--cwd/-t, ps, pause/resume, metrics, checkpoint, the
runtime's `update` as ctr 1.6 has no `task update`, a containerd
restart; then kill with a signal, SIGKILL when paused, delete -f, or the
shim SIGKILLed) runs the same busybox probe once with `--runc-binary
runc` and once with `--runc-binary xl-oci-runc`.  What the container saw
(ids, groups, id maps, cwd, env, capabilities, signal masks, umask,
mounts, rlimits, cgroup limits, tty), ctr's output and exit status, the
task list and `ctr task ps`, and what is left after delete (mounts, the
runtime's state dir, containerd's task dir, xl-oci's state) must be the
same.

  ctr-diff.py --runtime PATH [--seed N]... [--count N] [--case JSON]...
              [--case-file F]
              [--quiet] [--sock S --ns NS --state DIR]

Without --sock it starts containerd itself on a private socket, root and
state under a scratch directory (no CNI: each container has a network
namespace of its own with lo only), and imports an image it builds with
umoci (in any case, into --ns).  --count draws per --seed (default 1),
after the --case ones.  Prints one line per draw: "OK <case>" (not with
--quiet) or "DIFF <case>" followed by the differing fields, "FLAKY" for
a difference a second run did not show; "<n> passed, <m> failed" last;
exit 1 on a difference.  A printed case is a draw's JSON, to pin with
--case.  Container IDs begin "cd"; with --sock only those are cleaned up.
Needs root, containerd, runc, umoci, busybox-static, script(1).
"""
import argparse
import difflib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

# What differs by nature between the two runs, not by a fault: each
# entry is (field-name regex, reason).  Fields whose values are
# normalized before comparing (pids, container IDs, snapshot numbers,
# runtime paths) are listed in normalize() instead.
ALLOWED = [
    # Nothing: xl-oci-runc without Xen must be runc under containerd.
]
# Lines of an output dropped before comparing, by nature racy in either
# runtime: (regex, reason).
ALLOWED_LINES = [
    (r"resize pty .*cannot resize a stopped container",
     "ctr -t resizes the pty once the process started; one that exits at "
     "once may be gone by then (ctr's race, runc's too)"),
    (r"^(User defined signal [12]|Hangup|Interrupt|Terminated|Killed)$",
     "a signal sent with `kill --all` ends the probe's sleep too; the shell "
     "reports it only when a sleep was running at that instant"),
]

USERS = ["", "0", "0:0", "1000", "1000:1000", "65534:65534", "33:44",
         "app", "nobody", "daemon", "app:extra", "root:app", "1000:0",
         "ghost", "1000:ghost"]
CWDS = ["", "/", "/tmp", "/etc", "/new/sub", "/home/app", "/bin/busybox"]
ENVS = ["A=1", "B=with space", "C=x=y", "EMPTY=", "PATH=/bin",
        "HOME=/elsewhere", "TERM=dumb", "U=\u00e9t\u00e9"]
CAPS = ["CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_CHOWN", "CAP_KILL",
        "CAP_SYS_PTRACE", "CAP_NET_RAW", "CAP_SETUID", "CAP_DAC_OVERRIDE",
        "CAP_BOGUS"]
BIND_OPTS = ["rbind", "bind", "ro", "rw", "rprivate", "nosuid", "noexec",
             "nodev", "rslave"]
TMPFS_OPTS = ["size=1m", "mode=1777", "mode=0700", "nosuid", "noexec",
              "nodev", "ro", "uid=1000", "gid=1000", "size=64k"]
# Values each limit is drawn from (none so low the probe fails at random).
RLIMITS = {"RLIMIT_NOFILE": [64, 1024, 4096],
           "RLIMIT_NPROC": [512, 1024, 4096],
           "RLIMIT_CORE": [0, 4096, 1 << 20],
           "RLIMIT_STACK": [2 << 20, 8 << 20, 16 << 20],
           "RLIMIT_MEMLOCK": [65536, 1 << 20, 8 << 20],
           "RLIMIT_FSIZE": [1 << 20, 1 << 24, 1 << 30]}
IMAGE_PATH = ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
              "/sbin:/bin")
# ctr run's other flags, drawn as they are ("PIDFILE": a path of the run's).
FLAGS = [["--no-pivot"], ["--seccomp"], ["--allow-new-privs"],
         ["--cpus", "0.5"], ["--cpu-shares", "512"],
         ["--cpu-quota", "50000", "--cpu-period", "100000"], ["--null-io"],
         ["--cgroup", ""], ["--rootfs-propagation", "rslave"],
         ["--pid-file", "PIDFILE"], ["--label", "l=1"],
         ["--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536"]]
KILLS = [("SIGKILL", None), ("SIGTERM", "TERM"), ("SIGUSR1", "USR1"),
         ("SIGINT", "INT"), ("SIGHUP", "HUP")]

# The probe: what the process sees, one "key: value" line each, sorted
# where order is not the process's.
PROBE = r"""
echo "ids: $(grep -E '^(Uid|Gid|Groups):' /proc/self/status | tr -s '\t ' ' ' | paste -sd';')"
echo "caps: $(grep -E '^(Cap|NoNewPrivs|Seccomp|SigBlk|SigIgn)' /proc/self/status | tr -s '\t ' ' ' | paste -sd';')"
echo "cwd: $(pwd)"
echo "idmap: $(tr -s ' ' </proc/self/uid_map) / $(tr -s ' ' </proc/self/gid_map)"
env | sort | sed 's/^/env: /'
sed 's/^/limit: /' /proc/self/limits
grep -v ' /proc/' /proc/self/mounts | awk '{print "mount: " $2, $3, $4}' | sed 's/,size=[0-9]*k//' | sort
echo "tty: $([ -t 0 ] && echo in) $([ -t 1 ] && echo out)"
echo "hostname: $(hostname)"
echo "umask: $(umask)"
echo "mem: $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>&1)"
echo "pids: $(cat /sys/fs/cgroup/pids/pids.max 2>&1)"
echo "write-root: $(touch /probe-w 2>&1 && echo yes)"
for d in /mnt/b /mnt/t; do [ -d $d ] && echo "write-$d: $(touch $d/w 2>&1 && echo yes) $(ls -ld $d | awk '{print $1, $3, $4}')"; done
echo "ping-lo: $(ping -c1 -W1 127.0.0.1 >/dev/null 2>&1 && echo yes)"
echo "pid1: $(tr '\0' ' ' </proc/1/cmdline)"
"""


def sh(cmd, timeout=60, **kw):
    """Runs cmd (a list); (rc, stdout, stderr), rc "timeout" on timeout."""
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout, **kw)
        return (p.returncode, p.stdout.decode(errors="replace"),
                p.stderr.decode(errors="replace"))
    except subprocess.TimeoutExpired as e:
        return ("timeout", (e.stdout or b"").decode(errors="replace"),
                (e.stderr or b"").decode(errors="replace"))


def draw(rng):
    """One combination of options, as a JSON-able dict."""
    c = {}
    if rng.random() < 0.5:
        c["env"] = rng.sample(ENVS, rng.randint(1, 3))
    # ctr 1.6's run has no --user: a user (numeric, with supplementary
    # groups) and rlimits come in a spec of our own (--config).
    c["config"] = rng.random() < 0.3
    if c["config"] and rng.random() < 0.7:
        c["user"] = [rng.choice([0, 1000, 65534, 33]),
                     rng.choice([0, 1000, 65534, 44]),
                     rng.sample([0, 1, 2000, 65534], rng.randint(0, 2))]
    if rng.random() < 0.4:
        c["cwd"] = rng.choice(CWDS[1:])
    c["detach"] = rng.random() < 0.45
    if not c["detach"]:
        c["rm"] = rng.random() < 0.6
        c["tty"] = not c["config"] and rng.random() < 0.3
        c["exit"] = rng.choice([0, 0, 1, 42, 255, 300, "kill-self",
                                "nocmd"])
    mounts = []
    if rng.random() < 0.35:
        o = rng.sample(BIND_OPTS, rng.randint(1, 3))
        mounts.append({"type": "bind", "dst": "/mnt/b", "options": o})
        if rng.random() < 0.1:
            mounts[-1]["missing_src"] = True
    if rng.random() < 0.35:
        o = rng.sample(TMPFS_OPTS, rng.randint(0, 3))
        mounts.append({"type": "tmpfs", "dst": "/mnt/t", "options": o})
    if mounts:
        c["mounts"] = mounts
    if rng.random() < 0.2:
        c["read_only"] = True
    if rng.random() < 0.15:
        c["privileged"] = True
    if rng.random() < 0.3:
        c["cap_add"] = rng.sample(CAPS, rng.randint(1, 2))
    if rng.random() < 0.3:
        c["cap_drop"] = rng.sample(CAPS + ["ALL"], rng.randint(1, 2))
    if rng.random() < 0.2:
        c["annotation"] = ["org.example/a=%d" % rng.randint(0, 9)]
    if not c["config"] and rng.random() < 0.35:
        c["flags"] = rng.sample(FLAGS, rng.randint(1, 2))
        if c["detach"]:
            # A detached task's output goes to --log-uri; with --null-io
            # as well ctr's delete -f waits 5 s (either runtime).
            c["flags"] = [f for f in c["flags"] if f != ["--null-io"]]
    if not c["detach"] and not c.get("tty") and rng.random() < 0.25:
        c["create_start"] = True
        c.pop("rm", None)
    if rng.random() < 0.15:
        c["memory_limit"] = rng.choice([64 << 20, 128 << 20])
    if c["config"] and rng.random() < 0.6:
        c["rlimits"] = [[r, rng.choice(RLIMITS[r][:2]),
                         rng.choice(RLIMITS[r][1:])]
                        for r in rng.sample(sorted(RLIMITS),
                                            rng.randint(1, 2))]
        for r in c["rlimits"]:
            r[1] = min(r[1], r[2])
    if c["detach"]:
        ops = []
        for _ in range(rng.randint(1, 3)):
            op = rng.choice(["exec", "exec", "pause", "update", "ps",
                             "delete-running", "exec-detach-kill",
                             "metrics", "checkpoint", "restart"])
            if op == "exec":
                e = {"op": "exec"}
                if rng.random() < 0.5:
                    e["user"] = rng.choice(USERS[1:])
                if rng.random() < 0.4:
                    e["cwd"] = rng.choice(CWDS[1:])
                if rng.random() < 0.3:
                    e["tty"] = True
                e["exit"] = rng.choice([0, 3, 130, "kill-self", "nocmd"])
                ops.append(e)
            elif op == "update":
                ops.append({"op": "update",
                            "memory": rng.choice([32 << 20, 96 << 20])})
            else:
                ops.append({"op": op})
        c["ops"] = ops
        c["kill"] = rng.choice(KILLS)[0]
        c["kill_all"] = rng.random() < 0.3
        c["end"] = rng.choice(["kill", "kill", "kill", "pause-kill",
                               "delete-force", "shim-kill"])
    return c


def normalize(text, cid, run):
    """What differs between the two runs by design: the container ID,
    the runtime's path and name, pids, snapshot numbers, times."""
    t = text.replace(cid, "ID")
    t = t.replace(run.runtime, "RUNTIME").replace(run.T, "T")
    t = re.sub(r"/snapshots/\d+/", "/snapshots/N/", t)
    t = re.sub(r"/containerd-mount\d+", "/containerd-mountN", t)
    t = t.replace("^@", "").replace("\\u0000", "")
    t = re.sub(r"ID +\d+ +", "ID PID ", t)
    t = re.sub(r"TASK +PID +STATUS +", "TASK PID STATUS ", t)
    t = re.sub(r"\btime=\"[^\"]*\"", "time=X", t)
    t = re.sub(r"\b\d{4}-\d\d-\d\dT[0-9:.]+Z?", "TIME", t)
    return t


class Run:
    def __init__(self, args, runtime, tag):
        self.__dict__.update(vars(args))
        self.args = args
        self.runtime = runtime
        self.tag = tag

    def ctr(self, *a, timeout=60):
        return sh(["ctr", "-a", self.sock, "-n", self.ns] + list(a),
                  timeout=timeout)

    def ctr_tty(self, argv, timeout=60):
        """argv under script(1), a terminal for stdin: (rc, output)."""
        log = os.path.join(self.T, "script.log")
        cmd = " ".join("'" + x.replace("'", "'\\''") + "'" for x in argv)
        rc, out, err = sh(["script", "-qec", cmd, log], timeout=timeout)
        try:
            text = open(log, errors="replace").read()
        except OSError:
            text = ""
        m = re.search(r'COMMAND_EXIT_CODE="(\d+)"', text)
        text = re.sub(r"^Script (started|done) on .*\n?", "", text,
                      flags=re.M)
        return (int(m.group(1)) if m else rc,
                text.replace("\r\n", "\n"))

    def task_status(self, cid):
        rc, out, _ = self.ctr("task", "ls")
        for line in out.splitlines()[1:]:
            f = line.split()
            if f and f[0] == cid:
                return f[-1]
        return "none"

    def wait_status(self, cid, want, secs=5.0):
        end = time.time() + secs
        while time.time() < end:
            s = self.task_status(cid)
            if s == want:
                return s
            time.sleep(0.05)
        return self.task_status(cid)

    def leftovers(self, cid):
        """What is left of container cid after its delete."""
        left = {}
        left["task"] = self.task_status(cid)
        rc, out, _ = self.ctr("container", "ls", "-q")
        left["container"] = cid in out.split()
        left["runtime-state"] = os.path.exists(
            os.path.join(self.runc_root, self.ns, cid))
        left["shim-dir"] = os.path.exists(os.path.join(
            self.state, "io.containerd.runtime.v2.task", self.ns, cid))
        mounts = open("/proc/self/mounts").read()
        left["mounts"] = sorted(
            m.split()[1].replace(cid, "ID")
            for m in mounts.splitlines() if cid in m)
        left["xl-oci"] = sorted(
            p for d in self.xl_dirs if os.path.isdir(d)
            for p in os.listdir(d) if cid in p)
        return left

    def bind_src(self, m, cid):
        """A bind mount's source: a directory of the run's own with a
        file in it, or one that is not there."""
        src = os.path.join(self.T, "src-" + cid)
        if m.get("missing_src"):
            return src + "-missing"
        os.makedirs(src, exist_ok=True)
        with open(os.path.join(src, "seed"), "w") as f:
            f.write("seed\n")
        return src

    def run_opts(self, c, cid):
        o = ["--runtime", "io.containerd.runc.v2", "--runc-binary",
             self.runtime, "--runc-root", self.runc_root]
        for e in c.get("env", []):
            o += ["--env", e]
        if c.get("user"):
            o += ["--user", c["user"]]
        if c.get("cwd"):
            o += ["--cwd", c["cwd"]]
        for m in c.get("mounts", []):
            if m["type"] == "bind":
                src = self.bind_src(m, cid)
                o += ["--mount", "type=bind,src=%s,dst=%s,options=%s" % (
                    src, m["dst"], ":".join(m["options"]))]
            else:
                s = "type=tmpfs,src=tmpfs,dst=%s" % m["dst"]
                if m["options"]:
                    s += ",options=" + ":".join(m["options"])
                o += ["--mount", s]
        if c.get("read_only"):
            o.append("--read-only")
        if c.get("privileged"):
            o.append("--privileged")
        for x in c.get("cap_add", []):
            o += ["--cap-add", x]
        for x in c.get("cap_drop", []):
            o += ["--cap-drop", x]
        for x in c.get("annotation", []):
            o += ["--annotation", x]
        if c.get("memory_limit"):
            o += ["--memory-limit", str(c["memory_limit"])]
        for f in c.get("flags", []):
            o += [self.pidfile(cid) if x == "PIDFILE" else x for x in f]
        return o

    def pidfile(self, cid):
        return os.path.join(self.T, "pid-" + cid)

    def config_opts(self, c, cid, args):
        """--config: ctr takes the spec as it is and no other option: a
        spec of our own from runc's defaults, with the drawn process
        (user, groups, env, cwd, rlimits), mounts, read-only root,
        capabilities and annotations, and a root copied from the image."""
        spec = json.loads(open(self.base_spec).read())
        rootfs = os.path.join(self.T, "rootfs-" + cid)
        shutil.copytree(self.base_rootfs, rootfs, symlinks=True)
        spec["root"] = {"path": rootfs, "readonly": bool(c.get("read_only"))}
        p = spec["process"]
        p["terminal"] = False
        p["args"] = args
        p["env"] = [IMAGE_PATH] + c.get("env", [])
        if c.get("user"):
            u, g, extra = c["user"]
            p["user"] = {"uid": u, "gid": g}
            if extra:
                p["user"]["additionalGids"] = extra
        if c.get("cwd"):
            p["cwd"] = c["cwd"]
        if c.get("rlimits"):
            p["rlimits"] = [{"type": r, "soft": s, "hard": h}
                            for r, s, h in c["rlimits"]]
        caps = set(p["capabilities"]["bounding"])
        if c.get("privileged"):
            caps |= set(CAPS)
        caps |= set(c.get("cap_add", []))
        if "ALL" in c.get("cap_drop", []):
            caps = set()
        caps -= set(c.get("cap_drop", []))
        for k in ("bounding", "effective", "permitted"):
            p["capabilities"][k] = sorted(caps)
        p["capabilities"].pop("inheritable", None)
        p["capabilities"].pop("ambient", None)
        for m in c.get("mounts", []):
            if m["type"] == "bind":
                src = self.bind_src(m, cid)
                spec["mounts"].append({"destination": m["dst"], "type": "bind",
                                       "source": src,
                                       "options": m["options"]})
            else:
                spec["mounts"].append({"destination": m["dst"],
                                       "type": "tmpfs", "source": "tmpfs",
                                       "options": m["options"]})
        if c.get("annotation"):
            spec["annotations"] = dict(a.split("=", 1)
                                       for a in c["annotation"])
        if c.get("memory_limit"):
            spec["linux"].setdefault("resources", {})["memory"] = {
                "limit": c["memory_limit"]}
        spec["linux"]["cgroupsPath"] = "/%s/%s" % (self.ns, cid)
        path = os.path.join(self.T, "spec-%s.json" % cid)
        json.dump(spec, open(path, "w"))
        return ["--runtime", "io.containerd.runc.v2", "--runc-binary",
                self.runtime, "--runc-root", self.runc_root,
                "--config", path]

    def probe_cmd(self, code, trap=None):
        s = PROBE
        if trap:
            s = "trap 'echo got-%s; exit 7' %s\n%s" % (trap, trap, s)
            # One sleep all along (a loop of short ones makes `ctr task
            # ps` count one or none at random).
            s += "echo ready\nwhile :; do sleep 1000 & wait $!; done\n"
        elif code == "nocmd":
            return ["/no/such/command"]
        elif code == "kill-self":
            s += "sleep 0.2; kill -KILL $$; exit 9\n"
        else:
            # A pause before the exit: ctr run loses the output of a
            # process that ends at once now and then (seen with runc).
            s += "sleep 0.2; exit %d\n" % code
        return ["/bin/sh", "-c", s]

    def go(self, c, n):
        """Runs draw c as container "<tag>-<n>": the observation dict."""
        cid = "cd%s-%s" % (n, self.tag)
        obs = {}
        if c.get("create_start"):
            what = self.what(c, cid, self.probe_cmd(c["exit"]))
            obs["create"] = self.ctr(*(["container", "create"] + [
                x for x in what if x != "--pid-file" and
                x != self.pidfile(cid)]))
            r = sh(["ctr", "-a", self.sock, "-n", self.ns, "task", "start",
                    cid])
            obs["start"] = r
            obs["after-run.task"] = self.task_status(cid)
            obs["task-delete"] = self.ctr("task", "delete", cid)
            obs["container-rm"] = self.ctr("container", "rm", cid)
        elif not c["detach"]:
            what = self.what(c, cid, self.probe_cmd(c["exit"]))
            argv = (["ctr", "-a", self.sock, "-n", self.ns, "run"] +
                    (["--rm"] if c.get("rm") else []) +
                    (["-t"] if c.get("tty") else []) + what)
            if c.get("tty"):
                rc, out = self.ctr_tty(argv)
                err = ""
            else:
                rc, out, err = sh(argv)
            obs["run.rc"] = rc
            obs["run.out"] = out
            obs["run.err"] = err
            obs["after-run.task"] = self.task_status(cid)
            if not c.get("rm"):
                r = self.ctr("task", "delete", cid)
                obs["task-delete"] = r
                r = self.ctr("container", "rm", cid)
                obs["container-rm"] = r
        else:
            self.detached(c, cid, obs)
        if os.path.exists(self.pidfile(cid)):
            obs["pid-file"] = bool(re.fullmatch(
                r"\d+\n?", open(self.pidfile(cid)).read()))
        src = os.path.join(self.T, "src-" + cid)
        if os.path.isdir(src):
            obs["bind-src"] = sorted(os.listdir(src))
        obs["left"] = self.leftovers(cid)
        return {k: normalize(json.dumps(v, ensure_ascii=False), cid, self)
                for k, v in obs.items()}

    def what(self, c, cid, args):
        """ctr run's options, image and ID, and command."""
        if c.get("config"):
            return self.config_opts(c, cid, args) + [cid]
        return self.run_opts(c, cid) + [self.image, cid] + args

    def detached(self, c, cid, obs):
        sig = c["kill"]
        trap = dict(KILLS)[sig]
        log = os.path.join(self.T, "log-" + cid)
        obs["run"] = self.ctr(*(["run", "-d", "--log-uri", "file://" + log] +
                                self.what(c, cid, self.probe_cmd(
                                    0, trap=trap or "TERM"))))
        if obs["run"][0] != 0:
            return
        obs["status"] = self.wait_status(cid, "RUNNING")
        end = time.time() + 5
        while time.time() < end:
            if "ready" in (open(log).read() if os.path.exists(log) else ""):
                break
            time.sleep(0.05)
        for i, op in enumerate(c["ops"]):
            k = "op%d-%s" % (i, op["op"])
            if op["op"] == "exec":
                argv = (["ctr", "-a", self.sock, "-n", self.ns, "task",
                         "exec", "--exec-id", "e%d" % i] +
                        (["--user", op["user"]] if op.get("user") else []) +
                        (["--cwd", op["cwd"]] if op.get("cwd") else []) +
                        (["-t"] if op.get("tty") else []) +
                        [cid] + self.probe_cmd(op["exit"]))
                if op.get("tty"):
                    obs[k] = self.ctr_tty(argv)
                else:
                    obs[k] = sh(argv)
            elif op["op"] == "pause":
                obs[k] = [self.ctr("task", "pause", cid),
                          self.wait_status(cid, "PAUSED"),
                          self.ps_count(cid),
                          self.ctr("task", "resume", cid),
                          self.wait_status(cid, "RUNNING")]
            elif op["op"] == "update":
                # The shim's runc root: --runc-root, then the namespace.
                r = sh([self.runtime, "--root",
                        os.path.join(self.runc_root, self.ns), "update",
                        "--memory", str(op["memory"]), cid])
                obs[k] = [r, self.cgroup_file(cid, "memory",
                                              "memory.limit_in_bytes")]
            elif op["op"] == "restart":
                # Our own containerd only (skipped with --sock): the task
                # is still there after a restart, and answers.
                if self.cpid:
                    restart_containerd(self.args)
                    self.cpid = self.args.cpid
                obs[k] = [self.task_status(cid), self.ps_count(cid)]
            elif op["op"] == "metrics":
                # Numbers vary; the metrics' names and ctr's status do not.
                rc, out, err = self.ctr("task", "metrics", "--format",
                                        "json", cid)
                try:
                    keys = sorted(json.loads(out))
                except ValueError:
                    keys = out
                obs[k] = [rc, keys, err]
            elif op["op"] == "checkpoint":
                obs[k] = [self.ctr("task", "checkpoint", cid),
                          self.task_status(cid)]
            elif op["op"] == "delete-running":
                obs[k] = [self.ctr("task", "delete", cid),
                          self.task_status(cid)]
            elif op["op"] == "exec-detach-kill":
                e = "k%d" % i
                obs[k] = [self.ctr("task", "exec", "-d", "--exec-id", e, cid,
                                   "sleep", "100"),
                          self.ps_count(cid),
                          self.ctr("task", "kill", "--exec-id", e, "-s",
                                   "SIGKILL", cid)]
                time.sleep(0.2)
                obs[k].append(self.ps_count(cid))
            else:
                obs[k] = self.ps_count(cid)
        obs["mem"] = self.cgroup_file(cid, "memory", "memory.limit_in_bytes")
        obs["pids-max"] = self.cgroup_file(cid, "pids", "pids.max")
        obs["ls"] = self.ctr("task", "ls")
        end = c.get("end", "kill")
        if end == "delete-force":
            # A running task deleted with -f: killed, then deleted.
            obs["delete-force"] = [self.ctr("task", "delete", "-f", cid),
                                   self.task_status(cid)]
        if end == "pause-kill":
            # SIGKILL to a paused task: it dies once thawed.
            obs["pause"] = [self.ctr("task", "pause", cid),
                            self.wait_status(cid, "PAUSED")]
            sig = "SIGKILL"
        if end == "shim-kill":
            # The task's shim SIGKILLed: containerd's cleanup (the shim's
            # delete, the runtime's `delete --force`) must end the task.
            pid = self.task_pid(cid)
            shims = [d for d in os.listdir("/proc") if d.isdigit() and
                     self.is_shim_of(d, cid)]
            for d in shims:
                os.kill(int(d), 9)
            obs["shim-kill"] = [len(shims), self.wait_status(cid, "none")]
            end_t = time.time() + 5
            while pid and os.path.exists("/proc/%s" % pid) and \
                    time.time() < end_t:
                time.sleep(0.05)
            obs["init-alive"] = bool(pid) and os.path.exists("/proc/" + pid)
            obs["container-rm"] = self.ctr("container", "rm", cid)
            return
        if end == "delete-force":
            obs["container-rm"] = self.ctr("container", "rm", cid)
            obs["log"] = open(log).read() if os.path.exists(log) else ""
            return
        obs["kill"] = self.ctr("task", "kill", "-s", sig,
                               *(["--all"] if c.get("kill_all") else []),
                               cid)
        if end == "pause-kill":
            time.sleep(0.3)
            obs["pause-kill"] = [self.task_status(cid),
                                 self.ctr("task", "resume", cid)]
        obs["stopped"] = self.wait_status(cid, "STOPPED")
        if obs["stopped"] != "STOPPED":
            self.ctr("task", "kill", "-s", "SIGKILL", cid)
            self.wait_status(cid, "STOPPED")
        obs["task-delete"] = self.ctr("task", "delete", cid)
        obs["container-rm"] = self.ctr("container", "rm", cid)
        # The trap's line and the shell's report of a killed sleep come in
        # either order.
        obs["log"] = "\n".join(sorted(open(log).read().split("\n"))) \
            if os.path.exists(log) else ""

    def task_pid(self, cid):
        rc, out, _ = self.ctr("task", "ls")
        pid = [f[1] for f in (x.split() for x in out.splitlines()[1:])
               if f and f[0] == cid]
        return pid[0] if pid else None

    def is_shim_of(self, pid, cid):
        try:
            a = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")
        except OSError:
            return False
        return (bool(a) and a[0].endswith(b"containerd-shim-runc-v2") and
                b"-id" in a and cid.encode() in a and
                self.ns.encode() in a)

    def cgroup_file(self, cid, ctl, name):
        """The value of cgroup v1 file `name` of the task's `ctl` cgroup,
        read on the host (containerd's spec mounts no cgroup inside)."""
        rc, out, _ = self.ctr("task", "ls")
        pid = [f[1] for f in (x.split() for x in out.splitlines()[1:])
               if f and f[0] == cid]
        try:
            for line in open("/proc/%s/cgroup" % pid[0]):
                n, ctls, path = line.rstrip("\n").split(":", 2)
                if ctl in ctls.split(","):
                    return open("/sys/fs/cgroup/%s%s/%s" % (
                        ctl, path, name)).read().strip()
        except (OSError, IndexError) as e:
            return "error: %s" % e.__class__.__name__
        return "none"

    def ps_count(self, cid):
        rc, out, err = self.ctr("task", "ps", cid)
        return [rc, len(out.splitlines()) - 1 if rc == 0 else err]


def drop_lines(v):
    """Value v (JSON text) without the lines ALLOWED_LINES drops, the rest
    of a multi-line string sorted when the order is the race's."""
    try:
        x = json.loads(v)
    except ValueError:
        return v

    def clean(y):
        if isinstance(y, list):
            return [clean(z) for z in y]
        if not isinstance(y, str) or "\n" not in y:
            return y
        lines = [ln for ln in y.split("\n")
                 if not any(re.search(p, ln) for p, _ in ALLOWED_LINES)]
        return "\n".join(lines)
    return json.dumps(clean(x), ensure_ascii=False)


def compare(a, b):
    diffs = []
    for k in sorted(set(a) | set(b)):
        va, vb = a.get(k), b.get(k)
        if va is not None and vb is not None:
            va, vb = drop_lines(va), drop_lines(vb)
        if va == vb:
            continue
        if any(re.search(p, k) for p, _ in ALLOWED):
            continue
        diffs.append((k, va, vb))
    return diffs


def setup_containerd(args):
    """A private containerd (socket, root, state), without XL_OCI_NO_XEN
    (as an admin's: this host has no Xen) and with XL_OCI_ROOT of its own."""
    T = args.T
    cfg = os.path.join(T, "config.toml")
    with open(cfg, "w") as f:
        f.write('version = 2\nroot = "%s/root"\nstate = "%s/state"\n'
                'disabled_plugins = ["io.containerd.grpc.v1.cri"]\n'
                '[grpc]\n  address = "%s/c.sock"\n'
                '[ttrpc]\n  address = "%s/c.sock.ttrpc"\n' % (T, T, T, T))
    args.sock = os.path.join(T, "c.sock")
    args.state = os.path.join(T, "state")
    args.ns = "ctrdiff"
    return start_containerd(args)


def start_containerd(args):
    """containerd with setup_containerd's config, once it answers."""
    env = dict(os.environ, XL_OCI_ROOT=os.path.join(args.T, "xl-oci"))
    env.pop("XL_OCI_NO_XEN", None)
    log = open(os.path.join(args.T, "containerd.log"), "a")
    p = subprocess.Popen(["containerd", "--config",
                          os.path.join(args.T, "config.toml")],
                         stdout=log, stderr=log, env=env,
                         start_new_session=True)
    for _ in range(100):
        if sh(["ctr", "-a", args.sock, "version"])[0] == 0:
            break
        time.sleep(0.1)
    return p


def restart_containerd(args):
    """containerd stopped and started again (its shims and tasks run on):
    an admin's upgrade or restart.  Only for our own containerd."""
    args.cpid.terminate()
    args.cpid.wait(timeout=20)
    args.cpid = start_containerd(args)


def run_all(args):
    """Sets up (containerd unless --sock, the image, runc's spec and the
    root --config copies), runs every case: (containerd, passed, failed)."""
    here = os.path.dirname(os.path.abspath(__file__))
    args.imgdir = os.path.join(args.T, "image")
    rc, out, err = sh([os.path.join(here, "..", "runc", "mkimage.sh"),
                       "--users", args.imgdir])
    if rc != 0:
        sys.exit("cannot build the image: " + err)
    if not args.sock:
        args.cpid = setup_containerd(args)
    rc, out, err = sh(["ctr", "-a", args.sock, "-n", args.ns, "image",
                       "import", "--base-name", "localhost/ctrdiff",
                       os.path.join(args.imgdir, "img.tar")])
    if rc != 0:
        sys.exit("cannot import the image: " + err)
    args.image = "localhost/ctrdiff:latest"
    spec_dir = os.path.join(args.T, "spec")
    os.makedirs(spec_dir)
    sh(["runc", "spec"], cwd=spec_dir)
    args.base_spec = os.path.join(spec_dir, "config.json")
    args.base_rootfs = os.path.join(args.T, "base-rootfs")
    rc, out, err = sh(["umoci", "raw", "unpack", "--image",
                       os.path.join(args.imgdir, "img") + ":latest",
                       args.base_rootfs])
    if rc != 0:
        sys.exit("cannot unpack the image: " + err)
    cases = [("p%d" % n, json.loads(c)) for n, c in enumerate(args.case)]
    for seed in args.seed or [1]:
        rng = random.Random(seed)
        cases += [("%d-%d" % (seed, n), draw(rng))
                  for n in range(args.count)]
    passed = failed = 0
    for n, c in cases:
        ra = Run(args, args.runc, "a").go(c, n)
        rb = Run(args, args.runtime, "b").go(c, n)
        d = compare(ra, rb)
        if d:
            # Once more: a difference that goes away was a race of ctr's
            # (lost output, a pty resized late), which either runtime
            # shows now and then; it is printed, not counted.
            ra2 = Run(args, args.runc, "a").go(c, n + "r")
            rb2 = Run(args, args.runtime, "b").go(c, n + "r")
            if not compare(ra2, rb2):
                print("FLAKY %s (%s)" % (json.dumps(c, ensure_ascii=False),
                                         ", ".join(k for k, _, _ in d)))
                d = None
        if d:
            failed += 1
            print("DIFF " + json.dumps(c, ensure_ascii=False))
            for k, va, vb in d:
                print("  %s (- runc, + xl-oci-runc):" % k)
                for line in difflib.unified_diff(
                        (va or "").replace("\\n", "\n").splitlines(),
                        (vb or "").replace("\\n", "\n").splitlines(),
                        lineterm="", n=0):
                    if not line.startswith(("---", "+++", "@@")):
                        print("    " + line)
        else:
            passed += 1
            if not args.quiet:
                print("OK " + json.dumps(c, ensure_ascii=False))
            if args.verbose:
                print(json.dumps(ra, indent=1, ensure_ascii=False))
        sys.stdout.flush()
    return passed, failed


def cleanup(args):
    """Our tasks and containers deleted (all of them in our own
    containerd, which is stopped), runc's leftovers and mounts under the
    scratch directory removed, and the directory."""
    C = ["ctr", "-a", args.sock or "/nonexistent", "-n", args.ns or "x"]
    mine = re.compile(r"^cd[0-9p]")
    for t in sh(C + ["task", "ls", "-q"])[1].split():
        if args.cpid or mine.match(t):
            sh(C + ["task", "delete", "-f", t])
    for t in sh(C + ["container", "ls", "-q"])[1].split():
        if args.cpid or mine.match(t):
            sh(C + ["container", "rm", t])
    rr = os.path.join(args.runc_root, args.ns or "x")
    if os.path.isdir(rr):
        for t in os.listdir(rr):
            sh([args.runc, "--root", rr, "delete", "-f", t])
    if args.cpid:
        args.cpid.terminate()
        try:
            args.cpid.wait(timeout=10)
        except subprocess.TimeoutExpired:
            args.cpid.kill()
            args.cpid.wait()
    for line in reversed(open("/proc/self/mounts").read().splitlines()):
        if args.T in line.split()[1]:
            sh(["umount", "-l", line.split()[1]])
    shutil.rmtree(args.T, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtime", required=True)
    ap.add_argument("--runc", default=shutil.which("runc") or "runc")
    ap.add_argument("--seed", type=int, action="append")
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--case", action="append", default=[])
    ap.add_argument("--case-file", help="cases, one JSON a line (# comments)")
    ap.add_argument("--sock")
    ap.add_argument("--ns")
    ap.add_argument("--state")
    ap.add_argument("--tmp", default="/tmp")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--quiet", action="store_true", help="no OK lines")
    args = ap.parse_args()
    args.runtime = os.path.abspath(args.runtime)
    if args.case_file:
        args.case += [ln for ln in open(args.case_file).read().splitlines()
                      if ln.strip() and not ln.startswith("#")]
    args.T = tempfile.mkdtemp(prefix="ctr-diff.", dir=args.tmp)
    # Searchable: a user namespace's root (--uidmap) must reach the bundle.
    os.chmod(args.T, 0o755)
    args.runc_root = os.path.join(args.T, "rr")
    args.xl_dirs = [os.path.join(args.T, "xl-oci"), "/run/xl-oci-runc",
                    os.environ.get("XL_OCI_ROOT", "/nonexistent")]
    args.cpid = None
    try:
        passed, failed = run_all(args)
    finally:
        cleanup(args)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
