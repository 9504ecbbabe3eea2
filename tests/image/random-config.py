#!/usr/bin/env python3
"""random-config.py: small OCI images with drawn process configs, for
differential runs of "what process starts" (tests/image/random-config.sh).

usage: random-config.py --show BIN --busybox BIN --out DIR
                        (--seed S --count N | --config JSON [--tag TAG] |
                         --configs FILE)
       random-config.py --compare DIR

Writes DIR/layout, an OCI image layout: one layer (busybox, the static
BIN built from show-process.c as /bin/show, /usr/local/bin/show and
/opt/bin/show-opt, an /etc/passwd and /etc/group with several users,
supplementary memberships, a user named by digits, home directories,
symlinks and a file to use as WorkingDir) and one image per case, tagged
c<SEED>-<I> (or TAG), whose config's Entrypoint, Cmd, User, Env and
WorkingDir are drawn from the kinds that field images carry.  DIR/cases
has one JSON object per line: tag, the config, and "docker": what Docker
(moby's merge and spec, runc's user lookup and exec) would start, in
show-process's output format, or the kind of error it fails with.

Seeded: the same seed gives the same layout, byte for byte.  Only the
standard library.
"""
import argparse
import hashlib
import io
import json
import os
import random
import sys
import tarfile

PASSWD = """root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
alice:x:1000:1000:Alice:/home/alice:/bin/sh
bob:x:1001:1001::/home/bob:/bin/sh
carol:x:1002:100::/home/carol:/bin/sh
nohome:x:1003:1003::/nonexistent:/bin/sh
4242:x:5000:5000:digits:/home/digits:/bin/sh
twin:x:1001:1001:same uid as bob:/home/twin:/bin/sh
ghost:x:1004:4444::/home/ghost:/bin/sh
short:x:1005:1005
"""
GROUP = """root:x:0:
daemon:x:1:daemon
wheel:x:10:alice,root
audio:x:29:bob
staff:x:50:root,bob,carol
users:x:100:carol,alice
alice:x:1000:
bob:x:1001:alice
nohome:x:1003:
g5000:x:5000:4242
7777:x:7000:carol
video:x:44:bob, carol
dupgrp:x:60:
dupgrp:x:61:alice
"""
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# What the tree holds, for the oracle: executables, directories, links.
EXES = {"/bin/show", "/usr/local/bin/show", "/opt/bin/show-opt",
        "/bin/sh", "/bin/busybox"}
DIRS = {"/", "/bin", "/etc", "/root", "/home", "/home/alice", "/home/bob",
        "/home/carol", "/home/digits", "/srv", "/srv/app", "/tmp", "/opt",
        "/opt/bin", "/usr", "/usr/local", "/usr/local/bin", "/usr/sbin",
        "/proc", "/sys", "/dev"}
LINKS = {"/link": "/home/bob", "/rel-link": "home/alice",
         "/dangling": "/nonexistent/dir"}
FILES = {"/etc/passwd", "/etc/group", "/etc/file"}


def parse_db(text):
    """passwd or group lines as runc reads them: fields left off are
    empty."""
    return [(line.split(":") + [""] * 7)[:7]
            for line in text.strip().split("\n")]


def build_layer(show, busybox):
    """The one layer, as deterministic tar bytes."""
    buf = io.BytesIO()
    tf = tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT)

    def add(name, kind, data=b"", mode=0o755, uid=0, gid=0, link=""):
        ti = tarfile.TarInfo(name.lstrip("/"))
        ti.type, ti.mode, ti.uid, ti.gid, ti.mtime = kind, mode, uid, gid, 0
        ti.linkname = link
        ti.size = len(data) if kind == tarfile.REGTYPE else 0
        tf.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)

    owners = {"/home/alice": 1000, "/home/bob": 1001, "/home/carol": 1002,
              "/home/digits": 5000}
    for d in sorted(DIRS - {"/"}):
        u = owners.get(d, 0)
        add(d, tarfile.DIRTYPE, mode=0o1777 if d == "/tmp" else 0o755,
            uid=u, gid=u)
    with open(busybox, "rb") as f:
        add("/bin/busybox", tarfile.REGTYPE, f.read())
    for a in ("sh", "id", "env", "pwd", "cat", "ls", "echo"):
        add("/bin/" + a, tarfile.SYMTYPE, link="busybox")
    with open(show, "rb") as f:
        add("/bin/show", tarfile.REGTYPE, f.read())
    add("/usr/local/bin/show", tarfile.SYMTYPE, link="/bin/show")
    add("/opt/bin/show-opt", tarfile.LNKTYPE, link="bin/show")
    add("/etc/passwd", tarfile.REGTYPE, PASSWD.encode(), 0o644)
    add("/etc/group", tarfile.REGTYPE, GROUP.encode(), 0o644)
    add("/etc/file", tarfile.REGTYPE, b"not a directory\n", 0o644)
    for k, v in sorted(LINKS.items()):
        add(k, tarfile.SYMTYPE, link=v)
    tf.close()
    return buf.getvalue()


# --- drawing a config --------------------------------------------------------
WORDS = ["plain", "with space", "", "ünïcødé ☃", "--flag=1", "$HOME", "*",
         "tab\there", "new\nline", "'quoted'", '"dq"', "-", "--", "a=b",
         "y" * 131071, "y" * 131072, "\x7f\x01"]


def draw_args(r, n_max=4):
    return [r.choice(WORDS) for _ in range(r.randint(0, n_max))]


def draw(r):
    c = {}
    ep_kind = r.choice(["absent", "null", "empty", "emptystr", "sh-c",
                        "relative", "absolute", "opt", "slash-relative",
                        "missing"])
    prog = r.choice(["show", "/bin/show", "/usr/local/bin/show",
                     "show-opt", "bin/show", "nosuch", ""])
    if ep_kind == "null":
        c["Entrypoint"] = None
    elif ep_kind == "empty":
        c["Entrypoint"] = []
    elif ep_kind == "emptystr":
        c["Entrypoint"] = [""]
    elif ep_kind == "sh-c":
        c["Entrypoint"] = ["sh", "-c"]
    elif ep_kind == "relative":
        c["Entrypoint"] = ["show"] + draw_args(r, 2)
    elif ep_kind == "absolute":
        c["Entrypoint"] = ["/bin/show"] + draw_args(r, 2)
    elif ep_kind == "opt":
        c["Entrypoint"] = ["show-opt"]
    elif ep_kind == "slash-relative":
        c["Entrypoint"] = ["bin/show"]
    elif ep_kind == "missing":
        c["Entrypoint"] = ["nosuch"]
    cmd_kind = r.choice(["absent", "null", "empty", "args", "prog"])
    if ep_kind == "sh-c" and r.random() < 0.8:
        c["Cmd"] = ['exec show "$0" "$@"'] + draw_args(r)
    elif cmd_kind == "null":
        c["Cmd"] = None
    elif cmd_kind == "empty":
        c["Cmd"] = []
    elif cmd_kind == "args":
        c["Cmd"] = draw_args(r)
    elif cmd_kind == "prog" or ep_kind in ("absent", "null", "empty",
                                           "emptystr"):
        c["Cmd"] = [prog] + draw_args(r)
    user = r.choice(["absent", "", "alice", "1000", "bob:staff", "1001:50",
                     "carol:29", "1000:users", "9999", "9999:9999", "nosuch",
                     "alice:nosuchgroup", "0", "root:root", "root", "4242",
                     "4242:7777", "daemon", "alice:", ":100", "nohome",
                     "1001", "twin", "0:0", "+1000", "01001", "ghost",
                     "short", "alice:dupgrp", "carol:video", " alice",
                     "alice:1000:extra", "-1", "2147483648", "2147483647",
                     "99999999999999999999", "ghost:4444", "1000:0"])
    if user != "absent":
        c["User"] = user
    env = []
    # Entries without '=' in one case of five: containerd hands them to
    # runc, which refuses them, and that would hide the other fields.
    bare = r.random() < 0.2
    if r.random() < 0.8:
        env.append(r.choice(["PATH=" + DEFAULT_PATH, "PATH=/opt/bin:/bin",
                             "PATH=/bin", "PATH="] + ["PATH"] * bare))
    for _ in range(r.randint(0, 5)):
        env.append(r.choice([
            "FOO=one", "FOO=two", "EMPTY=", "HOME=/custom", "HOME=",
            "EQ=a=b", "SP=a b", "UNI=héllo ☃",
            "LONG=" + "x" * r.choice([1000, 65536, 131000]),
            "HOSTNAME=fromimage", "TERM=dumb", "PATH=/bin",
            "LONG=" + "x" * r.choice([131066, 131067]), "=novar",
            "A B=sp", "1X=digit", "X-Y=dash", "NL=a\nb", "PATH=.:/bin",
            "PATH=:/opt/bin", "X=" + "\u00e9" * 65533] +
            ["FOO", "HOME", "BARE"] * bare))
    r.shuffle(env)
    if env or r.random() < 0.5:
        c["Env"] = env
    wd = r.choice(["absent", "", "/", "/home/alice", "/home/alice/",
                   "/work/new", "/link", "/rel-link", "/dangling", "rel/dir",
                   "/etc/file", "/srv/../srv/app", "/tmp/./x/", "//srv//app",
                   "/home/alice/../../srv", "/nosuch/../srv",
                   "/with space/dir", "/\u00fcn\u00ef", "/opt/bin",
                   "/link/sub", "/srv/app/.", "/.."])
    if wd != "absent":
        c["WorkingDir"] = wd
    return c


SAFE_WORDS = ["plain", "with space", "", "ünïcødé ☃", "--flag=1", "$HOME",
              "*", "-", "--", "a=b"]


def draw_cfg(r):
    """app.cfg's process keys, each drawn in one case of four, as the
    `docker run` flags they stand for (--entrypoint as the API's list,
    args, -u, -e, -w).  Words an app.cfg string can hold as they are."""
    k = {}
    if r.random() < 0.25:
        k["oci_entrypoint"] = r.choice([[], [""], ["/bin/show"], ["show"],
                                        ["show-opt"], ["sh", "-c"],
                                        ["/bin/show", "ep"]])
    if r.random() < 0.25:
        k["oci_cmd"] = r.choice([[], ['exec show "$0" "$@"', "x"],
                                 ["/bin/show"], ["show", "c"]] +
                                [[r.choice(SAFE_WORDS)
                                  for _ in range(r.randint(1, 3))]])
    if r.random() < 0.25:
        k["oci_user"] = r.choice(["alice", "1001:50", "bob:staff", "9999",
                                  "root", "nosuch", "carol:", ":100",
                                  "4242", "alice:nosuchgroup"])
    if r.random() < 0.25:
        k["oci_env"] = r.sample(["FOO=cfg", "PATH=/opt/bin:/bin", "HOME=/h",
                                 "EMPTY=", "FOO=cfg2", "HOSTNAME=cfg",
                                 "UNI=ü"], r.randint(1, 3))
    if r.random() < 0.25:
        k["oci_workdir"] = r.choice(["/srv/app", "/home/alice/", "/new/dir",
                                     "/link", "/a/../srv", "/etc/file"])
    return k


def app_cfg_lines(k):
    def q(v):  # libxlutil's quoted string: \\ and \" are escapes
        return '"%s"' % v.replace("\\", "\\\\").replace('"', '\\"')
    out = []
    for key, v in sorted(k.items()):
        if isinstance(v, list):
            out.append("%s = [ %s ]" % (key, ", ".join(q(x) for x in v)))
        else:
            out.append("%s = %s" % (key, q(v)))
    return out


# --- what Docker would start ------------------------------------------------
def docker_merge(c, k):
    """moby's merge(userConf, imageConf) and translateWorkingDir, with
    app.cfg's keys as the user's config: the config Docker runs."""
    c = dict(c)
    ep, cmd = k.get("oci_entrypoint"), k.get("oci_cmd")
    if ep is not None:
        # len(userConf.Entrypoint) != 0 ([""] too): the image's Cmd goes.
        # An empty list (which docker run never sends; moby keeps the
        # image's Cmd for it) is read as compose reads it, as xl-oci
        # decided (docs/decisions.md, "Empty lists"); so is oci_cmd = [ ].
        c["Entrypoint"], c["Cmd"] = ep, cmd or []
    elif cmd is not None and len(cmd):
        c["Cmd"] = cmd
    elif cmd is not None:
        c["Cmd"] = []
    if "oci_user" in k:
        c["User"] = k["oci_user"]
    if "oci_env" in k:
        user_env = list(k["oci_env"])
        keys = {e.split("=", 1)[0] for e in user_env}
        c["Env"] = user_env + [e for e in c.get("Env") or []
                               if e.split("=", 1)[0] not in keys]
    if "oci_workdir" in k:
        c["WorkingDir"] = os.path.normpath(k["oci_workdir"]).replace("//", "/")
    return c



def exec_user(spec, passwd, group):
    """runc's libcontainer/user GetExecUser with no defaults, as moby's
    getUser calls it: (uid, gid, sgids, home) or raise ValueError."""
    user_arg, _, group_arg = spec.partition(":")
    group_arg = group_arg.split(":")[0]

    def atoi(s):  # Go's strconv.Atoi: sign, digits, int64 range
        t = s[1:] if s[:1] in "+-" else s
        if not t or not t.isascii() or not t.isdigit():
            return None
        v = int(s, 10)
        return v if -2**63 <= v < 2**63 else None
    uid_n, gid_n = atoi(user_arg), atoi(group_arg)
    uid, gid, sgids, home = 0, 0, [], ""
    if user_arg == "":
        users = [u for u in passwd if int(u[2]) == uid]
    elif uid_n is not None:
        users = [u for u in passwd if int(u[2]) == uid_n]
    else:
        users = [u for u in passwd if u[0] == user_arg]
    name = ""
    if users:
        name, uid, gid, home = users[0][0], int(users[0][2]), \
            int(users[0][3]), users[0][5]
    elif user_arg:
        if uid_n is None:
            raise ValueError("user-not-found")
        uid = uid_n
        if not 0 <= uid <= 2**31 - 1:
            raise ValueError("range")
    if group_arg or name:
        if not group_arg:
            gs = [g for g in group if name in g[3].split(",")]
        elif gid_n is not None:
            gs = [g for g in group if int(g[2]) == gid_n]
        else:
            gs = [g for g in group if g[0] == group_arg]
        if group_arg:
            if gs:
                gid = int(gs[0][2])
            elif gid_n is None:
                raise ValueError("group-not-found")
            else:
                gid = gid_n
        else:
            sgids = [int(g[2]) for g in gs]
    return uid, gid, sgids, home


def resolve_dir(path):
    """The directory a chdir to PATH lands in (symlinks followed), None
    when a component is missing, "FILE" when it is a file."""
    parts = [p for p in path.split("/") if p]
    cur = "/"
    hops = 0
    while parts:
        p = parts.pop(0)
        if p == ".":
            continue
        if p == "..":
            cur = os.path.dirname(cur.rstrip("/")) or "/"
            continue
        nxt = os.path.join(cur, p)
        if nxt in LINKS:
            hops += 1
            if hops > 40:
                return None
            t = LINKS[nxt]
            parts = [x for x in t.split("/") if x] + parts
            cur = "/" if t.startswith("/") else cur
            continue
        if nxt in FILES or nxt in EXES:
            return "FILE"
        if nxt not in DIRS:
            return None
        cur = nxt
    return cur


def docker_expect(c, k=None):
    """What `docker run IMAGE` starts (moby's merge, getUser and
    CreateDaemonEnvironment; runc's env, HOME, cwd and exec), as a dict:
    error (a kind) or argv, env, uid, gid, groups, cwd.  K: app.cfg's
    keys, as docker run's flags."""
    if k:
        c = docker_merge(c, k)
    passwd, group = parse_db(PASSWD), parse_db(GROUP)
    ep, cmd = c.get("Entrypoint") or [], c.get("Cmd") or []
    if ep == [""]:
        ep = []
    args = ep + cmd
    if not args:
        return {"error": "no-command"}
    try:
        uid, gid, sgids, _ = exec_user(c.get("User", ""), passwd, group)
    except ValueError as e:
        return {"error": str(e)}
    # CreateDaemonEnvironment: PATH and HOSTNAME, then the Env over them.
    env = ["PATH=" + DEFAULT_PATH, "HOSTNAME=(host)"]
    cache = {e.split("=", 1)[0]: i for i, e in enumerate(env)}
    for v in c.get("Env") or []:
        k, eq, _ = v.partition("=")
        if not eq:
            if v in cache:
                env[cache[v]] = ""
            continue
        if k in cache:
            env[cache[k]] = v
        else:
            env.append(v)
    env = [e for e in env if e]
    # runc: Setenv each (the last of a KEY wins), HOME from passwd if
    # empty or unset.
    final = {}
    for e in env:
        k, _, v = e.partition("=")
        if k == "":
            return {"error": "env-invalid"}
        final[k] = v
    wd = c.get("WorkingDir") or ""
    cwd = wd or "/"
    if not cwd.startswith("/"):
        return {"error": "cwd-relative"}
    # SetupWorkingDirectory makes filepath.Clean(WorkingDir) (through
    # links, in the root); runc then chdirs to the raw WorkingDir.
    if wd and resolve_dir(os.path.normpath(wd)) == "FILE":
        return {"error": "cwd-not-dir"}
    # runc makes a cwd that is missing (MkdirAll in the root, through
    # links), so only a file in the way fails.
    land = resolve_dir(cwd)
    if land is None:
        land = simulate_mkdir(os.path.normpath(cwd))
    if land == "FILE":
        return {"error": "cwd-not-dir"}
    if not final.get("HOME"):
        homes = [u[5] for u in passwd if int(u[2]) == uid]
        final["HOME"] = homes[0] if homes else "/"
    prog = args[0]
    if prog == "":
        return {"error": "exec-not-found"}
    if "/" in prog:
        p = prog if prog.startswith("/") else os.path.join(land, prog)
        if os.path.normpath(p) not in EXES:
            return {"error": "exec-not-found"}
    else:
        # Go's exec.LookPath (runc's): the first PATH entry holding it; a
        # hit through a relative entry is refused (exec.ErrDot, Go 1.19).
        hit = None
        for d in final.get("PATH", "").split(":") if "PATH" in final else []:
            full = os.path.normpath(os.path.join(land, d or ".", prog))
            if full in EXES:
                hit = d
                break
        if hit is None or not hit.startswith("/"):
            return {"error": "exec-not-found"}
    # execve: each string with its NUL at most 131072 bytes (E2BIG).
    strs = args + ["%s=%s" % kv for kv in final.items()]
    if any(len(x.encode()) + 1 > 131072 for x in strs):
        return {"error": "e2big"}
    if prog in ("sh", "/bin/sh") or (ep[:2] == ["sh", "-c"]):
        # sh -c SCRIPT ARG0 ARGS...: show gets ARG0 ARGS... (with "show"
        # as its argv[0] when the script is the generator's).
        if len(args) < 3 or args[2] != 'exec show "$0" "$@"':
            return {"error": "shell"}
        args = ["show"] + args[3:]
        if len(args) == 1:
            args = ["show", "sh"]
        # The shell exports only names it can hold.
        import re
        final = {k: v for k, v in final.items()
                 if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k)}
    # runc 1.1 (Debian 12's) reads additionalGids as strings through
    # /etc/group: a gid whose digits name a group becomes that group's gid
    # (GetAdditionalGroups), and duplicates go.  Newer runc takes them as
    # numbers, and setgroups keeps duplicates (Docker lists the primary
    # group twice when /etc/group lists the user in it).
    byname = {g[0]: int(g[2]) for g in reversed(group)}
    groups = sorted({byname.get(str(x), x) for x in [gid] + sgids})
    return {"argv": args, "env": sorted("%s=%s" % kv for kv in final.items()
                                        if kv[0] != "HOSTNAME"),
            "uid": uid, "gid": gid, "groups": groups,
            "cwd": land}


def simulate_mkdir(path):
    """Where MkdirAll of PATH (in the root) leaves a directory."""
    parts = [p for p in path.split("/") if p]
    cur = "/"
    for i, p in enumerate(parts):
        nxt = os.path.join(cur, p)
        if nxt in LINKS:
            t = LINKS[nxt]
            base = t if t.startswith("/") else os.path.join(cur, t)
            return os.path.normpath(os.path.join(base, *parts[i + 1:]))
        cur = nxt
    return cur


# --- the layout -------------------------------------------------------------
def blob(out, data):
    d = hashlib.sha256(data).hexdigest()
    p = os.path.join(out, "blobs", "sha256", d)
    if not os.path.exists(p):
        with open(p, "wb") as f:
            f.write(data)
    return {"digest": "sha256:" + d, "size": len(data)}


# --- comparing the runs ------------------------------------------------------
ERRORS = [  # (kind, pattern in a runner's messages), first match wins
    ("env-invalid", r"invalid environment variable|has an empty KEY"),
    ("user-not-found", r"unable to find user|no users found|no user|"
     r"user .* not found|no such user|User \"[^\"]*\" .*passwd"),
    ("group-not-found", r"unable to find group|no groups found|no group|"
     r"group .* not found|no such group"),
    ("range", r"out of range|must be 0 to"),
    ("no-command", r"nothing to run|args must not be empty|no command"),
    ("e2big", r"argument list too long|E2BIG|at most 131072|too long"),
    ("cwd-relative", r"[Cc]wd must be an absolute|not an absolute path"),
    ("cwd-not-dir", r"not a directory"),
    ("cwd-missing", r"chdir|mkdir .*: file exists"),
    ("exec-not-found", r"executable file not found|no such file or directory"
     r"|exec: |exit code 127|exited 127|: not found"),
]


def esc(s):
    out = []
    for b in s.encode():
        if b == 0x5c:
            out.append("\\\\")
        elif b < 0x20 or b >= 0x7f:
            out.append("\\x%02x" % b)
        else:
            out.append(chr(b))
    return "".join(out)


def render(d):
    """docker_expect's dict as show-process prints it (no HOSTNAME)."""
    if "error" in d:
        return "error: " + d["error"]
    lines = ["argc=%d" % len(d["argv"])] + ["arg=" + esc(a)
                                            for a in d["argv"]]
    env = sorted(d["env"], key=lambda e: e.encode())
    lines += ["env=" + esc(e) for e in env]
    lines.append("uid=%d euid=%d gid=%d egid=%d" % (d["uid"], d["uid"],
                                                     d["gid"], d["gid"]))
    lines.append("groups=" + ",".join(str(g) for g in d["groups"]))
    lines.append("cwd=" + esc(d["cwd"]))
    return "\n".join(lines)


def outcome(base, runner):
    """A runner's result: show's output less HOSTNAME, or "error: KIND"."""
    import re

    def rd(ext):
        try:
            with open("%s.%s.%s" % (base, runner, ext), "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return None
    out, rc = rd("out"), (rd("rc") or "").strip()
    if out is None:
        return None
    if rc == "0" and out.startswith("argc="):
        # HOSTNAME is Docker's and xl-oci's, not ctr's; PWD and SHLVL are
        # the shell's (an Entrypoint of sh -c).
        return "\n".join(ln for ln in out.rstrip("\n").split("\n")
                         if not ln.startswith(("env=HOSTNAME=", "env=PWD=",
                                               "env=SHLVL=")))
    msg = " ".join(x for x in (rd("err"), out, rd("status")) if x)
    if rc not in ("0", "create-failed") and "argc=" not in out:
        msg += " exit code %s" % rc
    for kind, pat in ERRORS:
        if re.search(pat, msg, re.I):
            return "error: " + kind
    return "error: other (rc %s): %s" % (rc, msg.strip()[:300])


def bootspec_check(base):
    """The boot spec's args, env and cwd against the runtime spec's."""
    try:
        with open(base + ".rs.json") as f:
            p = json.load(f)["process"]
    except (OSError, ValueError):
        return None
    bad = []
    for k in ("args", "env"):
        with open("%s.bs.%s" % (base, k)) as f:
            raw = bytes(int(x, 16) for x in f.read().split())
        got = raw.decode(errors="replace").split("\0")[:-1] if raw else []
        if got != p.get(k, []):
            bad.append("%s: boot spec %r, runtime spec %r" %
                       (k, got, p.get(k)))
    with open(base + ".bs.cwd") as f:
        cwd = f.read().strip()
    if cwd != p.get("cwd"):
        bad.append("cwd: boot spec %r, runtime spec %r" % (cwd, p.get("cwd")))
    return bad


def field_diff(na, a, nb, b):
    """What A (named NA) and B differ in: lines only one of them has."""
    if a.startswith("error") or b.startswith("error"):
        short = [x if x.startswith("error") else "runs" for x in (a, b)]
        return ["%s %s, %s %s" % (na, short[0], nb, short[1])]
    la, lb = a.split("\n"), b.split("\n")
    return ["%s only: %s" % (na, x[:160]) for x in la if x not in lb] + \
        ["%s only: %s" % (nb, x[:160]) for x in lb if x not in la]


def compare(d):
    passed = failed = 0
    kinds = {}
    with open(os.path.join(d, "cases")) as f:
        cases = [json.loads(ln) for ln in f]
    for c in cases:
        base = os.path.join(d, "out", c["tag"])
        want = render(docker_expect(c["config"], c.get("keys")))
        got = {r: outcome(base, r) for r in ("xl", "ctr", "xlrunc")}
        notes = []
        for r in ("xl", "ctr"):
            if got[r] is not None and got[r] != want:
                notes.append((r + "-vs-docker",
                              field_diff("docker", want, r, got[r])))
        if got["ctr"] is not None and got["xl"] != got["ctr"]:
            notes.append(("xl-vs-ctr",
                          field_diff("ctr", got["ctr"], "xl", got["xl"])))
        # xl-oci-runc under ctr gets ctr's spec: it must start what runc does.
        if got["xlrunc"] is not None and got["xlrunc"] != got["ctr"]:
            notes.append(("xlrunc-vs-ctr",
                          field_diff("ctr", got["ctr"], "xlrunc",
                                     got["xlrunc"])))
        bs = bootspec_check(base)
        if bs:
            notes.append(("bootspec", bs))
        # Both failing, for different first reasons (runtimes check in
        # different orders), is a note, not a failure.
        # A shell script the model does not read: not counted.
        bad = want != "error: shell" and any(
            n[0] in ("xl-vs-docker", "xlrunc-vs-ctr", "bootspec") and
                  not all(" error: " in ln and ln.count("error:") == 2
                          for ln in n[1]) for n in notes)
        if bad:
            failed += 1
        else:
            passed += 1
        print("%s %s %s%s" % ("FAIL" if bad else "ok", c["tag"],
                              json.dumps(c["config"], ensure_ascii=False)[:400],
                              " app.cfg " + json.dumps(c["keys"], ensure_ascii=
                                                       False)
                              if c.get("keys") else ""))
        for name, lines in notes:
            kinds[name] = kinds.get(name, 0) + 1
            for ln in lines:
                print("    %s: %s" % (name, ln))
        err = os.path.join(d, "out", c["tag"] + ".xl.err")
        if got["xl"] and got["xl"].startswith("error") and os.path.exists(err):
            with open(err, errors="replace") as f:
                msg = [x for x in f.read().split("\n") if x and
                       "no Xen on this host" not in x]
            if msg:
                print("    xl says: " + msg[0][:300])
    print("# differences: " + ", ".join("%s %d" % kv
                                        for kv in sorted(kinds.items())))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--compare":
        return compare(sys.argv[2])
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", required=True)
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--config", help="one case: this config (JSON)")
    ap.add_argument("--tag", default="one")
    ap.add_argument("--app-cfg", action="store_true",
                    help="draw app.cfg process keys too (DIR/out/TAG.keys)")
    ap.add_argument("--configs", help="cases from FILE: a config (JSON) a "
                    "line, tagged f-<LINE>")
    a = ap.parse_args()
    lay = os.path.join(a.out, "layout")
    os.makedirs(os.path.join(lay, "blobs", "sha256"), exist_ok=True)
    layer = build_layer(a.show, a.busybox)
    ldesc = blob(lay, layer)
    diff_id = ldesc["digest"]
    if a.config:
        cases = [(a.tag, json.loads(a.config))]
    elif a.configs:
        with open(a.configs) as f:
            cases = [("f-%d" % i, json.loads(ln))
                     for i, ln in enumerate(f) if ln.strip()]
        # A line may be {"config": C, "keys": APP_CFG_KEYS} too.
        cases = [(t, c["config"], c.get("keys", {}))
                 if set(c) <= {"config", "keys"} and "config" in c
                 else (t, c) for t, c in cases]
    else:
        r = random.Random(a.seed)
        cases = [("c%d-%d" % (a.seed, i), draw(r)) for i in range(a.count)]
        if a.app_cfg:
            cases = [(t, c, draw_cfg(r)) for t, c in cases]
    idx_path = os.path.join(lay, "index.json")
    manifests = []
    if os.path.exists(idx_path):
        with open(idx_path) as f:
            manifests = json.load(f)["manifests"]
    cases = [x if len(x) == 3 else (x[0], x[1], {}) for x in cases]
    tags = {x[0] for x in cases}
    manifests = [m for m in manifests if m.get("annotations", {}).get(
        "org.opencontainers.image.ref.name") not in tags]
    with open(os.path.join(a.out, "cases"), "a") as cf:
        for tag, c, k in cases:
            if k:
                os.makedirs(os.path.join(a.out, "out"), exist_ok=True)
                with open(os.path.join(a.out, "out", tag + ".keys"), "w") as f:
                    f.write("".join(x + "\n" for x in app_cfg_lines(k)))
            cfg = {"architecture": "amd64", "os": "linux", "config": c,
                   "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                   "created": "2026-01-01T00:00:00Z"}
            cdesc = blob(lay, json.dumps(cfg, sort_keys=True).encode())
            man = {"schemaVersion": 2,
                   "mediaType": "application/vnd.oci.image.manifest.v1+json",
                   "config": dict(cdesc, mediaType="application/vnd.oci."
                                  "image.config.v1+json"),
                   "layers": [dict(ldesc, mediaType="application/vnd.oci."
                                   "image.layer.v1.tar")]}
            mdesc = blob(lay, json.dumps(man, sort_keys=True).encode())
            manifests.append(dict(
                mdesc, mediaType="application/vnd.oci.image.manifest.v1+json",
                annotations={"org.opencontainers.image.ref.name": tag}))
            cf.write(json.dumps({"tag": tag, "config": c, "keys": k,
                                 "docker": docker_expect(c, k)},
                                ensure_ascii=False) + "\n")
    with open(idx_path, "w") as f:
        json.dump({"schemaVersion": 2, "manifests": manifests}, f)
    with open(os.path.join(lay, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion": "1.0.0"}')
    for x in cases:
        print(x[0])


if __name__ == "__main__":
    sys.exit(main())
