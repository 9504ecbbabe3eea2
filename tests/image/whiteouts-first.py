#!/usr/bin/env python3
"""whiteouts-first.py LAYOUT TAG OUT: copies the image LAYOUT:TAG to the OCI
layout OUT (tag TAG), each layer's plain whiteouts moved before the
layer's own entry of the same name, and a copy of the lower layer's file
added before each hardlink to it.

The OCI image spec says a whiteout applies only to lower layers, wherever
it stands in its own layer, so both orders mean the same image; but
containerd's applier (1.6, and later) makes a whiteout a character
device in the snapshot and fails with "failed to convert whiteout file
...: file exists" when the layer wrote that name first; and it links a
hardlink's target within the layer's own snapshot only ("link ...: no
such file or directory" for a file of a lower layer), where `docker
build` always puts the target beside the link (its nlink changed).  The
copy is the same file (content, mode, owner, times, xattrs), so the
merged tree is the same.  The rewritten
image is one containerd unpacks, with the same meaning, for comparisons
of the two ways in (tests/image/bundle-vs-pull.sh).  Layers with nothing
to move keep their blobs; a moved one is written again as a pax tar with
every header field Python's tarfile keeps (xattrs, times, owners), gzip.
Writes OUT/hardlinked, the names hardlink entries of any layer gave or
linked to, one a line ("./PATH").  Prints "moved N" (whiteouts moved,
files copied, entries renamed or given their file's header).  Python 3 standard library only.
"""
import copy
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile


def blob_path(lay, d):
    return os.path.join(lay, "blobs", *d.split(":", 1))


def put(out, data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    p = blob_path(out, d)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)
    return d, len(data)


def norm(name):
    while name.startswith("./"):
        name = name[2:]
    return name.rstrip("/")


def resolve(name, links, own):
    """`name` with its parent directories resolved through the lower
    layers' symlinks `links` (path -> target) inside the root, as xl-oci
    and umoci resolve them; names the layer itself made are not lower."""
    parts = [c for c in name.split("/") if c not in ("", ".")]
    cur, hops = [], 0
    i = 0
    while i < len(parts) - 1:
        cand = "/".join(cur + [parts[i]])
        if cand in links and cand not in own and hops < 40:
            hops += 1
            t = links[cand]
            base = [] if t.startswith("/") else list(cur)
            for c in t.split("/"):
                if c in ("", "."):
                    continue
                if c == "..":
                    if base:
                        base.pop()
                else:
                    base.append(c)
            # The resolved target may itself pass through a symlink.
            parts = base + parts[i + 1:]
            cur, i = [], 0
            continue
        cur.append(parts[i])
        i += 1
    return "/".join(cur + parts[-1:])


def rewrite(raw, lower, links):
    """The layer with late whiteouts moved and copies of lower files that
    its hardlinks name, or None when it needs neither; `lower` (path ->
    (member, data) of regular files) is updated with this layer's."""
    tf = tarfile.open(fileobj=io.BytesIO(raw), mode="r:*")
    members = tf.getmembers()
    for m in members:
        if m.islnk():
            linked.update((norm(m.name), norm(m.linkname)))
    renamed = 0
    own = set()
    for m in members:
        n = resolve(norm(m.name), links, own)
        if n != norm(m.name):
            m.name = n + ("/" if m.isdir() else "")
            renamed += 1
        own.add(n)
    for m in members:
        d, _, b = norm(m.name).rpartition("/")
        if b == ".wh..wh..opq":
            for k in [k for k in links if k.startswith(d + "/" if d else "")]:
                del links[k]
        elif b.startswith(".wh."):
            t = (d + "/" if d else "") + b[4:]
            for k in [k for k in links if k == t or k.startswith(t + "/")]:
                del links[k]
        elif m.issym():
            links[norm(m.name)] = m.linkname
        else:
            links.pop(norm(m.name), None)
    own = set()
    copies = {}  # index of a hardlink -> the lower file it names
    mine = {}  # this layer's regular files so far
    for i, m in enumerate(members):
        if m.isreg():
            mine[norm(m.name)] = m
        if m.islnk() and norm(m.linkname) in mine:
            src = mine[norm(m.linkname)]
        elif m.islnk() and norm(m.linkname) in lower:
            src = lower[norm(m.linkname)][0]
        else:
            src = None
        if m.islnk() and norm(m.linkname) not in own and norm(m.linkname) in lower:
            copies[i] = lower[norm(m.linkname)]
        if src is not None:
            # The link entry as tar writers write it: its file's mode,
            # owner and times (containerd applies a link entry's own to
            # the file, xl-oci and umoci do not: docs/decisions.md).
            f = src
            if (m.mode, m.uid, m.gid, m.mtime) != (f.mode, f.uid, f.gid, f.mtime):
                m.mode, m.uid, m.gid, m.mtime = f.mode, f.uid, f.gid, f.mtime
                ph = {k: v for k, v in m.pax_headers.items()
                      if k not in ("mtime", "atime", "ctime", "uid", "gid")}
                # The file's own pax values: a float loses nanoseconds.
                ph.update({k: f.pax_headers[k] for k in ("mtime", "uid", "gid")
                           if k in f.pax_headers})
                m.pax_headers = ph
                renamed += 1
        own.add(norm(m.name))
    for m in members:
        if m.isreg():
            lower[norm(m.name)] = (m, tf.extractfile(m).read())
        elif m.islnk() and norm(m.linkname) in lower:
            lower[norm(m.name)] = lower[norm(m.linkname)]
    first = {}
    for i, m in enumerate(members):
        first.setdefault(norm(m.name), i)
    late = {}  # index of the entry the whiteout must precede -> whiteouts
    moved = set()
    for i, m in enumerate(members):
        d, _, b = norm(m.name).rpartition("/")
        if b.startswith(".wh.") and b != ".wh..wh..opq":
            target = (d + "/" if d else "") + b[4:]
            j = first.get(target)
            if j is not None and j < i:
                late.setdefault(j, []).append(i)
                moved.add(i)
    if not moved and not copies and not renamed:
        return None, 0
    buf = io.BytesIO()
    out = tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT)
    for i, m in enumerate(members):
        for w in late.get(i, []):
            out.addfile(members[w])
        if i in moved:
            continue
        if i in copies:
            c, data = copies[i]
            c = copy.copy(c)
            c.name = m.linkname
            out.addfile(c, io.BytesIO(data))
        out.addfile(m, tf.extractfile(m) if m.isreg() else None)
    out.close()
    return buf.getvalue(), len(moved) + len(copies) + renamed


linked = set()


def escape(name):
    """A path as xl-oci-treedump writes it: \\ooo for each byte outside
    printable ASCII, and for space, backslash and '='."""
    return "".join(chr(b) if 0x21 <= b <= 0x7e and b not in b"\\=" else "\\%03o" % b
                   for b in name.encode("utf-8", "surrogateescape"))


def main():
    lay, tag, out = sys.argv[1:4]
    idx = json.load(open(os.path.join(lay, "index.json")))
    desc = next(m for m in idx["manifests"]
                if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
    man = json.load(open(blob_path(lay, desc["digest"])))
    cfg = json.load(open(blob_path(lay, man["config"]["digest"])))
    os.makedirs(out, exist_ok=True)
    total = 0
    lower, links = {}, {}
    for n, l in enumerate(man["layers"]):
        raw = open(blob_path(lay, l["digest"]), "rb").read()
        plain = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        new, k = rewrite(plain, lower, links)
        if new is None:
            os.makedirs(os.path.dirname(blob_path(out, l["digest"])), exist_ok=True)
            shutil.copyfile(blob_path(lay, l["digest"]), blob_path(out, l["digest"]))
            continue
        total += k
        cfg["rootfs"]["diff_ids"][n] = "sha256:" + hashlib.sha256(new).hexdigest()
        d, s = put(out, gzip.compress(new, mtime=0))
        man["layers"][n] = {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                            "digest": d, "size": s}
    cd, cs = put(out, json.dumps(cfg).encode())
    man["config"] = dict(man["config"], digest=cd, size=cs)
    md, ms = put(out, json.dumps(man).encode())
    with open(os.path.join(out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": man.get("mediaType", "application/vnd.oci.image.manifest.v1+json"),
             "digest": md, "size": ms,
             "annotations": {"org.opencontainers.image.ref.name": tag}}]}, f)
    # Every name a hardlink entry of any layer gave, or linked to: the
    # files containerd applied a link entry's header to.
    with open(os.path.join(out, "hardlinked"), "w") as f:
        for n in sorted(linked):
            f.write("./" + escape(n) + "\n")
    print("moved", total)


main()
