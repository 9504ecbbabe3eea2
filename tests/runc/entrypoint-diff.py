#!/usr/bin/env python3
"""entrypoint-diff.py: xl-oci-runc create's entrypoint and cwd check
(xl-plugin/runc_entrypoint.h) against real runc, on random bundles.

Each draw lays out a small rootfs around a static busybox (directories,
scripts with random modes, symlinks: absolute, relative, dangling,
chains, loops, escaping through ".."; sometimes a merged /usr), and a
spec from `runc spec` with a random process.args[0], PATH (several
entries, the variable given twice, empty, relative and ".." entries, or
none), cwd, extra mounts (a bind of a host directory or file that holds
the entrypoint or the cwd, a tmpfs over a PATH directory, a bind into an
earlier bind) and sometimes a createRuntime hook that puts the entrypoint
into the rootfs.  Then:

  ours: build/tests/entrypoint-check BUNDLE (OK or REFUSED)
  runc: runc create, runc start, wait for the process, runc delete -f;
        "ran" when the process printed the marker.

FAULT: ours refused and runc created and ran it (a false refusal, which
the check must never make).  NOTE: ours passed and runc's create refused
(allowed: the domain's loader fails later), counted by the kind of
runc's error.  EARLY: ours refused and runc created but the process did
not run (runc fails at start instead; allowed).  Everything else is OK.

Needs root, runc and /bin/busybox (static).  Uses its own temporary
directory and runc --root; every container gets a new network namespace
(runc spec's default), never the host's.

  entrypoint-diff.py --checker build/tests/entrypoint-check \
      [--seed N] [--count N] [--keep DIR] [--verbose]

Prints one line per FAULT (and per NOTE with --verbose) and the summary
"N draws, F faults, M notes"; exits 1 when there was a fault.
"""

import argparse
import json
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

MARK = "EPMARK"
SCRIPT = "#!/bin/busybox sh\necho " + MARK + "\n"
DIRS = ["a", "a/b", "a/b/c", "opt", "opt/bin", "srv", "app", "usr/local",
        "usr/local/bin", "d", "d/e", "work"]
NAMES = ["tool", "run", "x", "cmd", "y"]
MODES = [0o755, 0o755, 0o700, 0o100, 0o010, 0o001, 0o644, 0o600, 0o000]


class Draw:
    """One random bundle: the tree (as in-root paths), the spec's process
    and mounts, and the host files the mounts and hook use."""

    def __init__(self, rnd, base_spec, top):
        self.r = rnd
        self.top = top
        self.rootfs = os.path.join(top, "bundle", "rootfs")
        self.dirs = set([""])  # in-root paths without the leading '/'
        self.files = set()
        self.links = {}
        self.spec = json.loads(json.dumps(base_spec))
        self.desc = []

    # --- the tree ---------------------------------------------------
    def mkdir(self, rel):
        parts = rel.split("/")
        for i in range(1, len(parts) + 1):
            p = "/".join(parts[:i])
            full = os.path.join(self.rootfs, p)
            if p in self.links or p in self.files:
                return False
            if not os.path.isdir(full):
                os.mkdir(full, 0o755)
            self.dirs.add(p)
        return True

    def free(self, rel):
        return (rel not in self.dirs and rel not in self.files and
                rel not in self.links)

    def add_file(self, rel, mode, content=SCRIPT):
        parent = os.path.dirname(rel)
        if not self.free(rel) or (parent and not self.mkdir(parent)):
            return
        full = os.path.join(self.rootfs, rel)
        with open(full, "w") as f:
            f.write(content)
        os.chmod(full, mode)
        self.files.add(rel)

    def add_link(self, rel, target):
        parent = os.path.dirname(rel)
        if not self.free(rel) or (parent and not self.mkdir(parent)):
            return
        os.symlink(target, os.path.join(self.rootfs, rel))
        self.links[rel] = target

    def build_tree(self):
        r = self.r
        os.makedirs(self.rootfs)
        merged = r.random() < 0.5
        bindir = "usr/bin" if merged else "bin"
        self.mkdir(bindir)
        self.mkdir("usr/sbin" if merged else "sbin")
        if merged:
            self.add_link("bin", "usr/bin")
            self.add_link("sbin", "usr/sbin")
        shutil.copy("/bin/busybox", os.path.join(self.rootfs, bindir))
        self.files.add(bindir + "/busybox")
        self.add_link(bindir + "/echo", "busybox")
        self.desc.append("merged-usr" if merged else "split-usr")
        for d in r.sample(DIRS, r.randint(2, 7)):
            self.mkdir(d)
        for _ in range(r.randint(3, 9)):
            where = r.choice(sorted(self.dirs))
            name = r.choice(NAMES)
            rel = (where + "/" if where else "") + name
            kind = r.random()
            if kind < 0.1:
                self.mkdir(rel)  # a directory named like a command
            elif kind < 0.13 and self.free(rel):
                full = os.path.join(self.rootfs, rel)
                if not where or self.mkdir(where):
                    os.mkfifo(full)
                    os.chmod(full, 0o755)
                    self.files.add(rel)
            else:
                self.add_file(rel, r.choice(MODES))
        for i in range(r.randint(2, 8)):
            where = r.choice(sorted(self.dirs))
            name = r.choice(NAMES + ["lnk", "l%d" % i, "bin2"])
            rel = (where + "/" if where else "") + name
            self.add_link(rel, self.link_target(rel))

    def any_path(self):
        """An in-root path (no leading '/') of the tree or a missing one."""
        r = self.r
        pool = sorted(self.dirs - {""}) + sorted(self.files) + \
            sorted(self.links)
        k = r.random()
        if k < 0.75 and pool:
            return r.choice(pool)
        base = r.choice(sorted(self.dirs))
        return (base + "/" if base else "") + r.choice(["nope", "new"] + NAMES)

    def execs(self):
        """In-root paths of the scripts with an execute bit."""
        return sorted(f for f in self.files if os.stat(
            os.path.join(self.rootfs, f)).st_mode & 0o111)

    def link_target(self, rel):
        r = self.r
        k = r.random()
        depth = rel.count("/")
        if k < 0.35:
            return "/" + self.any_path()
        if k < 0.6:  # relative, through the right number of ".."
            return "../" * depth + self.any_path()
        if k < 0.7:  # escaping the root through ".."
            return "../" * (depth + r.randint(1, 3)) + self.any_path()
        if k < 0.8:  # dangling
            return "/nope/" + r.choice(NAMES)
        if k < 0.9 and self.links:  # a chain, maybe a loop
            return "/" + r.choice(sorted(self.links))
        return "/" + rel  # itself: a loop

    # --- the spec ---------------------------------------------------
    def abs_path(self, rel):
        r = self.r
        p = "/" + rel
        k = r.random()
        if k < 0.1 and "/" in rel:  # through ".." after a link or a dir
            head, tail = rel.split("/", 1)
            p = "/" + head + "/../" + rel
        elif k < 0.15:
            p = p.replace("/", "//", 1)
        return p

    def path_entry(self):
        r = self.r
        k = r.random()
        if k < 0.08:
            return ""
        if k < 0.14:
            return r.choice(["bin", ".", "a/b", "./bin"])
        if k < 0.24 and self.links:  # ".." after a link
            return "/" + r.choice(sorted(self.links)) + "/.." + \
                r.choice(["", "/bin", "/a", "/usr/bin"])
        if k < 0.4:
            return r.choice(["/bin", "/usr/bin", "/sbin", "/usr/local/bin",
                             "/opt/bin"])
        if k < 0.6 and self.execs():
            return "/" + os.path.dirname(r.choice(self.execs()))
        return self.abs_path(self.any_path()) + r.choice(["", "", "/"])

    def draw_process(self):
        r = self.r
        proc = self.spec["process"]
        proc["terminal"] = False
        # PATH: none, one, or the variable twice (the last one counts).
        env = ["TERM=xterm"]
        n_path = r.choice([0, 1, 1, 1, 2])
        for _ in range(n_path):
            entries = [self.path_entry() for _ in range(r.randint(1, 4))]
            env.insert(r.randint(0, len(env)), "PATH=" + ":".join(entries))
        proc["env"] = env
        k = r.random()
        if k < 0.35:
            cwd = "/"
        elif k < 0.6:
            cwd = self.abs_path(r.choice(sorted(self.dirs)))
        elif k < 0.85:
            cwd = self.abs_path(self.any_path())
        else:
            cwd = "/" + r.choice(["new", "work/new", "a/new/deeper"])
        proc["cwd"] = cwd
        k = r.random()
        ex = self.execs()
        if k < 0.2 and ex:  # a script's name, PATH may lead to it
            arg0 = os.path.basename(r.choice(ex))
        elif k < 0.3 and ex:
            arg0 = self.abs_path(r.choice(ex))
        elif k < 0.5:
            arg0 = r.choice(NAMES + ["busybox", "echo", "missing", "lnk",
                                     ".", ".."])
        elif k < 0.75:
            arg0 = self.abs_path(self.any_path())
        else:
            rel = r.choice(NAMES + ["lnk"])
            arg0 = r.choice(["./", "../", "a/", "./a/../", ""]) + rel
            if "/" not in arg0:
                arg0 = "./" + arg0
        # A script ignores its arguments; busybox itself, or its "echo"
        # link, echoes the marker.
        proc["args"] = [arg0, "echo", MARK]
        self.desc.append("args0=%r cwd=%r env=%r" % (arg0, cwd, env))
        return arg0

    def host_dir(self, name, arg0):
        """A host directory holding an executable named as arg0's last
        component, and maybe a symlink out of it."""
        d = os.path.join(self.top, "host-" + name)
        os.makedirs(d)
        base = os.path.basename(arg0.rstrip("/")) or "tool"
        if base not in (".", "..", "lnk", "bin", "sub"):
            p = os.path.join(d, base)
            with open(p, "w") as f:
                f.write(SCRIPT)
            os.chmod(p, self.r.choice([0o755, 0o755, 0o644]))
        if self.r.random() < 0.5:
            os.symlink(self.r.choice(["/usr/bin", "/bin", "/a", "/opt"]),
                       os.path.join(d, "lnk"))
        for sub in ("bin", "sub"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        return d

    def dest_for(self, arg0):
        """A mount destination near the entrypoint, a PATH dir or cwd."""
        r = self.r
        proc = self.spec["process"]
        picks = [self.abs_path(self.any_path()), proc["cwd"]]
        if arg0.startswith("/"):
            picks += [os.path.dirname(arg0) or "/", arg0]
        for e in proc["env"]:
            if e.startswith("PATH="):
                picks += [x for x in e[5:].split(":") if x.startswith("/")]
        picks += ["/bin", "/usr/bin", "/usr/local/bin", "/opt"]
        d = r.choice(picks)
        return d if d.startswith("/") else "/" + d

    def draw_mounts(self, arg0):
        r = self.r
        mounts = self.spec["mounts"]
        prev = []
        for i in range(r.choice([0, 0, 0, 1, 1, 2, 3])):
            dest = self.dest_for(arg0)
            k = r.random()
            if k < 0.3:
                m = {"destination": dest, "type": "tmpfs", "source": "tmpfs",
                     "options": ["nosuid", "mode=755", "size=1m"]}
            elif k < 0.45:  # a file bind: an executable at dest
                src = os.path.join(self.top, "hostfile-%d" % i)
                with open(src, "w") as f:
                    f.write(SCRIPT)
                os.chmod(src, 0o755)
                m = {"destination": dest, "type": "bind", "source": src,
                     "options": ["rbind"]}
            else:
                if prev and r.random() < 0.4:  # into an earlier bind
                    dest = r.choice(prev) + "/" + r.choice(["lnk", "bin",
                                                            "sub", "lnk/x"])
                src = self.host_dir("%d" % i, arg0)
                m = {"destination": dest, "type": "bind", "source": src,
                     "options": ["rbind"]}
                prev.append(dest)
            mounts.append(m)
            self.desc.append("mount %s %s" % (m["type"], dest))

    def draw_hook(self, arg0):
        """A createRuntime hook that writes the entrypoint into the rootfs
        (as runc runs it: before its init looks the entrypoint up).  It
        runs chrooted in the rootfs with the rootfs's busybox, so the
        root's symlinks resolve inside it, never on the host."""
        if self.r.random() >= 0.05:
            return
        if arg0.startswith("/"):
            target = arg0
        else:
            target = "/usr/local/bin/" + arg0
        if ".." in target or target.endswith("/"):
            return
        cmd = ("mkdir -p '%s' && rm -f '%s' && printf '%%s\\n' "
               "'#!/bin/busybox sh' 'echo %s' >'%s' && chmod 755 '%s'" %
               (os.path.dirname(target), target, MARK, target, target))
        self.spec.setdefault("hooks", {})["createRuntime"] = [
            {"path": "/usr/sbin/chroot",
             "args": ["chroot", self.rootfs, "/bin/busybox", "sh", "-c",
                      cmd]}]
        self.desc.append("hook creates " + target)

    def build(self):
        self.build_tree()
        arg0 = self.draw_process()
        self.draw_mounts(arg0)
        self.draw_hook(arg0)
        self.spec["root"] = {"path": "rootfs",
                             "readonly": self.r.random() < 0.2}
        with open(os.path.join(self.top, "bundle", "config.json"), "w") as f:
            json.dump(self.spec, f, indent=1)


def run_ours(checker, bundle):
    p = subprocess.run([checker, bundle], capture_output=True, text=True,
                       timeout=30)
    if p.returncode == 2:
        return None, p.stderr.strip()
    return p.returncode == 0, p.stdout.strip()


def kind_of(msg):
    """A short name for the kind of runc's create error."""
    for pat, name in [
            (r"executable file not found", "not found in $PATH"),
            (r"chdir to cwd", "chdir"),
            (r"mkdir .*not a directory|not a directory", "not a directory"),
            (r"is a directory", "is a directory"),
            (r"permission denied", "permission denied"),
            (r"no such file or directory", "no such file"),
            (r"too many levels of symbolic links", "symlink loop"),
            (r"file exists", "file exists"),
            (r"read-only file system", "read-only root"),
            (r"timed out", "runc create timed out"),
            (r"found relative to current directory",
             "relative PATH entry (ErrDot)")]:
        if re.search(pat, msg, re.I):
            return name
    return "other: " + msg[-120:]


def run_runc(runc_root, bundle, cid, top):
    out = os.path.join(top, "out")
    err = os.path.join(top, "err")
    base = ["runc", "--root", runc_root]
    with open(out, "w") as fo, open(err, "w") as fe:
        try:
            c = subprocess.run(base + ["create", "--bundle", bundle,
                                       "--pid-file",
                                       os.path.join(top, "pid"), cid],
                               stdin=subprocess.DEVNULL, stdout=fo,
                               stderr=fe, timeout=30)
            created = c.returncode == 0
        except subprocess.TimeoutExpired:
            fe.write("runc create timed out\n")
            created = False
    ran = False
    if created:
        subprocess.run(base + ["start", cid], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=30)
        deadline = time.time() + 5
        while time.time() < deadline:
            s = subprocess.run(base + ["state", cid], capture_output=True,
                               text=True)
            if s.returncode != 0 or '"stopped"' in s.stdout:
                break
            time.sleep(0.02)
        with open(out) as f:
            ran = MARK in f.read()
    subprocess.run(base + ["delete", "-f", cid], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=30)
    with open(err) as f:
        msg = " ".join(f.read().split())
    return created, ran, msg


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checker", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--keep", help="copy each faulty draw's bundle here")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    checker = os.path.abspath(a.checker)
    with tempfile.TemporaryDirectory(prefix="xl-oci-epdiff.") as work:
        subprocess.run(["runc", "spec"], cwd=work, check=True)
        with open(os.path.join(work, "config.json")) as f:
            base_spec = json.load(f)
        runc_root = os.path.join(work, "runc-root")
        faults = notes = early = skipped = draws = 0
        refused = created_n = ran_n = 0
        kinds = {}
        for i in range(a.count):
            seed = a.seed + i
            top = os.path.join(work, "d%d" % seed)
            d = Draw(random.Random(seed), base_spec, top)
            d.build()
            bundle = os.path.join(top, "bundle")
            ours, omsg = run_ours(checker, bundle)
            if ours is None:
                skipped += 1
                if a.verbose:
                    print("# seed %d: spec refused by the parser: %s" %
                          (seed, omsg))
                shutil.rmtree(top, ignore_errors=True)
                continue
            if a.keep and not ours:  # before runc changes the rootfs
                keep = os.path.join(a.keep, "seed-%d" % seed)
                shutil.rmtree(keep, ignore_errors=True)
                os.makedirs(a.keep, exist_ok=True)
                subprocess.run(["cp", "-a", top, keep], check=True)
            draws += 1
            created, ran, rmsg = run_runc(runc_root, bundle,
                                          "epdiff-%d-%d" % (os.getpid(), seed),
                                          top)
            what = "; ".join(d.desc)
            refused += not ours
            created_n += created
            ran_n += ran
            if not ours and created and ran:
                faults += 1
                print("FAULT seed %d: ours: %s | runc ran it | %s" %
                      (seed, omsg, what))
            elif not ours and created:
                early += 1
                if a.verbose:
                    print("# EARLY seed %d: %s | %s" % (seed, omsg, what))
            elif ours and not created:
                notes += 1
                k = kind_of(rmsg)
                kinds[k] = kinds.get(k, 0) + 1
                if a.verbose:
                    print("# NOTE seed %d (%s): %s | %s" % (seed, k, rmsg[-200:],
                                                            what))
            if not a.keep or ours:
                shutil.rmtree(top, ignore_errors=True)
        for k in sorted(kinds, key=lambda k: -kinds[k]):
            print("# note kind: %d %s" % (kinds[k], k))
        print("# ours refused %d; runc created %d, ran %d" %
              (refused, created_n, ran_n))
        print("# %d early (ours refused, runc created but the process did "
              "not run), %d specs the parser refused" % (early, skipped))
        print("%d draws, %d faults, %d notes" % (draws, faults, notes))
        return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
