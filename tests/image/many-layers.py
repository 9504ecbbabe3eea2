#!/usr/bin/env python3
"""many-layers.py N OUT [TAG]: an OCI layout OUT holding one image of N
layers (plain tar), tagged TAG (default "t"), for the bundle path with
more layers than containerd mounts by absolute paths (an overlay's
options over a page; docs/decisions.md, "Bundle rootfs: many layers").

Layer 0 holds /etc/passwd, /etc/group, /bin/sh (a text file) and the
directories every layer adds to (/l, /o).  Layer i (1..N-1) adds /l/i,
and by turns: a directory of its own holding a whiteout of a name no
layer has (containerd writes it; overlayfs lists it there but cannot look
it up: image/bundle_ghosts.h), a whiteout of the previous layer's /l
file, an opaque /o holding only its own file.  Deterministic: the same N
gives the same bytes.  Python 3 standard library only.
"""
import hashlib
import io
import json
import os
import sys
import tarfile

T = 1600000000


def entry(tf, name, kind="f", data=b"", mode=0o644):
    ti = tarfile.TarInfo(name)
    ti.mtime = T
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ""
    if kind == "d":
        ti.type, ti.mode = tarfile.DIRTYPE, 0o755
        tf.addfile(ti)
    else:
        ti.mode, ti.size = mode, len(data)
        tf.addfile(ti, io.BytesIO(data))


def layer(i, n):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        if i == 0:
            for d in ("etc", "bin", "l", "o"):
                entry(tf, d + "/", "d")
            entry(tf, "etc/passwd", data=b"root:x:0:0:root:/root:/bin/sh\n")
            entry(tf, "etc/group", data=b"root:x:0:\n")
            entry(tf, "bin/sh", data=b"#!/bin/true\n", mode=0o755)
            entry(tf, "o/base", data=b"base\n")
        else:
            entry(tf, "l/", "d")
            entry(tf, "l/%d" % i, data=b"layer %d\n" % i)
            if i % 3 == 1:
                entry(tf, "g%d/" % i, "d")
                entry(tf, "g%d/.wh.never" % i)
                entry(tf, "g%d/kept" % i, data=b"kept %d\n" % i)
            elif i % 3 == 2:
                entry(tf, "l/.wh.%d" % (i - 1))
            else:
                entry(tf, "o/", "d")
                entry(tf, "o/.wh..wh..opq")
                entry(tf, "o/only-%d" % i, data=b"opaque %d\n" % i)
    return buf.getvalue()


def put(out, data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(out, "blobs", "sha256", d), "wb") as f:
        f.write(data)
    return "sha256:" + d, len(data)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n, out = int(sys.argv[1]), sys.argv[2]
    tag = sys.argv[3] if len(sys.argv) > 3 else "t"
    os.makedirs(os.path.join(out, "blobs", "sha256"), exist_ok=True)
    layers, diffs = [], []
    for i in range(n):
        dg, sz = put(out, layer(i, n))
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar",
                       "digest": dg, "size": sz})
        diffs.append(dg)
    cfg = json.dumps({"architecture": "amd64", "os": "linux",
                      "config": {"Cmd": ["/bin/sh"]},
                      "rootfs": {"type": "layers", "diff_ids": diffs}},
                     sort_keys=True).encode()
    cd, cs = put(out, cfg)
    man = json.dumps({"schemaVersion": 2,
                      "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                 "digest": cd, "size": cs},
                      "layers": layers}, sort_keys=True).encode()
    md, ms = put(out, man)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion": "1.0.0"}')
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json",
             "digest": md, "size": ms,
             "annotations": {"org.opencontainers.image.ref.name": tag}}]}, f)


main()
