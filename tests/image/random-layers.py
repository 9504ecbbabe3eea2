#!/usr/bin/env python3
"""random-layers.py: random but valid OCI images, for differential tests of
the unpack against `umoci unpack` (tests/image/random-unpack.sh).

usage:
  random-layers.py seed SEED OUT [TAG]
      Draws a layer stack from SEED (2 to 5 layers) and writes the OCI
      layout OUT, tagged TAG (default "t"), plus OUT/spec-TAG.json, the
      stack as data, which `spec` turns back into the same layout.
  random-layers.py spec SPEC.json OUT [TAG]
      Writes the layout of a stack written by `seed` (or by `minimise`).
  random-layers.py show SPEC.json
      Lists the stack's layers and entries, one line per entry.
  random-layers.py minimise SPEC.json OUTSPEC CMD...
      Removes layers, entries and attributes of SPEC while `CMD LAYOUT`
      still exits 0 (CMD says "the difference still shows"), and writes
      the smallest stack found to OUTSPEC.

Python 3 standard library only.  The same seed gives the same bytes, for
this version of the script: a change to what it draws changes what every
seed after it holds, so the seeds tier 60 names are to be chosen again
(`kinds` says which kinds each seed draws).
  random-layers.py kinds FIRST LAST
      Prints, per seed, the kinds of entry and layer it draws (wh_long:
      a whiteout of a name over 251 bytes; etc_passwd_c: /etc/passwd ends
      a character device; bulk, big, cap, opq_root...), to choose seeds.

What a stack holds, drawn at random with a model of the merged tree so
that entries meet what earlier layers left: regular files (setuid,
setgid, sticky and plain modes, owners up to 2^32-2, empty to 20 KiB),
directories (0700, 0555, 1777, 2775... and owners), symlinks (relative,
absolute, dangling, to directories, chains, with ".."), hardlinks (to a
file of the same layer, to a lower layer's file the layer adds again,
seldom to one only a lower layer has, to a symlink or a fifo), whiteouts
(of files, directories, symlinks of lower layers, of the layer's own
entries before or after them, of names that never existed, beside
implicit parents), opaque whiteouts (before and after the layer's own
children), type changes across layers (directory to file or symlink and
back), entries under a name an earlier layer replaced by a symlink or a
file, user.* xattrs and security.capability (v2, v3 with root id 0),
names over 100 bytes, non-ASCII UTF-8, spaces, "./" prefixes, entries
given twice in a layer, implicit parents, fifos, character and block
devices (outside /dev: the driver pulls with --allow-devices), the root
"./" entry, fractional and old times.  Layers are pax, GNU or ustar,
gzip (one member, or several and an estargz-like footer) or plain, with
the end-of-archive blocks padded to a record, bare, or missing.

Left out on purpose, being differences from umoci docs/decisions.md
already records as deliberate: device nodes in /dev (skipped), an opaque
whiteout in a directory that does not exist (made), empty xattr values,
times before 1970 or after 2446, names of 255 bytes, a hardlink entry
whose owner differs from its file's.
"""
import copy
import gzip
import hashlib
import io
import json
import os
import random
import subprocess
import struct
import sys
import tarfile
import zlib

T0 = 1600000000
WH = ".wh."
OPQ = ".wh..wh..opq"

FILE_MODES = [0o644] * 6 + [0o755] * 4 + [0o600, 0o444, 0o400, 0o000, 0o777,
                                         0o4755, 0o4711, 0o2755, 0o6755,
                                         0o1644, 0o2711, 0o4750, 0o640]
DIR_MODES = [0o755] * 6 + [0o700, 0o555, 0o1777, 0o2775, 0o711, 0o750,
                           0o775, 0o3777, 0o500, 0o1755]
OWNERS = [(0, 0)] * 8 + [(1000, 1000), (65534, 65534), (1, 1), (0, 50),
                         (100000, 100000), (2097152, 2097151),
                         (2147483646, 7), (4294967294, 4294967294),
                         (1234, 5678)]
BASENAMES = ["a", "b", "c", "d", "x", "y", "etc", "bin", "lib", "usr",
             "data", "run", "tmp", "f.txt", ".hidden", "with space",
             "ünïcødé", "日本語", "tab\tname", "a.wh.b", "-dash", "e=mc2",
             "quote'd", "back\\slash", "%percent", "..dots", "x y z", "passwd",
             "group"]


def longname(r):
    n = r.randint(101, 254)
    return ("L" + "ö" * r.randint(0, 20) + "n" * n)[:n].encode()[:n].decode(
        "utf-8", "ignore") or "L"


# ---------------------------------------------------------------- the model

class Model:
    """The merged tree as the stack so far would give it: path -> node.

    Paths are relative, "/"-separated, without "." or "..".  A node is a
    dict with "k" (f d l h c b p) and, for symlinks, "t" (the target)."""

    def __init__(self):
        self.nodes = {}

    def copy(self):
        m = Model()
        m.nodes = copy.deepcopy(self.nodes)
        return m

    def resolve_dir(self, path, depth=0):
        """Resolves a parent path through symlinks, chroot-style; None when
        it meets a non-directory or loops."""
        parts = [p for p in path.split("/") if p not in ("", ".")]
        cur = []
        i = 0
        steps = 0
        while i < len(parts):
            p = parts[i]
            i += 1
            if p == "..":
                if cur:
                    cur.pop()
                continue
            cand = "/".join(cur + [p])
            n = self.nodes.get(cand)
            if n is None:
                cur.append(p)  # an implicit parent, made on the way
                continue
            if n["k"] == "l":
                steps += 1
                if steps > 40:
                    return None
                t = n["t"]
                rest = parts[i:]
                if t.startswith("/"):
                    cur = []
                parts = [q for q in t.split("/") if q not in ("", ".")] + rest
                i = 0
                continue
            if n["k"] != "d":
                return None
            cur.append(p)
        return "/".join(cur)

    def resolve(self, name):
        """Where NAME lands: its parent resolved, its last part kept."""
        name = name.strip("/")
        if name in ("", "."):
            return ""
        head, _, base = name.rpartition("/")
        d = self.resolve_dir(head)
        if d is None:
            return None
        return (d + "/" + base) if d else base

    def subtree(self, p):
        pre = p + "/"
        return [q for q in self.nodes if q == p or q.startswith(pre)]

    def dirs(self):
        return [p for p, n in self.nodes.items() if n["k"] == "d"]


def apply_layer(model, entries):
    """Applies ENTRIES to MODEL (OCI semantics, whiteouts hiding lower
    content only); returns the paths the layer touched."""
    lower = model.copy()
    touched = set()

    def touch(p):
        while p:
            touched.add(p)
            p = p.rpartition("/")[0]

    for e in entries:
        name = e["name"].strip("/")
        base = name.rpartition("/")[2]
        if base.startswith(WH):
            head = name.rpartition("/")[0]
            d = model.resolve_dir(head)
            if d is None:
                continue
            if base == OPQ:
                victims = [q for q in model.subtree(d) if q != d] if d else list(model.nodes)
            else:
                p = (d + "/" if d else "") + base[len(WH):]
                victims = model.subtree(p)
            for q in victims:
                if q not in touched and q in lower.nodes:
                    keep_kids = any(t.startswith(q + "/") for t in touched)
                    if not keep_kids:
                        model.nodes.pop(q, None)
            continue
        p = model.resolve(name)
        if p is None or p == "":
            continue
        old = model.nodes.get(p)
        if not (old and old["k"] == "d" and e["k"] == "d"):
            for q in model.subtree(p):
                model.nodes.pop(q, None)
        # implicit parents
        par = p.rpartition("/")[0]
        acc = []
        for part in par.split("/") if par else []:
            acc.append(part)
            model.nodes.setdefault("/".join(acc), {"k": "d"})
        if e["k"] == "h":
            tgt = model.resolve(e["link"])
            tn = model.nodes.get(tgt) if tgt else None
            model.nodes[p] = dict(tn) if tn else {"k": "f"}
        elif e["k"] == "l":
            model.nodes[p] = {"k": "l", "t": e["link"]}
        else:
            model.nodes[p] = {"k": e["k"]}
        touch(p)
    return touched


# ------------------------------------------------------------ the generator

class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.seed = seed
        self.model = Model()
        self.bad_parent = False

    def mtime(self):
        r = self.r
        x = r.random()
        if x < 0.6:
            return {"mtime": T0 + r.randint(0, 10 ** 6)}
        if x < 0.8:
            return {"mtime": T0, "pax_mtime": "%d.%09d" % (T0 + r.randint(0, 999), r.randint(0, 10 ** 9 - 1))}
        if x < 0.9:
            return {"mtime": r.choice([0, 1, 86400, 10 ** 9])}
        return {"mtime": r.choice([2 ** 31 - 1, 2 ** 31 + 5, 4102444800, 8589934591])}

    def owner(self):
        u, g = self.r.choice(OWNERS)
        return {"uid": u, "gid": g}

    def xattrs(self, kind):
        r = self.r
        if r.random() > 0.18 or kind == "l":
            return {}
        x = {}
        for _ in range(r.randint(1, 3)):
            c = r.random()
            if c < 0.55:
                x["user." + r.choice(["a", "mime_type", "k", "x.y", "long" * 10])] = \
                    r.choice(["v", "text/plain", "yes", "0" * r.randint(1, 300), "ü"])
            elif c < 0.85 and kind == "f":
                perm = [r.randint(0, 0x7f) for _ in range(4)]
                body = bytes([1, 0, 0, 2] if r.random() < 0.7 else [0, 0, 0, 2])
                body += bytes(perm) + bytes(4) + bytes([r.randint(0, 0x3f), 0, 0, 0]) + bytes(4)
                if r.random() < 0.2:  # v3, root id 0
                    body = bytes([body[0], 0, 0, 3]) + body[4:] + bytes(4)
                x["security.capability"] = body.decode("latin-1")
            else:
                x["trusted.k" if r.random() < 0.5 else "user.z"] = "t" * r.randint(1, 40)
        return x

    def data(self):
        r = self.r
        c = r.random()
        if c < 0.2:
            return 0
        if c < 0.7:
            return r.randint(1, 100)
        if c < 0.93:
            return r.randint(101, 20000)
        if c < 0.99:
            return r.choice([511, 512, 1024, 4095, 4096, 4097, 8191, 8192, 12288, 65536, 65537])
        return r.choice([200000, 1 << 20, 3 * (1 << 20) + 7])

    def fill(self):
        """How a file's bytes are made: random, text, zeros, or blocks of
        zeros and random (compressible, tail-packed, hole-like)."""
        return self.r.choices(["r", "t", "z", "m"], [5, 3, 1, 1])[0]

    def etc(self, cur, nm, emit):
        """/etc/passwd or /etc/group, which pull copies into the root
        volume: a regular file, a symlink to one elsewhere, or what it
        must not open (a FIFO, a device node, a directory)."""
        r = self.r
        if cur.resolve_dir("etc") is None:
            return
        if cur.nodes.get("etc") is None:
            emit(self.entry("d", nm("etc"), mode=0o755, uid=0, gid=0, mtime=T0))
        name = "etc/" + r.choice(["passwd", "group"])
        c = r.random()
        if c < 0.55:
            emit(self.entry("f", nm(name), mode=0o644, size=r.randint(0, 3000), dseed=r.randint(0, 2 ** 31),
                            fill="t", uid=0, gid=0, mtime=T0))
        elif c < 0.7:
            emit(self.entry("d", nm("usr"), mode=0o755, uid=0, gid=0, mtime=T0))
            emit(self.entry("d", nm("usr/lib"), mode=0o755, uid=0, gid=0, mtime=T0))
            emit(self.entry("f", nm("usr/lib/" + name[4:]), mode=0o644, size=40, dseed=1, fill="t",
                            uid=0, gid=0, mtime=T0))
            emit(self.entry("l", nm(name), link=r.choice(["/usr/lib/", "../usr/lib/"]) + name[4:],
                            uid=0, gid=0, mtime=T0))
        elif c < 0.8:
            emit(self.entry("p", nm(name), mode=0o644, uid=0, gid=0, mtime=T0))
        elif c < 0.9:
            emit(self.entry(r.choice("cb"), nm(name), mode=0o600, dev=[r.randint(1, 300), r.randint(0, 255)],
                            uid=0, gid=0, mtime=T0))
        else:
            emit(self.entry("d", nm(name), mode=0o755, uid=0, gid=0, mtime=T0))

    def bulk(self, cur, nm, emit):
        """A directory of many entries, as /usr/share/locale or
        /usr/lib/x86_64-linux-gnu: several directory blocks, one xattr on
        many files (shared in the root volume), hardlinks among them."""
        r = self.r
        d = r.choice(cur.dirs() + [""])
        d = (d + "/" if d else "") + "bulk%d" % r.randint(0, 9)
        if cur.resolve_dir(d) is None:
            return
        emit(self.entry("d", nm(d), mode=0o755, uid=0, gid=0, mtime=T0))
        shared = {"user.shared": "s" * r.randint(1, 60)} if r.random() < 0.5 else None
        cap = {"security.capability": bytes([1, 0, 0, 2, 0, 4, 0, 0] + [0] * 12).decode("latin-1")}
        made = []
        for i in range(r.randint(40, 400)):
            n = "%s/%s%d" % (d, r.choice(["lib", "x", "locale-", "n" * r.randint(1, 200)]), i)
            c = r.random()
            if c < 0.1 and made:
                emit(self.entry("h", nm(n), link=nm(r.choice(made)), uid=0, gid=0, mode=0o644, mtime=T0))
            elif c < 0.2:
                emit(self.entry("l", nm(n), link="../" * r.randint(0, 2) + "t%d" % i, uid=0, gid=0, mtime=T0))
            elif c < 0.25:
                emit(self.entry("d", nm(n), mode=0o755, uid=0, gid=0, mtime=T0))
            else:
                e = self.entry("f", nm(n), mode=0o644, size=r.choice([0, 1, 30, 300, 5000]),
                               dseed=r.randint(0, 2 ** 31), fill=self.fill(), uid=0, gid=0,
                               mtime=T0 + i)
                if shared and r.random() < 0.8:
                    e["xattrs"] = dict(shared)
                elif r.random() < 0.05:
                    e["xattrs"] = dict(cap)
                emit(e)
                made.append(n)

    def basename(self, parent_kids):
        r = self.r
        if parent_kids and r.random() < 0.4:
            return r.choice(parent_kids)
        if r.random() < 0.06:
            return longname(r)
        return r.choice(BASENAMES)

    def kids(self, cur, d):
        pre = d + "/" if d else ""
        return [p[len(pre):] for p in cur.nodes if p.startswith(pre) and "/" not in p[len(pre):]]

    def parent(self, cur):
        """A parent path for a new entry (as written in the tar)."""
        r = self.r
        c = r.random()
        dirs = cur.dirs()
        if c < 0.25 or not dirs:
            return ""
        if c < 0.85:
            return r.choice(dirs)
        if c < 0.97:
            # implicit parents: a new chain under an existing dir or the root
            base = r.choice(dirs + [""])
            chain = "/".join(r.choice(["n", "m", "o", "p q"]) + str(r.randint(0, 9))
                             for _ in range(r.randint(1, 3)))
            p = (base + "/" if base else "") + chain
            return p if cur.resolve_dir(p) is not None else base
        if c < 0.999:
            # through a symlink to a directory (or to nothing yet)
            links = [p for p, n in cur.nodes.items() if n["k"] == "l"
                     and cur.resolve_dir(p) is not None
                     and cur.nodes.get(cur.resolve_dir(p), {"k": "d"})["k"] == "d"]
            if links:
                return r.choice(links)
            return r.choice(dirs)
        # under a name that is not a directory: both should refuse
        self.bad_parent = True
        others = [p for p, n in cur.nodes.items() if n["k"] in "fp"]
        return r.choice(others or dirs)

    def entry(self, kind, name, **kw):
        r = self.r
        e = {"k": kind, "name": name}
        e.update(kw)
        if r.random() < 0.15:  # names the ids may not match
            e["uname"] = r.choice(["root", "daemon", "nobody", "user", "_apt"])
            e["gname"] = r.choice(["root", "wheel", "nogroup", "staff"])
        if r.random() < 0.04:
            e["typebits"] = True
        if r.random() < 0.08:
            e["pax_atime"] = "%d.%06d" % (T0 + r.randint(0, 10 ** 6), r.randint(0, 999999))
        return e

    def layer(self, li):
        r = self.r
        cur = self.model.copy()
        lower = self.model
        entries = []
        added_files = []  # names of regular files this layer added
        dot = r.random() < 0.3

        def nm(p):
            if p == "":
                return "./"
            if dot or r.random() < 0.03:
                return "./" + p
            if r.random() < 0.02:
                return "/" + p
            return p

        def emit(e):
            base = e["name"].strip("/").rpartition("/")[2]
            if not base.startswith(WH) and cur.resolve(e["name"]) is None and not self.bad_parent:
                return  # under what the layer made a non-directory: left out
            self.bad_parent = False
            entries.append(e)
            apply_layer(cur, [e])

        if r.random() < 0.07:
            o = self.owner()
            emit(self.entry("d", "./", mode=r.choice(DIR_MODES), **o, **self.mtime()))
        n = r.randint(10, 40) if li == 0 else r.randint(3, 18)
        for _ in range(n):
            op = r.choices(["f", "d", "l", "h", "wh", "opq", "p", "dev", "dup", "swap", "bulk", "etc"],
                           [30, 14, 12, 9, 11, 5, 2, 2, 4, 5, 1, 1])[0]
            if op == "bulk":
                self.bulk(cur, nm, emit)
                continue
            if op == "etc":
                self.etc(cur, nm, emit)
                continue
            if op in ("f", "d", "l", "p", "dev"):
                par = self.parent(cur)
                rp = cur.resolve_dir(par)
                base = self.basename(self.kids(cur, rp) if rp is not None else [])
                p = (par + "/" if par else "") + base
                if op == "f":
                    e = self.entry("f", p, mode=r.choice(FILE_MODES), size=self.data(),
                                   dseed=r.randint(0, 2 ** 31), fill=self.fill(),
                                   **self.owner(), **self.mtime())
                    x = self.xattrs("f")
                    if x:
                        e["xattrs"] = x
                    if r.random() < 0.05:
                        e["k"] = "a"  # typeflag '\0' (old regular)
                    emit(e | {"name": nm(p)})
                    added_files.append(p)
                elif op == "d":
                    e = self.entry("d", nm(p), mode=r.choice(DIR_MODES), **self.owner(), **self.mtime())
                    x = self.xattrs("d")
                    if x:
                        e["xattrs"] = x
                    emit(e)
                elif op == "l":
                    emit(self.entry("l", nm(p), link=self.symtarget(cur, p), **self.owner(), **self.mtime()))
                elif op == "p":
                    emit(self.entry("p", nm(p), mode=r.choice([0o644, 0o600, 0o666]), **self.owner(), **self.mtime()))
                else:
                    if p.split("/")[0] == "dev" or (rp or "").split("/")[0] == "dev":
                        continue
                    emit(self.entry(r.choice("cb"), nm(p), mode=r.choice([0o666, 0o600, 0o660]),
                                    dev=[r.randint(0, 300), r.randint(0, 1 << 12)], **self.owner(), **self.mtime()))
            elif op == "h":
                self.hardlink(cur, lower, entries, added_files, nm, emit)
            elif op == "wh":
                self.whiteout(cur, lower, entries, nm, emit)
            elif op == "opq":
                dirs = [d for d in lower.dirs() if cur.nodes.get(d, {}).get("k") == "d"]
                dirs += [d for d in cur.dirs() if r.random() < 0.3]
                if r.random() < 0.03:
                    emit(self.entry("f", nm(OPQ), size=0, mode=0o644, uid=0, gid=0, mtime=T0))
                elif dirs:
                    emit(self.entry("f", nm(r.choice(dirs) + "/" + OPQ), size=0, mode=0o644,
                                    uid=0, gid=0, mtime=T0))
            elif op == "dup":
                if entries:
                    e = dict(r.choice(entries))
                    if os.path.basename(e["name"].rstrip("/")).startswith(WH) or \
                            e["name"].strip("./") == "":
                        continue
                    if e["k"] in "fa":
                        e["dseed"] = r.randint(0, 2 ** 31)
                        e["size"] = self.data()
                        e["mode"] = r.choice(FILE_MODES)
                    elif e["k"] == "d":
                        e["mode"] = r.choice(DIR_MODES)
                        e.update(self.owner())
                        if r.random() < 0.3:
                            e = self.entry("f", e["name"].rstrip("/"), mode=0o644, size=3,
                                           dseed=1, uid=0, gid=0, mtime=T0)
                    elif r.random() < 0.5:
                        e = self.entry("d", e["name"], mode=0o755, uid=0, gid=0, mtime=T0)
                    emit(e)
            elif op == "swap":
                # type change of a lower layer's path: dir <-> file/symlink
                cands = list(lower.nodes)
                if not cands:
                    continue
                p = r.choice(cands)
                k = lower.nodes[p]["k"]
                if k == "d":
                    if r.random() < 0.5:
                        emit(self.entry("f", nm(p), mode=0o644, size=self.data(), dseed=r.randint(0, 2 ** 31),
                                        **self.owner(), **self.mtime()))
                    else:
                        emit(self.entry("l", nm(p), link=self.symtarget(cur, p), uid=0, gid=0, mtime=T0))
                else:
                    emit(self.entry("d", nm(p), mode=r.choice(DIR_MODES), **self.owner(), **self.mtime()))
                    if r.random() < 0.6:
                        c = p + "/" + self.basename([])
                        emit(self.entry("f", nm(c), mode=0o644, size=self.data(), dseed=r.randint(0, 2 ** 31),
                                        uid=0, gid=0, mtime=T0))
        fmt = r.choices(["pax", "gnu", "ustar"], [7, 2, 1])[0]
        gz = r.choices([False, True, "multi"], [5, 3, 2])[0]
        end = r.choices(["record", "blocks", "none"], [8, 2, 1])[0]
        return {"gzip": gz, "format": fmt, "end": end, "entries": entries}

    def symtarget(self, cur, p):
        r = self.r
        c = r.random()
        paths = list(cur.nodes)
        if c < 0.3 and paths:
            return "/" + r.choice(paths)
        if c < 0.6 and paths:
            t = r.choice(paths)
            depth = p.count("/")
            return "../" * depth + t if r.random() < 0.7 else "./" + t
        if c < 0.65:
            return r.choice(["/nonexistent", "dangling", "../../../../etc/passwd", "/", ".", ".."])
        if c < 0.7:
            return "/".join("seg%d" % i * r.randint(1, 9) for i in range(r.randint(10, 120)))[:1500]
        if c < 0.8:
            links = [q for q, n in cur.nodes.items() if n["k"] == "l"]
            if links:
                return "/" + r.choice(links)  # a chain
        if c < 0.9:
            return r.choice(BASENAMES)
        return "/" + "/".join(r.choice(["usr", "lib", "a", "b"]) for _ in range(r.randint(1, 4)))

    def hardlink(self, cur, lower, entries, added_files, nm, emit):
        r = self.r
        c = r.random()
        par = self.parent(cur)
        if cur.resolve_dir(par) is None:
            par = ""
        name = (par + "/" if par else "") + self.basename(self.kids(cur, cur.resolve_dir(par)))
        live = [f for f in added_files if cur.nodes.get(cur.resolve(f) or "", {}).get("k") == "f"]
        live += [e["name"].lstrip("/").removeprefix("./") for e in entries if e["k"] == "h" and r.random() < 0.5]
        if c < 0.55 and live:
            tgt = r.choice(live)
        elif c < 0.85:
            files = [p for p, n in lower.nodes.items() if n["k"] == "f" and cur.nodes.get(p, {}).get("k") == "f"]
            if not files:
                return
            tgt = r.choice(files)
            # the layer adds the lower file again, as tar needs it
            o = self.owner()
            emit(self.entry("f", nm(tgt), mode=r.choice(FILE_MODES), size=self.data(),
                            dseed=r.randint(0, 2 ** 31), **o, **self.mtime()))
            added_files.append(tgt)
        elif c < 0.92:
            others = [p for p, n in lower.nodes.items() if n["k"] in "fp"]
            if not others:
                return
            tgt = r.choice(others)  # a lower layer's file only, as some tools write
        else:
            others = [e for e in entries if e["k"] in "lp"]
            if not others:
                return
            tgt = others[-1]["name"].lstrip("./") if others[-1]["name"].startswith("./") else others[-1]["name"]
        rt, rn = cur.resolve(tgt), cur.resolve(name)
        if rt is None or rn is None or rn == rt or rt.startswith(rn + "/") \
                or cur.nodes.get(rt, {"k": "d"})["k"] == "d":
            return
        # the link's header carries its file's owner and mode, as tar writes it
        src = next((e for e in reversed(entries) if e["name"].lstrip("/").removeprefix("./") == tgt), None)
        kw = {k: src[k] for k in ("uid", "gid", "mode", "mtime") if src and k in src}
        kw.setdefault("uid", 0)
        kw.setdefault("gid", 0)
        emit(self.entry("h", nm(name), link=nm(tgt) if r.random() < 0.8 else tgt, **kw))

    def whiteout(self, cur, lower, entries, nm, emit):
        r = self.r
        c = r.random()
        if c < 0.55 and lower.nodes:
            # mostly leaves: a whole directory now and then
            leaves = [q for q, n in lower.nodes.items() if n["k"] != "d"]
            p = r.choice(leaves if leaves and r.random() < 0.75 else list(lower.nodes))
        elif c < 0.75 and entries:
            e = r.choice(entries)
            p = e["name"].lstrip("/").removeprefix("./").rstrip("/")
            if not p or os.path.basename(p).startswith(WH):
                return
        elif c < 0.9:
            d = r.choice(cur.dirs() + [""])
            p = (d + "/" if d else "") + r.choice(["never", "ghost", "a", "zz"])
        else:
            p = "nodir%d/%s" % (r.randint(0, 3), r.choice(["x", "y"]))
        head, _, base = p.rpartition("/")
        w = (head + "/" if head else "") + WH + base
        if len(WH + base) > 255:
            return
        emit(self.entry("f", nm(w), size=0, mode=r.choice([0o644, 0o000, 0o600]), uid=0, gid=0, mtime=T0))

    def stack(self):
        nl = self.r.randint(2, 5)
        layers = []
        for li in range(nl):
            lay = self.layer(li)
            layers.append(lay)
            apply_layer(self.model, lay["entries"])
        return {"seed": self.seed, "layers": layers}


# ------------------------------------------------------------ the writer

def content(e):
    size, fill = e.get("size", 0), e.get("fill", "r")
    r = random.Random(e.get("dseed", 0))
    if fill == "z":
        return bytes(size)
    if fill == "t":
        line = ("line %d: the quick brown fox\n" % r.randint(0, 999)).encode()
        return (line * (size // len(line) + 1))[:size]
    if fill == "m":
        out = b"".join(bytes(4096) if r.random() < 0.5 else r.randbytes(4096)
                       for _ in range(size // 4096 + 1))
        return out[:size]
    return r.randbytes(size)


def tarinfo(e, fmt):
    ti = tarfile.TarInfo(e["name"])
    ti.type = {"f": tarfile.REGTYPE, "a": tarfile.AREGTYPE, "d": tarfile.DIRTYPE,
               "l": tarfile.SYMTYPE, "h": tarfile.LNKTYPE, "c": tarfile.CHRTYPE,
               "b": tarfile.BLKTYPE, "p": tarfile.FIFOTYPE}[e["k"]]
    default = 0o755 if e["k"] == "d" else (0o777 if e["k"] == "l" else 0o644)
    ti.mode = e.get("mode", default)
    ti.uid, ti.gid = e.get("uid", 0), e.get("gid", 0)
    ti.uname, ti.gname = e.get("uname", ""), e.get("gname", "")
    ti.mtime = e.get("mtime", T0)
    ti.linkname = e.get("link", "")
    if e["k"] in "cb":
        ti.devmajor, ti.devminor = e["dev"]
    data = None
    if e["k"] in "fa":
        data = content(e)
        ti.size = len(data)
    pax = {}
    if fmt == "pax":
        if "pax_mtime" in e:
            pax["mtime"] = e["pax_mtime"]
        if "pax_atime" in e:  # GNU tar --format=posix writes both
            pax["atime"] = pax["ctime"] = e["pax_atime"]
        for k, v in e.get("xattrs", {}).items():
            pax["SCHILY.xattr." + k] = v
    ti.pax_headers = pax
    return ti, data


TYPEBITS = {"f": 0o100000, "a": 0o100000, "d": 0o040000, "l": 0o120000,
            "h": 0o100000, "p": 0o010000, "c": 0o020000, "b": 0o060000}


def header(e, fmt):
    """An entry's header blocks; with "typebits", the mode field carries
    the file type's S_IF bits too, as old Docker and Go's FileInfoHeader
    users wrote it."""
    tfmt = {"pax": tarfile.PAX_FORMAT, "gnu": tarfile.GNU_FORMAT,
            "ustar": tarfile.USTAR_FORMAT}[fmt]
    ti, data = tarinfo(e, fmt)
    blk = bytearray(ti.tobuf(tfmt, "utf-8", "surrogateescape"))
    if e.get("typebits"):
        h = len(blk) - 512
        blk[h + 100:h + 108] = b"%07o\0" % ((ti.mode | TYPEBITS[e["k"]]) & 0o7777777)
        blk[h + 148:h + 156] = b" " * 8
        blk[h + 148:h + 156] = b"%06o\0 " % sum(blk[h:h + 512])
    return bytes(blk), data


def write_tar(layer):
    fmt = layer["format"]
    for f in (fmt, "pax"):
        out = []
        try:
            for e in layer["entries"]:
                blk, data = header(e, f)
                out.append(blk)
                if data:
                    out.append(data + bytes(-len(data) % 512))
        except ValueError:
            continue  # ustar cannot hold a long name or a big id: pax
        raw = b"".join(out)
        end = layer.get("end", "record")
        if end == "record":  # two zero blocks, padded to 10 KiB (tar's default)
            raw += bytes(1024)
            raw += bytes(-len(raw) % 10240)
        elif end == "blocks":
            raw += bytes(1024)
        # "none": no end-of-archive blocks, as umoci insert 0.4.7 wrote
        return raw
    raise ValueError("layer cannot be written")


def gzip_member(data, extra=None, name=None):
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = comp.compress(data) + comp.flush()
    flg = (4 if extra is not None else 0) | (8 if name else 0)
    h = b"\x1f\x8b\x08" + bytes([flg]) + bytes(5) + b"\xff"
    if extra is not None:
        h += struct.pack("<H", len(extra)) + extra
    if name:
        h += name + b"\0"
    return h + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xffffffff)


def compress(raw, how):
    if how == "multi":
        # several members (pigz --independent, estargz), the first with a
        # file name, and an empty last one with an extra field (estargz's
        # footer)
        r = random.Random(len(raw))
        cuts = sorted(r.sample(range(1, len(raw)), min(5, len(raw) - 1))) if len(raw) > 1 else []
        parts = [raw[a:b] for a, b in zip([0] + cuts, cuts + [len(raw)])]
        return b"".join(gzip_member(p, name=b"layer.tar" if i == 0 else None)
                        for i, p in enumerate(parts)) + \
            gzip_member(b"", extra=b"SG\x16\x00" + b"%016x" % 0 + b"STARGZ")
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0, compresslevel=6) as g:
        g.write(raw)
    return gz.getvalue()


def blob(out, data):
    h = hashlib.sha256(data).hexdigest()
    d = os.path.join(out, "blobs", "sha256")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, h), "wb") as f:
        f.write(data)
    return "sha256:" + h, len(data)


def write_layout(spec, out, tag="t"):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    diff_ids, descs = [], []
    for layer in spec["layers"]:
        raw = write_tar(layer)
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
        if layer.get("gzip"):
            data = compress(raw, layer["gzip"])
            mt = "application/vnd.oci.image.layer.v1.tar+gzip"
        else:
            data, mt = raw, "application/vnd.oci.image.layer.v1.tar"
        dg, sz = blob(out, data)
        descs.append({"mediaType": mt, "digest": dg, "size": sz})
    config = {"architecture": "amd64", "os": "linux",
              "config": {"Cmd": ["/bin/sh"]},
              "rootfs": {"type": "layers", "diff_ids": diff_ids},
              "history": [{"created_by": "random-layers.py layer %d" % i} for i in range(len(descs))]}
    cd, cs = blob(out, json.dumps(config, sort_keys=True).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
                "layers": descs}
    md, ms = blob(out, json.dumps(manifest, sort_keys=True).encode())
    index_path = os.path.join(out, "index.json")
    manifests = []
    if os.path.exists(index_path):
        with open(index_path) as f:
            manifests = [m for m in json.load(f).get("manifests", [])
                         if m.get("annotations", {}).get("org.opencontainers.image.ref.name") != tag]
    manifests.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ms,
                      "annotations": {"org.opencontainers.image.ref.name": tag}})
    with open(index_path, "w") as f:
        json.dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": manifests}, f)
    with open(os.path.join(out, "spec-%s.json" % tag), "w") as f:
        json.dump(spec, f, indent=1, ensure_ascii=False)
    return md


def show(spec, f=sys.stdout):
    for i, layer in enumerate(spec["layers"]):
        print("layer %d (%s%s%s):" % (i, layer["format"], {False: "", True: ", gzip", "multi": ", gzip members"}[layer.get("gzip", False)],
                                       "" if layer.get("end", "record") == "record" else ", end " + layer["end"]), file=f)
        for e in layer["entries"]:
            extra = []
            if e["k"] in "fa":
                extra.append("size=%d" % e.get("size", 0))
            if "mode" in e:
                extra.append("mode=%04o" % e["mode"])
            if e.get("uid") or e.get("gid"):
                extra.append("owner=%d:%d" % (e.get("uid", 0), e.get("gid", 0)))
            if "link" in e:
                extra.append("-> " + repr(e["link"]))
            if "dev" in e:
                extra.append("dev=%d:%d" % tuple(e["dev"]))
            for k, v in e.get("xattrs", {}).items():
                extra.append("xattr %s=%s" % (k, v.encode("latin-1", "replace").hex()[:16]
                                                if k.startswith("security") else v[:12]))
            if "pax_mtime" in e:
                extra.append("mtime=" + e["pax_mtime"])
            elif e.get("mtime", T0) != T0:
                extra.append("mtime=%d" % e["mtime"])
            print("  %s %r %s" % (e["k"], e["name"], " ".join(extra)), file=f)


# ------------------------------------------------------------ minimising

def minimise(spec, outspec, cmd, workdir):
    tries = [0]

    def still(s):
        tries[0] += 1
        lay = os.path.join(workdir, "min-%d" % tries[0])
        write_layout(s, lay)
        try:
            return subprocess.run(cmd + [lay], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL).returncode == 0
        finally:
            subprocess.run(["rm", "-rf", lay])

    if not still(spec):
        sys.exit("minimise: the full stack does not show the difference")
    best = copy.deepcopy(spec)
    changed = True
    while changed:
        changed = False
        # whole layers
        for i in range(len(best["layers"]) - 1, -1, -1):
            if len(best["layers"]) == 1:
                break
            s = copy.deepcopy(best)
            del s["layers"][i]
            if still(s):
                best, changed = s, True
        # runs of entries, then single entries
        for li in range(len(best["layers"])):
            chunk = max(1, len(best["layers"][li]["entries"]) // 2)
            while chunk >= 1:
                i = 0
                while i < len(best["layers"][li]["entries"]):
                    s = copy.deepcopy(best)
                    del s["layers"][li]["entries"][i:i + chunk]
                    if still(s):
                        best, changed = s, True
                    else:
                        i += chunk
                chunk //= 2
        # attributes: plain values
        for li, layer in enumerate(best["layers"]):
            for ei in range(len(layer["entries"])):
                for key, plain in (("xattrs", None), ("pax_mtime", None), ("mtime", T0), ("uid", 0),
                                   ("gid", 0), ("size", 1), ("mode", None)):
                    e = best["layers"][li]["entries"][ei]
                    if key not in e or e[key] == plain:
                        continue
                    s = copy.deepcopy(best)
                    if plain is None:
                        del s["layers"][li]["entries"][ei][key]
                    else:
                        s["layers"][li]["entries"][ei][key] = plain
                    if still(s):
                        best, changed = s, True
            for key, plain in (("gzip", False), ("format", "pax")):
                if best["layers"][li].get(key) != plain:
                    s = copy.deepcopy(best)
                    s["layers"][li][key] = plain
                    if still(s):
                        best, changed = s, True
    with open(outspec, "w") as f:
        json.dump(best, f, indent=1, ensure_ascii=False)
    show(best)
    print("(%d tries)" % tries[0])


def kinds(spec):
    """The kinds of entry and layer a stack draws."""
    f = set()
    for layer in spec["layers"]:
        f |= {"fmt_" + layer["format"], "gzip_" + str(layer.get("gzip")).lower(),
              "end_" + layer.get("end", "record")}
        for e in layer["entries"]:
            name = e["name"].rstrip("/")
            base = name.rpartition("/")[2]
            bare = name.lstrip("/").removeprefix("./")
            if base == OPQ:
                f.add("opq_root" if bare == OPQ else "opq")
            elif base.startswith(WH):
                f.add("wh_long" if len(base.encode()) > 255 else "wh")
            else:
                f.add("k_" + e["k"])
            x = e.get("xattrs", {})
            f |= {"cap"} if "security.capability" in x else set()
            f |= {"userx"} if any(k.startswith("user.") for k in x) else set()
            f |= {"trustedx"} if any(k.startswith("trusted.") for k in x) else set()
            for flag, cond in (("long", len(e["name"].encode()) > 100),
                               ("special_mode", e.get("mode", 0) & 0o7000),
                               ("big_id", e.get("uid", 0) > 2097151),
                               ("root", bare in ("", ".")), ("typebits", e.get("typebits")),
                               ("uname", e.get("uname")), ("big", e.get("size", 0) >= 200000),
                               ("bulk", "/bulk" in "/" + bare), ("atime", "pax_atime" in e),
                               ("zeros", e.get("fill") in ("m", "z"))):
                if cond:
                    f.add(flag)
    m = Model()
    for layer in spec["layers"]:
        apply_layer(m, layer["entries"])
    for name in ("etc/passwd", "etc/group"):
        k = m.nodes.get(name, {"k": "f"})["k"]
        if k != "f":
            f.add("etc_" + name[4:] + "_" + k)
    return sorted(f)


def main(argv):
    if len(argv) >= 3 and argv[1] == "seed":
        spec = Gen(int(argv[2])).stack()
        print(write_layout(spec, argv[3], argv[4] if len(argv) > 4 else "t"))
    elif len(argv) >= 4 and argv[1] == "spec":
        with open(argv[2]) as f:
            spec = json.load(f)
        print(write_layout(spec, argv[3], argv[4] if len(argv) > 4 else "t"))
    elif len(argv) == 4 and argv[1] == "kinds":
        for seed in range(int(argv[2]), int(argv[3]) + 1):
            print(seed, " ".join(kinds(Gen(seed).stack())))
    elif len(argv) == 3 and argv[1] == "show":
        with open(argv[2]) as f:
            show(json.load(f))
    elif len(argv) >= 5 and argv[1] == "minimise":
        with open(argv[2]) as f:
            spec = json.load(f)
        wd = os.path.dirname(os.path.abspath(argv[3]))
        minimise(spec, argv[3], argv[4:], wd)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
