#!/usr/bin/env python3
"""random-lifecycle.py: a seeded, model-based random test of the NOHYPER
container lifecycle (runc under xl-oci's monitor).

  random-lifecycle.py [--steps N] [--net] [--keep] XL-OCI SEED...

For each SEED it draws a sequence of operations over 1-4 containers
(create, start, stop, pause, unpause, kill, wait, exec, update, destroy,
logs, a monitor SIGKILLed), some of them two at once on the same
container (stop || destroy, start || status, wait || kill, create of a
name being destroyed, ...).  Each container runs one of a few programs:
one that exits at once with a drawn code, one that exits with a drawn
code on its stop signal, one that ignores it (so stop takes the grace
period and SIGKILL), PID 1 sleep (the kernel ignores TERM for it); with a
drawn restart policy, a tmpfs or an ext4 image as writable layer (a loop
device), a share and a tmpfs volume, and with --net a managed network
(run it in a network namespace of its own: unshare -n).

A model holds what each container should be (running, paused, halted,
gone, cycling under its restart policy; exit code, restarts, what its log
holds).  After each step: `status --json` and `list --json` agree with
the model and with each other, the commands' exit codes are right (an
error names the container), wait returns the exit code, logs hold each
run's line.  Two commands run at once must end as one of their two
orders would.  At the end, with everything destroyed: no process, mount,
loop device, state file, cgroup, veth or nft element is left.

Prints one line per seed, "ok SEED" or "FAIL SEED: ..." with the steps
that led there; exits 1 when any seed failed.
"""
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

RUNC_TIMEOUT = 60


class Fail(Exception):
    pass


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True, **kw)


class Result:
    def __init__(self, args, rc, out, err, dt):
        self.args, self.rc, self.out, self.err, self.dt = args, rc, out, err, dt

    def __repr__(self):
        if self.args[:1] in (["status"], ["list"]) and self.rc == 0:
            try:
                d = json.loads(self.out)
                d = d if isinstance(d, list) else [d]
                return "%s -> %s" % (" ".join(self.args), "; ".join(
                    "%s %s exit %s restarts %s pid %s err %s" % (
                        x["name"], x["state"], x["exit_code"], x["restarts"], x["pid"], x["error"])
                    for x in d))
            except (ValueError, KeyError):
                pass
        return "%s -> rc %s (%.1fs) out %r err %r" % (
            " ".join(self.args), self.rc, self.dt, self.out[-300:], self.err[-300:])


class World:
    def __init__(self, xl, seed, steps, net, keep):
        self.xl, self.seed, self.nsteps, self.net, self.keep = xl, seed, steps, net, keep
        self.rng = random.Random(seed)
        self.T = tempfile.mkdtemp(prefix="h103-rl-%d." % seed, dir="/tmp")
        os.chmod(self.T, 0o755)
        self.env = dict(os.environ, XL_OCI_ROOT=self.T + "/state",
                        XL_OCI_LOG_DIR=self.T + "/log", XL_OCI_NO_XEN="1")
        self.model = {}   # name -> dict
        self.gen = 0
        self.trace = []
        self.share = self.T + "/share"
        os.makedirs(self.share)
        self.rv = self.T + "/rv"
        make_image(self.rv)

    # ------------------------------------------------------------------
    def log(self, s):
        self.trace.append(s)

    def run(self, *args, timeout=RUNC_TIMEOUT):
        t = time.time()
        try:
            p = subprocess.run([self.xl] + list(args), env=self.env, capture_output=True,
                               text=True, timeout=timeout)
            r = Result(list(args), p.returncode, p.stdout, p.stderr, time.time() - t)
        except subprocess.TimeoutExpired as e:
            r = Result(list(args), "TIMEOUT", str(e.stdout or ""), str(e.stderr or ""), time.time() - t)
        self.log("  " + repr(r))
        return r

    def popen(self, *args):
        return (list(args), time.time(), subprocess.Popen(
            [self.xl] + list(args), env=self.env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, start_new_session=True))

    def collect(self, h, timeout=RUNC_TIMEOUT):
        args, t, p = h
        try:
            out, err = p.communicate(timeout=max(1, timeout - (time.time() - t)))
            rc = p.returncode
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            rc = "TIMEOUT"
        r = Result(args, rc, out, err, time.time() - t)
        self.log("  " + repr(r))
        return r

    def fail(self, msg):
        raise Fail(msg)

    # ---- status ------------------------------------------------------
    def status(self, name):
        r = self.run("status", "--json", name)
        if r.rc != 0:
            return None, r
        try:
            return json.loads(r.out), r
        except ValueError:
            self.fail("status --json %s: not JSON: %r" % (name, r.out[:200]))

    def listing(self):
        r = self.run("list", "--json")
        if r.rc != 0:
            self.fail("list --json failed: %r" % r)
        try:
            return {d["name"]: d for d in json.loads(r.out)}
        except ValueError:
            self.fail("list --json: not JSON: %r" % r.out[:200])

    # ---- containers ----------------------------------------------------
    def draw_config(self, name):
        rng = self.rng
        self.gen += 1
        tag = "%s-g%d" % (name, self.gen)
        kind = rng.choice(["short", "short", "term", "term", "ignore", "pid1"])
        code = rng.choice([0, 0, 1, 3, 42])
        policy = rng.choice(["no", "no", "no", "on-failure:2", "always", "unless-stopped"])
        if kind == "short" and policy in ("always", "unless-stopped") and rng.random() < 0.5:
            policy = "on-failure:2"
        writable = rng.choice(["tmpfs", "tmpfs", "image"])
        vols = rng.random() < 0.5
        net = self.net and rng.random() < 0.5
        head = ("echo start-%s run=$(echo r >>/runs; wc -l </runs | tr -d ' ')" % tag)
        if vols:
            head += "; echo %s >>/data/%s.out; : >/t/x" % (tag, name)
        prog = {
            "short": "%s; exit %d" % (head, code),
            "term": '%s; trap \\"echo term-%s; exit %d\\" TERM; sleep 600 & wait' % (head, tag, code),
            "ignore": '%s; trap \\"\\" TERM; while :; do sleep 1; done' % head,
            "pid1": "%s; exec sleep 600" % head,
        }[kind]
        lines = ['name = "%s"' % name, 'oci_root = "%s"' % self.rv,
                 'oci_stop_timeout = 1', 'oci_restart = "%s"' % policy,
                 'oci_cmd = [ "%s" ]' % prog]
        if writable == "image":
            img = "%s/%s-%d.ext4" % (self.T, name, self.gen)
            sh("truncate -s 16M %s && mkfs.ext4 -q -F %s" % (img, img))
            lines.append('oci_writable = "%s"' % img)
        if vols:
            lines.append('oci_volumes = [ "share:%s:/data", "tmpfs:/t:1m" ]' % self.share)
        if net:
            lines.append('oci_network = [ "n1" ]')
        path = "%s/%s-%d.cfg" % (self.T, name, self.gen)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        stop_code = {"short": code, "term": code, "ignore": 137, "pid1": 137}[kind]
        return dict(name=name, tag=tag, kind=kind, code=code, policy=policy, cfg=path,
                    stop_code=stop_code, net=net, vols=vols, writable=writable)

    def cycles(self, c):
        """Whether a run of c ends by itself into its restart policy."""
        if c["kind"] != "short":
            return False
        p = c["policy"]
        if p in ("always", "unless-stopped"):
            return True
        if p.startswith("on-failure"):
            return c["code"] != 0
        return False

    def fresh_run(self, c):
        """c was just created or started: the model's state for it."""
        c["restarts"] = 0
        c["runs"] += 1
        c["monless"] = False
        if c["kind"] == "short":
            c["phase"] = "cycling" if self.cycles(c) else "ending"
            c["exit"] = c["code"]
        else:
            c["phase"] = "running"
            c["exit"] = None

    # ---- one operation's model (serial) ----------------------------------
    def expect(self, m, op, name):
        """The expected outcome of op on name against model m (which it
        updates): (rc set, text an error must hold, or None).  rc None: any."""
        c = m.get(name)
        ph = c["phase"] if c else "gone"
        gone_err = ({1}, "no container domain named %s" % name)
        if op == "create":
            if c:
                return {1}, "a container named %s already exists" % name
            nc = self.pending_cfg[name]
            nc["runs"] = 0
            m[name] = nc
            self.fresh_run(nc)
            return {0}, None
        if c is None:
            return gone_err if op not in ("status", "logs") else ({0, 1}, None)
        if ph == "unknown":
            if op == "stop":
                c["phase"], c["exit"] = "halted", None
                return {0}, None
            if op == "destroy":
                del m[name]
                return {0}, None
            if op in ("status", "logs"):
                return {0}, None
            return None, None
        if op == "start":
            if ph == "halted":
                self.fresh_run(c)
            elif ph == "cycling":
                pass
            return {0}, None
        if op == "stop":
            if ph in ("running", "paused"):
                c["phase"], c["exit"] = "halted", c["stop_code"]
            elif ph in ("cycling", "ending"):
                c["phase"] = "halted"
            return {0}, None
        if op == "kill":
            if ph in ("running", "paused"):
                c["phase"], c["exit"] = "halted", 137
                return {0}, None
            if ph == "cycling":
                c["phase"] = "unknown"
                return {0, 1}, None
            if ph == "ending":
                c["phase"] = "unknown"
                return {0, 1}, None
            return {1}, "%s is not running" % name
        if op == "killterm":
            if ph in ("running",):
                if c["kind"] == "term":
                    # kill returns before the trap ran (only SIGKILL waits)
                    c["phase"], c["exit"] = "ending", c["code"]
                return {0}, None
            if ph == "paused":
                return {1}, name
            if ph in ("cycling", "ending"):
                c["phase"] = "unknown"
                return {0, 1}, None
            return {1}, "%s is not running" % name
        if op == "pause":
            if ph == "running":
                c["phase"] = "paused"
                return {0}, None
            if ph in ("cycling", "ending"):
                c["phase"] = "unknown"
                return {0, 1}, None
            return {1}, "%s is not running" % name
        if op == "unpause":
            if ph == "paused":
                c["phase"] = "running"
                return {0}, None
            if ph in ("cycling", "ending"):
                c["phase"] = "unknown"
                return {0, 1}, None
            return {1}, "%s is not paused" % name
        if op == "exec":
            if ph == "running":
                return {7}, None
            if ph in ("cycling", "ending"):
                return None, None
            return {1}, name
        if op == "update":
            if ph in ("running", "paused"):
                return {0}, None
            if ph in ("cycling", "ending"):
                return {0, 1}, None
            return {1}, "%s is not running" % name
        if op == "destroy":
            del m[name]
            return {0}, None
        if op in ("status", "logs"):
            return {0}, None
        if op == "wait":
            if ph == "halted":
                if c["exit"] is None:
                    return None, None
                return {c["exit"]} | ({1} if c.get("monless") else set()), None
            if ph == "ending":
                c["phase"] = "halted"
                return {c["exit"]} | ({1} if c.get("monless") else set()), None
            return None, None
        raise AssertionError(op)

    def check_rc(self, r, rcs, text):
        if r.rc == "TIMEOUT":
            self.fail("hung: %r" % r)
        if rcs is not None and r.rc not in rcs:
            self.fail("exit code %s, expected %s: %r" % (r.rc, sorted(rcs), r))
        if text and r.rc != 0 and text not in r.err:
            self.fail("error does not say %r: %r" % (text, r))

    def args_of(self, op, name):
        return {
            "create": ["create", self.pending_cfg.get(name, {}).get("cfg", "/nonexistent")],
            "start": ["start", name], "stop": ["stop", "-t", "20", name],
            "kill": ["kill", name], "killterm": ["kill", "-s", "TERM", name],
            "pause": ["pause", name], "unpause": ["unpause", name],
            "exec": ["exec", name, "sh", "-c", "exit 7"],
            "update": ["update", "--memory", "64", name],
            "destroy": ["destroy", name], "status": ["status", "--json", name],
            "logs": ["logs", name], "wait": ["wait", name],
        }[op]

    def copy_model(self):
        return {k: dict(v) for k, v in self.model.items()}

    # ---- steps ---------------------------------------------------------
    def step_single(self, op, name):
        self.log("step %s %s (model %s)" % (op, name, self.phase(name)))
        if op == "create" and name not in self.model:
            self.pending_cfg[name] = self.draw_config(name)
            self.log("  config %s" % {k: v for k, v in self.pending_cfg[name].items() if k != "cfg"})
        if op == "wait" and self.phase(name) not in ("halted", "ending", "gone"):
            op = "status"
        m = self.copy_model()
        rcs, text = self.expect(m, op, name)
        r = self.run(*self.args_of(op, name))
        self.check_rc(r, rcs, text)
        self.model = m

    def phase(self, name):
        c = self.model.get(name)
        return c["phase"] if c else "gone"

    def step_pair(self, a, b, name):
        """a and b at once on name: the outcome must be one of the two
        orders' (a special case: wait beside what ends the run)."""
        self.log("step %s || %s %s (model %s)" % (a, b, name, self.phase(name)))
        if "create" in (a, b) and name not in self.pending_cfg:
            self.pending_cfg[name] = self.draw_config(name)
        if "create" in (a, b):
            # a fresh config for the create, whichever order
            self.pending_cfg[name] = self.draw_config(name)
            self.log("  config %s" % {k: v for k, v in self.pending_cfg[name].items() if k != "cfg"})
        outcomes = []
        for i, order in enumerate(((a, b), (b, a))):
            m = self.copy_model()
            exp = [self.expect(m, op, name) for op in order]
            if i == 1:
                exp.reverse()
            outcomes.append((exp, m))
        ha = self.popen(*self.args_of(a, name))
        time.sleep(self.rng.choice([0, 0.02, 0.1, 0.3]))
        hb = self.popen(*self.args_of(b, name))
        ra, rb = self.collect(ha), self.collect(hb)
        # an exec the container's end cut short is killed with it (137),
        # as docker exec beside docker stop
        # a stop whose container a destroy removed meanwhile fails naming
        # it: as if it came after the destroy
        for r, other in ((ra, b), (rb, a)):
            if r.args[0] == "stop" and other == "destroy" and r.rc == 1 and \
                    "%s was destroyed meanwhile" % name in r.err:
                r.err = "no container domain named %s" % name
        # (or fails to start, runc's setns into a namespace going away: 1)
        # (xl-oci names the container then: "NAME is not running (it ended
        # as exec started)")
        for r, other in ((ra, b), (rb, a)):
            if r.args[0] == "exec" and other in ("stop", "kill", "destroy") and \
                    (r.rc == 137 or (r.rc == 1 and (r.err.startswith("exec failed:") or
                                                   "is not running (it ended as exec started)" in r.err))):
                self.log("  exec cut short by %s: taken as its serial outcome" % other)
                r.rc, r.err = 7, ""
        for r in (ra, rb):
            if r.rc == "TIMEOUT":
                self.fail("hung: %r" % r)
        # A SIGKILL that runc delivered to a process already ending on the
        # stop's signal: kill said 0, the exit is the stop's.  As if the
        # kill came after the stop and found it ended (a third interleaving
        # the two serial orders miss; docker kill beside docker stop alike).
        for r, other in ((ra, b), (rb, a)):
            if r.args[0] == "kill" and other == "stop" and r.rc == 0:
                js, _ = self.status(name)
                if js and js.get("state") == "halted" and js.get("exit_code") != 137:
                    self.log("  kill reached a process ending on stop's signal: taken as after it")
                    r.rc, r.err = 1, "%s is not running" % name
        errs = []
        for exp, m in outcomes:
            try:
                self.check_rc(ra, *exp[0])
                self.check_rc(rb, *exp[1])
            except Fail as e:
                errs.append(str(e))
                continue
            # which order: the one whose final phase matches what is seen
            if self.matches(m, name):
                self.model = m
                return
            errs.append("rcs fit, state does not: model %s" % (m.get(name, {}).get("phase", "gone")))
        self.fail("%s || %s on %s fits neither order: %s" % (a, b, name, " / ".join(errs)))

    def matches(self, m, name):
        st, _ = self.status(name)
        c = m.get(name)
        if c is None:
            return st is None
        if st is None:
            return False
        return self.state_ok(c, st)[0]

    def step_wait_kill(self, name, killer):
        """wait on a running container, with killer (kill, stop, destroy)
        at once: wait returns the code of the end killer made."""
        self.log("step wait || %s %s (model %s)" % (killer, name, self.phase(name)))
        c = self.model[name]
        hw = self.popen("wait", name)
        time.sleep(self.rng.choice([0, 0.05, 0.3]))
        m = self.copy_model()
        rcs, text = self.expect(m, killer, name)
        r = self.run(*self.args_of(killer, name))
        self.check_rc(r, rcs, text)
        rw = self.collect(hw)
        if rw.rc == "TIMEOUT":
            self.fail("wait hung: %r" % rw)
        want = {"kill": 137, "destroy": 137, "stop": c["stop_code"]}[killer]
        if rw.rc != want and not (c.get("monless") and rw.rc == 1):
            # wait begun before the monitor saw the start... is the run's end all the same
            self.fail("wait beside %s returned %s, not %d: %r" % (killer, rw.rc, want, rw))
        self.model = m

    def killmon(self, name):
        self.log("step killmon %s (model %s)" % (name, self.phase(name)))
        lock = "%s/state/domains/%s/monitor.lock" % (self.T, name)
        try:
            pid = int(open(lock).read().strip())
        except (OSError, ValueError):
            return
        try:
            os.kill(pid, signal.SIGKILL)
            self.log("  killed monitor %d" % pid)
        except OSError:
            pass
        time.sleep(0.2)
        c = self.model.get(name)
        if c and c["phase"] in ("cycling", "ending", "running", "paused"):
            c["phase"] = "unknown"
            c["monless"] = True

    # ---- checks ---------------------------------------------------------
    def state_ok(self, c, st):
        ph = c["phase"]
        s = st.get("state")
        if ph == "running":
            ok = s == "running"
        elif ph == "paused":
            ok = s == "paused"
        elif ph == "halted":
            ok = s == "halted" and (c["exit"] is None or st.get("exit_code") == c["exit"] or
                                    (c.get("monless") and st.get("exit_code") is None))
        elif ph == "ending":
            ok = s in ("running", "halting", "halted") and (s != "halted" or st.get("exit_code") == c["exit"] or
                                                 (c.get("monless") and st.get("exit_code") is None))
        elif ph == "cycling":
            ok = s in ("running", "halting", "restarting", "halted")
            if s == "halted":
                mx = re.match(r"on-failure:(\d+)", c["policy"])
                ok = bool(mx) and st.get("restarts") == int(mx.group(1)) and st.get("exit_code") == c["code"]
        else:  # unknown: anything alive-looking
            ok = s in ("running", "restarting", "halted", "paused", "down", "halting")
        return ok, s

    def check_all(self, final=False):
        lst = self.listing()
        for name in sorted(set(lst) | set(self.model)):
            c = self.model.get(name)
            st, r = self.status(name)
            if c is None:
                if st is not None or name in lst:
                    self.fail("%s should be gone: status rc %s, in list %s" % (name, r.rc, name in lst))
                if "no container domain named %s" % name not in r.err:
                    self.fail("status of gone %s: %r" % (name, r))
                continue
            if st is None:
                self.fail("%s missing: %r" % (name, r))
            if name not in lst:
                self.fail("%s missing from list --json" % name)
            ok, s = self.state_ok(c, st)
            if not ok:
                self.fail("%s: status says %s (exit %s, restarts %s), model %s exit %s" % (
                    name, s, st.get("exit_code"), st.get("restarts"), c["phase"], c.get("exit")))
            l = lst[name]
            for k in ("state", "exit_code", "uuid", "restarts", "restart_policy", "mode"):
                if l.get(k) != st.get(k) and not (k == "state" and c["phase"] in ("cycling", "ending", "unknown")) \
                        and not (k in ("exit_code", "restarts") and c["phase"] in ("cycling", "unknown")):
                    self.fail("%s: list says %s=%r, status %r" % (name, k, l.get(k), st.get(k)))
            if st.get("restart_policy") != c["policy"]:
                self.fail("%s: restart_policy %r, not %r" % (name, st.get("restart_policy"), c["policy"]))
            if s in ("running", "paused") and not st.get("pid"):
                self.fail("%s: %s without a pid" % (name, s))
            if s == "halted" and st.get("pid"):
                self.fail("%s: halted with a pid %s" % (name, st.get("pid")))
            if c["phase"] == "unknown":
                self.adopt(c, st)
            # the log: this container's line; none of an earlier one of the name
            lg = self.run("logs", name)
            if lg.rc != 0:
                self.fail("logs %s: %r" % (name, lg))
            if s in ("halted",) or final:
                if "start-%s run=" % c["tag"] not in lg.out:
                    self.fail("logs of %s lack its start line: %r" % (name, lg.out[-300:]))
            if re.search(r"start-%s-g(?!%d\b)\d+ " % (name, int(c["tag"].rsplit("g", 1)[1])), lg.out):
                self.fail("logs of %s show an earlier container's output: %r" % (name, lg.out[-300:]))
            if s == "halted" and c["kind"] == "term" and c.get("exit") == c["code"] and c["phase"] == "halted" \
                    and c.get("termed") and "term-%s" % c["tag"] not in lg.out:
                self.fail("logs of %s lack its trap's line" % name)

    def adopt(self, c, st):
        s = st["state"]
        if s == "halted":
            c["phase"], c["exit"] = "halted", st.get("exit_code")
        elif s == "paused":
            c["phase"] = "paused"
        elif s == "running" and c["kind"] != "short":
            c["phase"] = "running"
        else:
            c["phase"] = "unknown"

    def settle(self):
        """Waits (at most 12 s) until no container is ending or in a bounded
        crash loop, so the checks see their final states."""
        for _ in range(120):
            busy = False
            for name, c in self.model.items():
                if c["phase"] in ("ending",) or (c["phase"] == "cycling" and c["policy"].startswith("on-failure")):
                    st, _ = self.status(name)
                    if st and c.get("monless") and st["state"] == "down":
                        c["phase"] = "unknown"
                    elif st and st["state"] == "halted":
                        if c["phase"] == "ending":
                            c["phase"] = "halted"
                        else:
                            c["phase"], c["exit"] = "halted", c["code"]
                            if st.get("restarts") != 2:
                                self.fail("%s on-failure:2 halted after %s restarts" % (name, st.get("restarts")))
                    else:
                        busy = True
            if not busy:
                return
            time.sleep(0.1)

    # ---- the sequence ------------------------------------------------------
    def draw_step(self):
        rng = self.rng
        names = ["c%d" % i for i in range(self.ncont)]
        name = rng.choice(names)
        ph = self.phase(name)
        if ph == "gone":
            if rng.random() < 0.15:
                return ("single", rng.choice(["stop", "destroy", "start", "wait", "kill"]), name)
            return ("single", "create", name)
        x = rng.random()
        if x < 0.30:
            return ("pair", rng.choice([
                ("stop", "destroy"), ("start", "status"), ("destroy", "create"),
                ("stop", "stop"), ("destroy", "destroy"), ("start", "start"), ("pause", "stop"),
                ("kill", "destroy"), ("stop", "start"), ("exec", "stop"), ("pause", "unpause"),
                ("kill", "stop"), ("update", "stop"), ("logs", "destroy")]), name)
        if x < 0.40 and ph in ("running", "paused"):
            return ("waitkill", rng.choice(["kill", "stop", "destroy"]), name)
        if x < 0.43:
            return ("killmon", None, name)
        ops = ["start", "stop", "kill", "killterm", "pause", "unpause", "exec", "update",
               "destroy", "wait", "status", "logs"]
        return ("single", rng.choice(ops), name)

    def setup_net(self):
        sh("ip link set lo up")
        r = self.run("network", "create", "n1", "--subnet", "10.77.0.0/24")
        if r.rc != 0:
            self.fail("network create: %r" % r)

    def go(self):
        self.pending_cfg = {}
        self.ncont = self.rng.randint(1, 4)
        self.log("seed %d: %d containers" % (self.seed, self.ncont))
        if self.net:
            self.setup_net()
        for i in range(self.nsteps):
            kind, op, name = self.draw_step()
            if kind == "single":
                if op == "killterm" and self.phase(name) == "running" and self.model[name]["kind"] == "term":
                    self.model[name]["termed"] = True
                if op == "stop" and self.phase(name) in ("running", "paused") and self.model[name]["kind"] == "term":
                    self.model[name]["termed"] = True
                self.step_single(op, name)
            elif kind == "pair":
                a, b = op
                if self.rng.random() < 0.5:
                    a, b = b, a
                self.step_pair(a, b, name)
            elif kind == "waitkill":
                self.step_wait_kill(name, op)
            else:
                self.killmon(name)
            self.settle()
            self.check_all()
        # the end: destroy everything, then nothing may be left
        for name in sorted(self.model):
            r = self.run("destroy", name)
            self.check_rc(r, {0}, None)
        self.model = {}
        self.check_all(final=True)
        if self.net:
            r = self.run("network", "inspect", "--json", "n1")
            if r.rc == 0 and json.loads(r.out).get("leases"):
                self.fail("leases left on n1: %s" % r.out)
            veths = sh("ip -o link show | grep -o 'xon[0-9a-z]*' || true").stdout.split()
            if veths:
                self.fail("veths left: %s" % veths)
            nft = sh("nft list table bridge xl_oci 2>/dev/null").stdout
            if re.search(r"xon[0-9a-z]+", nft):
                self.fail("nft elements naming veths left: %s" % nft)
            r = self.run("network", "rm", "n1")
            if r.rc != 0:
                self.fail("network rm: %r" % r)
            left = sh("nft list ruleset").stdout.strip()
            if left:
                self.fail("nft ruleset left after network rm: %s" % left[:300])
            links = sh("ip -o link show | awk -F': ' '{print $2}'").stdout.split()
            if [l for l in links if l != "lo"]:
                self.fail("links left: %s" % links)
        self.leaks()

    def leaks(self):
        time.sleep(0.3)
        T = self.T
        procs = []
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                cmd = open("/proc/%s/cmdline" % p, "rb").read().replace(b"\0", b" ").decode(errors="replace")
                envb = open("/proc/%s/environ" % p, "rb").read()
            except OSError:
                continue
            if T in cmd or (b"XL_OCI_ROOT=" + T.encode() + b"/state") in envb.split(b"\0"):
                procs.append("%s: %s" % (p, cmd[:120]))
        if procs:
            self.fail("processes left: %s" % procs)
        mounts = [l for l in open("/proc/self/mounts") if T in l]
        if mounts:
            self.fail("mounts left: %s" % mounts)
        loops = sh("losetup -a | grep -F '%s' || true" % T).stdout.strip()
        if loops:
            self.fail("loop devices left: %s" % loops)
        runc = sh("runc --root %s/state/runc list -q 2>/dev/null" % T).stdout.strip()
        if runc:
            self.fail("runc containers left: %s" % runc)
        files = []
        for d in ("state/domains", "state/status/tool/xl-oci", "state/runc"):
            p = os.path.join(T, d)
            if os.path.isdir(p) and os.listdir(p):
                files.append("%s: %s" % (d, os.listdir(p)))
        if files:
            self.fail("state files left: %s" % files)
        import hashlib
        h = hashlib.sha256((T + "/state").encode()).hexdigest()[:8]
        cg = sh("find /sys/fs/cgroup -maxdepth 3 -name 'xl-oci-%s' 2>/dev/null" % h).stdout.strip()
        if cg:
            self.fail("cgroups left: %s" % cg)

    def cleanup(self):
        env = self.env
        for name in os.listdir(self.T + "/state/domains") if os.path.isdir(self.T + "/state/domains") else []:
            subprocess.run([self.xl, "destroy", name], env=env, capture_output=True, timeout=60)
        for c in sh("runc --root %s/state/runc list -q 2>/dev/null" % self.T).stdout.split():
            sh("runc --root %s/state/runc delete -f %s" % (self.T, c))
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    envb = open("/proc/%s/environ" % p, "rb").read()
                except OSError:
                    continue
                if (b"XL_OCI_ROOT=" + self.T.encode() + b"/state") in envb.split(b"\0"):
                    try:
                        os.kill(int(p), signal.SIGKILL)
                    except OSError:
                        pass
        if self.net:
            subprocess.run([self.xl, "network", "rm", "n1"], env=env, capture_output=True, timeout=60)
        for l in sorted((l.split()[1] for l in open("/proc/self/mounts") if self.T in l), reverse=True):
            sh("umount -l %s" % l)
        for l in sh("losetup -a | grep -F '%s' | cut -d: -f1" % self.T).stdout.split():
            sh("losetup -d %s" % l)
        if not self.keep:
            shutil.rmtree(self.T, ignore_errors=True)


def make_image(rv):
    tree = rv + ".tree"
    for d in ("bin", "etc", "proc", "sys", "dev", "tmp", "data", "t"):
        os.makedirs(os.path.join(tree, d), exist_ok=True)
    os.makedirs(rv, exist_ok=True)
    shutil.copy("/bin/busybox", tree + "/bin/busybox")
    for a in ("sh", "echo", "sleep", "cat", "wc", "tr"):
        os.symlink("busybox", "%s/bin/%s" % (tree, a))
    for f, s in (("passwd", "root:x:0:0:root:/root:/bin/sh\n"), ("group", "root:x:0:\n")):
        for d in (tree + "/etc", rv):
            with open(os.path.join(d, f), "w") as fh:
                fh.write(s)
    subprocess.run(["mkfs.erofs", "--quiet", rv + "/rootfs.erofs", tree], check=True,
                   capture_output=True)
    shutil.rmtree(tree)
    with open(rv + "/image-config.json", "w") as f:
        json.dump({"architecture": "amd64", "os": "linux",
                   "config": {"Env": ["PATH=/bin"], "Entrypoint": ["/bin/sh", "-c"],
                              "Cmd": ["exit 1"], "WorkingDir": "/", "Volumes": {"/anon": {}}},
                   "rootfs": {"type": "layers", "diff_ids": []}}, f)


def main():
    args = sys.argv[1:]
    steps, net, keep = 25, False, False
    while args and args[0].startswith("--"):
        a = args.pop(0)
        if a == "--steps":
            steps = int(args.pop(0))
        elif a == "--net":
            net = True
        elif a == "--keep":
            keep = True
        else:
            sys.exit("unknown option %s" % a)
    if len(args) < 2:
        sys.exit(__doc__)
    xl = os.path.abspath(args[0])

    def on_term(sig, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    bad = 0
    for s in args[1:]:
        w = World(xl, int(s), steps, net, keep)
        t = time.time()
        try:
            w.go()
            print("ok %s (%.0fs, %d containers)" % (s, time.time() - t, w.ncont), flush=True)
        except Fail as e:
            bad += 1
            print("FAIL %s: %s" % (s, e), flush=True)
            tdir = os.environ.get("RL_TRACE_DIR")
            if tdir:
                os.makedirs(tdir, exist_ok=True)
                with open("%s/seed-%s.txt" % (tdir, s), "w") as f:
                    f.write("\n".join(w.trace) + "\n")
                print("# trace in %s/seed-%s.txt" % (tdir, s), flush=True)
            else:
                for l in w.trace[-40:]:
                    print("# " + l, flush=True)
        finally:
            w.cleanup()
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
