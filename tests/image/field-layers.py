#!/usr/bin/env python3
# field-layers.py OUT [CASE...]: writes OUT/CASE/N.tar, the layers of each
# case (all without CASE) and prints the case names.  Layers of the kinds
# field reports were about (issue 11): hardlinks through symlinks and
# across whiteouts, type changes across layers, whiteouts through
# symlinked parents, "./" names mixed with bare ones, duplicates, a
# directory's entry after its children, long names, special mode bits.
# Tier 60 pulls each and compares the root volume with umoci unpack.
import io, os, sys, tarfile
out = sys.argv[1]
only = sys.argv[2:]
T = 1600000000
def E(name, kind="f", data=b"", mode=None, uid=0, gid=0, link="", mtime=T, pax=None, size=None, dev=(0,0)):
    ti = tarfile.TarInfo(name)
    ti.type = {"f": tarfile.REGTYPE, "d": tarfile.DIRTYPE, "l": tarfile.SYMTYPE,
               "h": tarfile.LNKTYPE, "c": tarfile.CHRTYPE, "p": tarfile.FIFOTYPE,
               "a": tarfile.AREGTYPE}[kind]
    if mode is None:
        mode = 0o755 if kind == "d" else (0o777 if kind == "l" else 0o644)
    ti.mode, ti.uid, ti.gid, ti.mtime = mode, uid, gid, mtime
    ti.uname = ti.gname = ""
    ti.linkname = link
    ti.devmajor, ti.devminor = dev
    ti.size = len(data) if kind in "fa" else 0
    ti.pax_headers = pax or {}
    return (ti, data if kind in "fa" else None)
F = lambda n, data=b"x", **k: E(n, "f", data, **k)
D = lambda n, **k: E(n, "d", **k)
L = lambda n, t, **k: E(n, "l", link=t, **k)
H = lambda n, t, **k: E(n, "h", link=t, **k)
W = lambda n, **k: E(n, "f", b"", **k)
cases = {}
def case(name, *layers): cases[name] = layers

case("hl-via-abs-symlink", [D("usr"), D("usr/lib"), F("usr/lib/f", b"lib"), L("lib", "/usr/lib")],
     [H("x", "lib/f")])
case("hl-target-wh-same-layer-after", [D("a"), F("a/f", b"low")], [H("h", "a/f"), W("a/.wh.f")])
case("hl-target-replaced-later", [F("f", b"A")], [H("h", "f"), F("f", b"B")])
case("hl-xattr-caps", [F("bin", b"ELF", mode=0o755, pax={"SCHILY.xattr.security.capability": "\x01\x00\x00\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", "SCHILY.xattr.user.k": "v"}), H("bin2", "bin")])
case("hl-dotdot-target", [D("d"), F("d/a", b"A"), H("b", "d/../d/a"), H("c", "../../d/a")])
case("symlink-then-dir", [D("t"), F("t/in", b"i"), L("s", "t")], [D("s", mode=0o700), F("s/n", b"n")])
case("dir-then-symlink", [D("s"), F("s/old", b"o"), D("t")], [L("s", "t")])
case("file-then-dir", [F("x", b"f")], [D("x", mode=0o711), F("x/c", b"c")])
case("dir-then-file", [D("x"), D("x/sub"), F("x/sub/c", b"c")], [F("x", b"now a file")])
case("wh-via-symlink-parent", [D("real"), F("real/a", b"a"), F("real/b", b"b"), L("ln", "/real")], [W("ln/.wh.a")])
case("opq-via-symlink-parent", [D("real"), F("real/a", b"a"), L("ln", "/real")], [F("ln/new", b"n"), W("ln/.wh..wh..opq")])
case("opq-implicit-parent", [D("a"), F("a/old", b"o")], [F("a/b/f", b"f"), W("a/b/.wh..wh..opq"), W("a/.wh..wh..opq")])
case("wh-dotslash-mixed", [D("a"), F("a/f", b"f"), F("a/g", b"g")], [W("./a/.wh.f"), F("./a/h", b"h"), W("a/.wh..wh..opq")])
case("wh-hardlinked-own", [F("f", b"low")], [F("g", b"own"), H("f", "g"), W(".wh.f")])
case("dotslash-mixed-dup", [D("./a"), F("a/f", b"1"), F("./a/f", b"2"), D("a/", mode=0o700)])
case("dup-file-file", [F("f", b"1", mode=0o600), F("f", b"22", mode=0o640, uid=7)])
case("dup-dir-file", [D("f"), F("f/c", b"c"), F("f", b"1")])
case("dir-after-children", [F("d/e/f", b"f"), D("d/e", mode=0o700, uid=5, gid=6, mtime=T-1000), D("d", mode=0o711, uid=7, gid=8, mtime=T-2000)])
case("trailing-slash-areg", [E("f/", "a", b"")])
case("trailing-slash-symlink", [D("t"), L("s/", "t")])
case("dotdot-inside", [D("a"), F("a/../b", b"b"), F("x/y/../z", b"z")])
case("dotdot-via-symlink", [D("r"), D("r/s"), L("ln", "/r/s"), F("ln/../x", b"x")])
case("pax-long", [D("d" * 120), F("d" * 120 + "/" + "f" * 200, b"long"), L("l" * 150, "/" + "d" * 120 + "/" + "f" * 200), H("h" * 180, "d" * 120 + "/" + "f" * 200)])
case("gnu-long", [D("d" * 120), F("d" * 120 + "/" + "f" * 200, b"long"), L("l" * 150, "x" * 180)])
case("modes-special", [F("suid", b"s", mode=0o4755, uid=0), F("sgid", b"g", mode=0o2755, gid=50), D("tmp", mode=0o1777), D("sgdir", mode=0o2775, gid=50), F("sgdir/inh", b"i"), F("both", mode=0o6711, uid=1000, gid=1000)])
case("suid-owned", [F("suid", b"s", mode=0o4750, uid=1234, gid=5678)])
case("symlink-deep", [D("z"), ] + [L("s%d" % i, "s%d" % (i + 1)) for i in range(30)] + [L("s30", "/z")], [F("s0/x", b"x")])

for name, layers in cases.items():
    if only and name not in only:
        continue
    d = f"{out}/{name}"
    os.makedirs(d, exist_ok=True)
    fmt = tarfile.GNU_FORMAT if name.startswith("gnu") else tarfile.PAX_FORMAT
    for i, entries in enumerate(layers):
        with tarfile.open(f"{d}/{i}.tar", "w", format=fmt) as t:
            for ti, data in entries:
                t.addfile(ti, io.BytesIO(data) if data is not None else None)
print(" ".join(n for n in cases if not only or n in only))
