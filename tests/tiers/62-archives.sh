#!/bin/bash
# Tier 62: image archives -- oci-archive:FILE[:NAME] (an OCI layout in a
# tar, as skopeo writes it) and docker-archive:FILE[:REF|:@N] (`docker
# save`'s format, written here by skopeo, by hand in Docker 25's form, and
# compressed as `docker load` takes it).  Each pull is compared with the
# same image pulled from its OCI layout (the root volume's tree, its
# image config); then hostile archives: tampered, truncated, links out of
# the archive or in a loop, names twice, wrong counts, not a tar, a FIFO.
# Needs root (mount).
set -u
TIER=62-archives
. tests/tiers/lib.sh
top=$(pwd)
if [ "$(id -u)" != 0 ]; then echo "ok - $TIER # SKIP needs root (mount)"; exit 0; fi
tier_need skopeo umoci erofs-utils jq python3 attr xz-utils valgrind
XO=$top/build/xl-oci
[ -x "$XO" ] || { nok "build/xl-oci (run make)"; exit 1; }
IMG=${XL_OCI_CACHE:-/var/cache/xl-oci}/test-images
if ! tools/mkimage/mkimage.sh build "$IMG" >/dev/null 2>&1; then
    nok "build test images (tools/mkimage/mkimage.sh)"; exit 1
fi
L=$IMG/layout

T=$(mktemp -d /tmp/xl-oci-t62.XXXXXX)
A=$T/a
MNT=$T/mnt
mkdir -p "$A" "$MNT"
cleanup() {
    mountpoint -q "$MNT" && umount "$MNT"
    rm -rf "$T"
}
trap cleanup EXIT
R=$T/root
xo() { "$XO" --root "$R" "$@"; }

# tree ROOT DIGEST: the tree of that root volume (tests/image/treelist.sh).
tree() {
    mount -t erofs -o loop,ro "$1/volumes/sha256/${2#sha256:}/rootfs.erofs" "$MNT" || return 1
    tests/image/treelist.sh "$MNT"
    umount "$MNT"
}
# same_image DESC REF TAG: REF pulls to a root volume holding the tree and
# the image config of the layout's TAG.  REF is pulled into a root of its
# own: in a shared one, blobs and root volumes of an earlier pull of the
# same layers would be taken, and REF's own entries never read.
same_image() {
    local d=$1 ref=$2 tag=$3 ours theirs r=$T/r.$RANDOM
    theirs=$(xo pull -q "oci:$L:$tag") || { nok "$d: pull of the layout"; return; }
    if ! ours=$("$XO" --root "$r" pull -q "$ref" 2>"$T/err"); then
        sed 's/^/# /' "$T/err"; nok "$d: pull"; rm -rf "$r"; return
    fi
    if ! { tree "$R" "$theirs" >"$T/theirs" && tree "$r" "$ours" >"$T/ours"; }; then
        nok "$d: mount"; rm -rf "$r"; return
    fi
    if ! diff -u "$T/theirs" "$T/ours" >"$T/diff"; then
        sed 's/^/# /' "$T/diff" | head -20; nok "$d: the trees differ"
    elif ! cmp -s "$R/volumes/sha256/${theirs#sha256:}/image-config.json" \
                  "$r/volumes/sha256/${ours#sha256:}/image-config.json"; then
        nok "$d: the image configs differ"
    else
        ok "$d ($(wc -l <"$T/ours") entries)"
    fi
    rm -rf "$r"
}
# stores_nothing DESC PATTERN REF: the pull fails saying PATTERN (ERE) and
# leaves no name, root volume or temporary file in a root of its own.
stores_nothing() {
    local d=$1 pat=$2 ref=$3 r=$T/r.$RANDOM
    if timeout 60 "$XO" --root "$r" pull -q "$ref" >"$T/out" 2>&1; then
        nok "$d (succeeded)"
    elif ! grep -Eq -- "$pat" "$T/out"; then
        sed 's/^/# /' "$T/out"; nok "$d (no \"$pat\")"
    elif [ -n "$(ls -A "$r/refs" "$r/volumes/sha256" "$r/tmp" 2>/dev/null | grep -v ':$' | grep .)" ]; then
        ls -lR "$r" | sed 's/^/# /' | head -20; nok "$d: something was left"
    else
        ok "$d"
    fi
    rm -rf "$r"
}

# --- archives as skopeo writes them ---------------------------------------
skopeo copy -q "oci:$L:small" "oci-archive:$A/small-oci.tar:small" >/dev/null 2>&1
skopeo copy -q "oci:$L:multi" "oci-archive:$A/multi-oci.tar" >/dev/null 2>&1
skopeo copy -q "oci:$L:multi" "docker-archive:$A/multi-docker.tar:localhost/multi:v1" >/dev/null 2>&1
skopeo copy -q "oci:$L:small" "docker-archive:$A/small-docker.tar:busybox" >/dev/null 2>&1
for f in small-oci multi-oci multi-docker small-docker; do
    [ -s "$A/$f.tar" ] || nok "skopeo wrote $f.tar"
done
small=$(xo pull -q "oci:$L:small")
same_image "oci-archive: the same manifest digest and tree as the layout" \
    "oci-archive:$A/small-oci.tar:small" small
check "oci-archive: the manifest digest is the layout's" \
    test "$(xo pull -q "oci-archive:$A/small-oci.tar:small")" = "$small"
check "oci-archive without a name: the archive's only image" \
    test "$(xo pull -q "oci-archive:$A/small-oci.tar")" = "$small"
fails_with "oci-archive: a name the index lacks is named" '"nosuch"' \
    xo pull -q "oci-archive:$A/small-oci.tar:nosuch"
same_image "oci-archive: 3 layers with whiteouts" "oci-archive:$A/multi-oci.tar" multi
same_image "docker-archive as skopeo writes it: 3 layers with whiteouts" \
    "docker-archive:$A/multi-docker.tar" multi
for sel in localhost/multi:v1 @0; do
    same_image "docker-archive:FILE:$sel picks the image" "docker-archive:$A/multi-docker.tar:$sel" multi
done
same_image "docker-archive: \"busybox\" is busybox:latest, as docker save names it" \
    "docker-archive:$A/small-docker.tar:docker.io/library/busybox:latest" small
check "images lists the archive's name" \
    sh -c "'$XO' --root '$R' pull -q 'docker-archive:$A/multi-docker.tar:localhost/multi:v1' >/dev/null &&
           '$XO' --root '$R' images | grep -q '^docker-archive:$A/multi-docker.tar:localhost/multi:v1 '"

# --- two images in one archive (docker save a b) --------------------------
mkdir -p "$T/two"
(cd "$T/two" && tar xf "$A/small-docker.tar" && tar xf "$A/multi-docker.tar" manifest.json -O >"$T/m2.json" &&
 tar xf "$A/multi-docker.tar" --exclude manifest.json --exclude repositories)
jq -s '.[0] + .[1]' "$T/two/manifest.json" "$T/m2.json" >"$T/two/m.json" && mv "$T/two/m.json" "$T/two/manifest.json"
(cd "$T/two" && tar cf "$A/two.tar" .)
fails_with "docker-archive of two images, none named: both listed, and how to name one" \
    "2 images (@0 docker.io/library/busybox:latest, @1 localhost/multi:v1): name one" xo pull -q "docker-archive:$A/two.tar"
same_image "docker-archive of two images: the second by its tag" "docker-archive:$A/two.tar:localhost/multi:v1" multi
same_image "docker-archive of two images: the first by @0" "docker-archive:$A/two.tar:@0" small
jq '.[1].RepoTags = .[0].RepoTags' "$T/two/manifest.json" >"$T/m-same.json"
cp -r "$T/two" "$T/two-same" && mv "$T/m-same.json" "$T/two-same/manifest.json"
(cd "$T/two-same" && tar cf "$A/two-same.tar" .)
fails_with "docker-archive: two images of one tag: refused, both listed" \
    'more than one image is tagged "busybox" (it holds @0 docker.io/library/busybox:latest, @1 docker.io/library/busybox:latest)' \
    xo pull -q "docker-archive:$A/two-same.tar:busybox"
fails_with "docker-archive: an index past the end" "no image @2 (it holds 2, from @0)" \
    xo pull -q "docker-archive:$A/two.tar:@2"
fails_with "docker-archive: a tag no image has, the images listed" 'no image tagged "app:v2"' \
    xo pull -q "docker-archive:$A/two.tar:app:v2"
fails_with "docker-archive: a selector that is neither a reference nor @N" 'is neither an image' \
    xo pull -q "docker-archive:$A/two.tar:Bad Ref"

# --- Docker 25's docker save: an OCI layout beside manifest.json, every
# file (uncompressed layers too) at blobs/sha256/<hex>, names with "./".
D=$T/d25
mkdir -p "$D/x" "$D/o/blobs/sha256"
tar xf "$A/multi-docker.tar" -C "$D/x"
python3 - "$D/x" "$D/o" <<'PY'
import hashlib, json, os, shutil, sys
x, o = sys.argv[1:3]
m = json.load(open(os.path.join(x, "manifest.json")))[0]
def put(path):
    data = open(os.path.join(x, path), "rb").read()
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(o, "blobs/sha256", h), "wb").write(data)
    return h, len(data)
ch, cs = put(m["Config"])
layers = [put(l) for l in m["Layers"]]
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + ch, "size": cs},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": "sha256:" + h, "size": n}
               for h, n in layers]}).encode()
mh = hashlib.sha256(man).hexdigest()
open(os.path.join(o, "blobs/sha256", mh), "wb").write(man)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": "sha256:" + mh, "size": len(man),
    "annotations": {"io.containerd.image.name": "docker.io/library/multi:latest",
                    "org.opencontainers.image.ref.name": "latest"}}]},
    open(os.path.join(o, "index.json"), "w"))
open(os.path.join(o, "oci-layout"), "w").write('{"imageLayoutVersion": "1.0.0"}')
json.dump([{"Config": "blobs/sha256/" + ch, "RepoTags": ["multi:latest"],
            "Layers": ["blobs/sha256/" + h for h, _ in layers]}],
          open(os.path.join(o, "manifest.json"), "w"))
PY
(cd "$D/o" && tar cf "$A/d25.tar" .)
same_image "docker-archive in Docker 25's form (blobs/sha256, ./ names)" "docker-archive:$A/d25.tar:multi" multi
same_image "the same file as an oci-archive" "oci-archive:$A/d25.tar:latest" multi

# --- Docker 25's docker save of two images of one tag (small:1 multi:1,
# then small multi): index.json gives each the tag alone as ref.name, its
# whole name as io.containerd.image.name, and its platform.  The name
# picks by the whole name; the tag alone is refused naming both (the
# first was taken).
d25_two() { # TAG OUT.tar
    rm -rf "$D/t" && mkdir -p "$D/t/s" "$D/t/m" "$D/t/o/blobs/sha256"
    tar xf "$A/small-docker.tar" -C "$D/t/s" && tar xf "$A/multi-docker.tar" -C "$D/t/m"
    python3 - "$D/t" "$1" <<'PY'
import hashlib, json, os, sys
t, tag = sys.argv[1:3]
o = os.path.join(t, "o")
def put(data):
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(o, "blobs/sha256", h), "wb").write(data)
    return h, len(data)
index, saved = [], []
for sub, name in (("s", "small"), ("m", "multi")):
    x = os.path.join(t, sub)
    m = json.load(open(os.path.join(x, "manifest.json")))[0]
    ch, cs = put(open(os.path.join(x, m["Config"]), "rb").read())
    layers = [put(open(os.path.join(x, l), "rb").read()) for l in m["Layers"]]
    mh, ms = put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + ch, "size": cs},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": "sha256:" + h, "size": n}
                   for h, n in layers]}).encode())
    index.append({"mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": "sha256:" + mh, "size": ms, "platform": {"architecture": "amd64", "os": "linux"},
        "annotations": {"io.containerd.image.name": "docker.io/library/%s:%s" % (name, tag),
                        "org.opencontainers.image.ref.name": tag}})
    saved.append({"Config": "blobs/sha256/" + ch, "RepoTags": ["%s:%s" % (name, tag)],
                  "Layers": ["blobs/sha256/" + h for h, _ in layers]})
json.dump({"schemaVersion": 2, "manifests": index}, open(os.path.join(o, "index.json"), "w"))
open(os.path.join(o, "oci-layout"), "w").write('{"imageLayoutVersion": "1.0.0"}')
json.dump(saved, open(os.path.join(o, "manifest.json"), "w"))
PY
    (cd "$D/t/o" && tar cf "$2" .)
}
d25_two 1 "$A/d25-two.tar"
same_image "oci-archive of docker save small:1 multi:1: multi:1 by its whole name" "oci-archive:$A/d25-two.tar:multi:1" multi
same_image "oci-archive of docker save small:1 multi:1: docker.io/library/small:1" \
    "oci-archive:$A/d25-two.tar:docker.io/library/small:1" small
same_image "the same file as a docker-archive: multi:1" "docker-archive:$A/d25-two.tar:multi:1" multi
fails_with "oci-archive of docker save small:1 multi:1: the tag alone is refused, both named" \
    "so which one is meant is not known (docker.io/library/small:1 (sha256:" \
    xo pull -q "oci-archive:$A/d25-two.tar:1"
cp "$T/out" "$T/refused"
check "... and the message names multi:1 too" grep -qF "docker.io/library/multi:1 (sha256:" "$T/refused"
d25_two latest "$A/d25-latest.tar"
fails_with "oci-archive of docker save small multi, no name: refused, both named" \
    "docker.io/library/small:latest (sha256:" xo pull -q "oci-archive:$A/d25-latest.tar"
same_image "oci-archive of docker save small multi: \"small\" is small:latest" "oci-archive:$A/d25-latest.tar:small" small

# --- containerd's export (ctr image export, nerdctl save): Docker's
# manifest.json beside an OCI layout whose layers stay compressed.
ctrd_export() { # SRC-OCI-ARCHIVE DEST PY-LAYERS-EDIT
    mkdir -p "$T/ce" && rm -rf "$T/ce"/* && tar xf "$1" -C "$T/ce"
    python3 - "$T/ce" "$3" <<'PY'
import json, os, sys
d, edit = sys.argv[1:3]
ix = json.load(open(os.path.join(d, "index.json")))
m = json.load(open(os.path.join(d, "blobs/sha256", ix["manifests"][0]["digest"][7:])))
layers = ["blobs/sha256/" + l["digest"][7:] for l in m["layers"]]
exec(edit)
json.dump([{"Config": "blobs/sha256/" + m["config"]["digest"][7:],
            "RepoTags": ["docker.io/library/multi:latest"], "Layers": layers}],
          open(os.path.join(d, "manifest.json"), "w"))
PY
    (cd "$T/ce" && tar cf "$2" .)
}
ctrd_export "$A/multi-oci.tar" "$A/ctrd.tar" ""
same_image "docker-archive as containerd exports it (gzip layers, hashed here)" "docker-archive:$A/ctrd.tar:multi" multi
ctrd_export "$A/multi-oci.tar" "$A/ctrd-swapped.tar" "layers[0], layers[1] = layers[1], layers[0]"
stores_nothing "docker-archive: gzip layers in the wrong order: the diff_id check refuses" 'diff_id|rootfs' \
    "docker-archive:$A/ctrd-swapped.tar"

# go-containerregistry's tarball (crane pull, ko, kaniko --tar-path):
# Config "sha256:<hex>", Layers "<hex>.tar.gz".
ctrd_export "$A/multi-oci.tar" "$A/crane.tar" ""
python3 - "$T/ce" <<'PY'
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
c = m[0]["Config"].split("/")[-1]
os.rename(os.path.join(d, m[0]["Config"]), os.path.join(d, "sha256:" + c))
m[0]["Config"] = "sha256:" + c
layers = []
for l in m[0]["Layers"]:
    h = l.split("/")[-1]
    os.rename(os.path.join(d, l), os.path.join(d, h + ".tar.gz"))
    layers.append(h + ".tar.gz")
m[0]["Layers"] = layers
json.dump(m, open(os.path.join(d, "manifest.json"), "w"))
PY
(cd "$T/ce" && tar cf "$A/crane.tar" manifest.json sha256:* ./*.tar.gz)
same_image "docker-archive as crane writes it (Config sha256:<hex>, Layers <hex>.tar.gz)" "docker-archive:$A/crane.tar" multi

# Entries stored sparse (GNU tar -S, both formats): holes read as zeros, as
# Go's archive/tar reads them for docker load.  tar -S stores holes only
# where the file has them: fallocate digs them first (helper-95: a tar xf
# tree had none, and the checks passed without the sparse code).  The
# image's one layer has 64 KiB of zeros inside and at its end, so an
# entry has a hole between data and one at its end.
mkdir -p "$T/sp/x"
python3 - "$T/sp/x" <<'PY'
import hashlib, io, json, os, sys, tarfile
d = sys.argv[1]
b = io.BytesIO()
with tarfile.open(fileobj=b, mode="w", format=tarfile.GNU_FORMAT) as t:
    for name, data in (("hello", b"hi\n" + b"x" * 70000), ("zeros", b"\0" * 65536),
                       ("tail", b"y" * 5000), ("zeros-end", b"\0" * 65536)):
        ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
layer = b.getvalue()
lh = hashlib.sha256(layer).hexdigest()
open(os.path.join(d, lh + ".tar"), "wb").write(layer)
cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/hello"]},
                  "rootfs": {"type": "layers", "diff_ids": ["sha256:" + lh]}}).encode()
ch = hashlib.sha256(cfg).hexdigest()
open(os.path.join(d, ch + ".json"), "wb").write(cfg)
json.dump([{"Config": ch + ".json", "RepoTags": ["sparse:1"], "Layers": [lh + ".tar"]}],
          open(os.path.join(d, "manifest.json"), "w"))
PY
(cd "$T/sp/x" && tar cf "$A/dense.tar" .)
find "$T/sp/x" -name '*.tar' -exec fallocate --dig-holes {} +
for fmt in gnu posix; do
    (cd "$T/sp/x" && tar -S --format=$fmt -cf "$A/sparse-$fmt.tar" .)
    if ! python3 -c 'import sys, tarfile
sys.exit(not any(m.issparse() for m in tarfile.open(sys.argv[1])))' "$A/sparse-$fmt.tar"; then
        nok "sparse-$fmt.tar holds a sparse entry (fallocate --dig-holes, tar -S)"
        continue
    fi
    d1=$(xo pull -q "docker-archive:$A/dense.tar")
    # A root of its own: in $R the layer's blob is there from the dense
    # pull, and the sparse entry would never be read.
    d2=$("$XO" --root "$T/rsparse-$fmt" pull -q "docker-archive:$A/sparse-$fmt.tar" 2>"$T/err")
    if [ -n "$d2" ] && [ "$d1" = "$d2" ] && tree "$T/rsparse-$fmt" "$d2" | grep -q '^\./zeros-end f .* 65536 '; then
        ok "docker-archive repacked with tar -S --format=$fmt (a layer with a hole inside and one at its end): as the dense one"
    else
        sed 's/^/# /' "$T/err"; nok "docker-archive repacked with tar -S --format=$fmt: as the dense one"
    fi
done

# A name that stays: a relative FILE is named by its directory made
# absolute and its own name as given, so rmi finds it once it is gone.
cp "$A/small-docker.tar" "$T/rel.tar"
check "docker-archive:rel.tar pulled from its directory, the file removed, rmi docker-archive:rel.tar" \
    sh -c "cd '$T' && '$XO' --root '$R' pull -q docker-archive:rel.tar >/dev/null && rm rel.tar &&
           '$XO' --root '$R' rmi docker-archive:rel.tar >/dev/null &&
           ! '$XO' --root '$R' images | grep -q rel.tar"
check "pull FILE (no transport) of an archive says how to name it" \
    sh -c "cd '$A' && '$XO' --root '$T/rhint' pull -q ./small-docker.tar 2>&1 | grep -qF 'is a file here: an image archive is pulled as docker-archive:./small-docker.tar'"
fails_with "docker-archive: a digest is no RepoTags entry" 'is neither an image' \
    xo pull -q "docker-archive:$A/two.tar:busybox@sha256:$(printf %064d 0)"

# --- compressed, as docker load takes them ---------------------------------
gzip -c "$A/multi-docker.tar" >"$A/multi-docker.tar.gz"
xz -T1 -c "$A/multi-docker.tar" >"$A/multi-docker.tar.xz"
same_image "docker-archive gzip-compressed" "docker-archive:$A/multi-docker.tar.gz" multi
same_image "docker-archive xz-compressed" "docker-archive:$A/multi-docker.tar.xz" multi
check "a compressed archive's pull leaves nothing in tmp/ (its decompressed copy is an unnamed file)" \
    sh -c "[ -z \"\$(ls -A '$R/tmp')\" ]"

# --- hostile and damaged archives ------------------------------------------
# edit NAME SRC PY: $A/NAME.tar, SRC's entries rewritten by the python
# code PY, run per entry with ti (TarInfo) and data (bytes or None); it
# may set ti/data, or `skip = True`, and `extra` (a list of (ti, data)) is
# appended at the end.
edit() {
    local name=$1 src=$2 py=$3
    python3 - "$src" "$A/$name.tar" "$py" <<'PY'
import io, sys, tarfile
src, dst, code = sys.argv[1:4]
extra = []
with tarfile.open(src) as i, tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as o:
    for ti in i.getmembers():
        data = i.extractfile(ti).read() if ti.isreg() else None
        skip = False
        exec(code)
        if not skip:
            if data is not None:
                ti.size = len(data)
            o.addfile(ti, io.BytesIO(data) if data is not None else None)
    for ti, data in extra:
        o.addfile(ti, io.BytesIO(data) if data is not None else None)
PY
}
cfg=$(tar xOf "$A/small-docker.tar" manifest.json | jq -r '.[0].Config')
layer=$(tar xOf "$A/small-docker.tar" manifest.json | jq -r '.[0].Layers[0]')
# Docker before 25 named a layer <id>/layer.tar, and a layer it held
# twice was a symbolic link to the first copy; a hard link is followed too.
lnk=$(tar tvf "$A/small-docker.tar" | awk '$1 ~ /^l/ {print $6}' | head -1)
edit legacy "$A/small-docker.tar" "
if ti.name == 'manifest.json':
    import json; m = json.loads(data); m[0]['Layers'] = ['./$lnk']; data = json.dumps(m).encode()"
same_image "docker-archive: a layer named <id>/layer.tar, a symbolic link to ../<hex>.tar" \
    "docker-archive:$A/legacy.tar" small
edit hard "$A/small-docker.tar" "
if ti.name == 'manifest.json':
    import json; m = json.loads(data); m[0]['Layers'] = ['h/layer.tar']; data = json.dumps(m).encode()
    t = tarfile.TarInfo('h/layer.tar'); t.type = tarfile.LNKTYPE; t.linkname = '$layer'; extra.append((t, None))"
same_image "docker-archive: a layer that is a hard link to another entry" "docker-archive:$A/hard.tar" small
edit flipped "$A/small-docker.tar" "
if ti.name == '$layer': data = data[:5000] + bytes([data[5000] ^ 1]) + data[5001:]"
stores_nothing "docker-archive: one byte of a layer changed: its diff_id does not match" \
    'digest mismatch: expected sha256:[0-9a-f]{64}' "docker-archive:$A/flipped.tar"
blob=$(tar tf "$A/small-oci.tar" | grep 'blobs/sha256/.' | while read -r b; do
    [ "$(tar xOf "$A/small-oci.tar" "$b" | wc -c)" -gt 100000 ] && echo "$b"; done | head -1)
edit flipped-oci "$A/small-oci.tar" "
if ti.name == '$blob': data = data[:-100] + bytes([data[-100] ^ 1]) + data[-99:]"
stores_nothing "oci-archive: one byte of a layer blob changed" \
    'digest mismatch: expected sha256:[0-9a-f]{64}' "oci-archive:$A/flipped-oci.tar"
head -c 1500000 "$A/small-docker.tar" >"$A/truncated.tar"
stores_nothing "docker-archive cut short in a layer" 'truncated|Truncated|ends after|Damaged|manifest.json' \
    "docker-archive:$A/truncated.tar"
edit escape "$A/small-docker.tar" "
if ti.name == 'manifest.json':
    import json; m = json.loads(data); m[0]['Layers'] = ['../../etc/passwd']; data = json.dumps(m).encode()"
stores_nothing "docker-archive: a layer named above the archive's top" "leaves the archive's top" \
    "docker-archive:$A/escape.tar"
edit abslink "$A/small-docker.tar" "
if ti.name == '$layer': skip = True
if ti.name == 'manifest.json':
    t = tarfile.TarInfo('$layer'); t.type = tarfile.SYMTYPE; t.linkname = '/etc/passwd'; extra.append((t, None))"
stores_nothing "docker-archive: a layer that is a link to an absolute path" 'absolute path "/etc/passwd"' \
    "docker-archive:$A/abslink.tar"
edit uplink "$A/small-docker.tar" "
if ti.name == '$layer': skip = True
if ti.name == 'manifest.json':
    t = tarfile.TarInfo('$layer'); t.type = tarfile.SYMTYPE; t.linkname = '../../../etc/passwd'; extra.append((t, None))"
stores_nothing "docker-archive: a layer that is a link above the archive's top" "leaves the archive's top" \
    "docker-archive:$A/uplink.tar"
edit loop "$A/small-docker.tar" "
if ti.name == '$layer': skip = True
if ti.name == 'manifest.json':
    for a, b in (('$layer', 'x'), ('x', '$layer')):
        t = tarfile.TarInfo(a); t.type = tarfile.SYMTYPE; t.linkname = b; extra.append((t, None))"
stores_nothing "docker-archive: links in a loop" 'more than 8 links' "docker-archive:$A/loop.tar"
edit twice "$A/small-docker.tar" "
if ti.name == 'manifest.json':
    import copy; t = copy.copy(ti); t.size = 2; extra.append((t, b'[]'))"
stores_nothing "docker-archive: manifest.json twice (which one was meant?)" '"manifest.json" appears more than once' \
    "docker-archive:$A/twice.tar"
edit dirlayer "$A/small-docker.tar" "
if ti.name == '$layer': skip = True
if ti.name == 'manifest.json':
    t = tarfile.TarInfo('$layer'); t.type = tarfile.DIRTYPE; extra.append((t, None))"
stores_nothing "docker-archive: a layer that is a directory" 'is not a regular file' "docker-archive:$A/dirlayer.tar"
edit fewer "$A/small-docker.tar" "
if ti.name == '$cfg':
    import json; c = json.loads(data); c['rootfs']['diff_ids'].append(c['rootfs']['diff_ids'][0]); data = json.dumps(c).encode()"
stores_nothing "docker-archive: the config names more diff_ids than there are layers" 'diff_ids|layers' \
    "docker-archive:$A/fewer.tar"
edit notarray "$A/small-docker.tar" "
if ti.name == 'manifest.json': data = b'{}'"
stores_nothing "docker-archive: manifest.json not an array" 'manifest.json: must be a JSON array' \
    "docker-archive:$A/notarray.tar"
# ... and each says which prefix reads it (helper-106).
stores_nothing "docker-archive: an oci-archive without manifest.json, named as one" \
    "is not a docker-archive .*\\(it is an OCI image layout archive: pull oci-archive:$A/small-oci.tar\\)" \
    "docker-archive:$A/small-oci.tar"
stores_nothing "oci-archive: a docker-archive without oci-layout, named as one" \
    "is not an OCI image layout archive: .*\\(it is a docker-archive \\(docker save's format\\): pull docker-archive:$A/small-docker.tar\\)" \
    "oci-archive:$A/small-docker.tar"
# A header whose checksum fails is damage, not an entry to pass over
# (libarchive's ARCHIVE_RETRY would go on inside the entry's data).
python3 - "$A/small-docker.tar" "$A/damaged.tar" <<'PY'
import sys, tarfile
off = tarfile.open(sys.argv[1]).getmembers()[1].offset
b = bytearray(open(sys.argv[1], "rb").read())
b[off + 100] ^= 0x01   # the second header's mode field
open(sys.argv[2], "wb").write(b)
PY
stores_nothing "docker-archive: a header with a bad checksum" 'not a readable tar archive' "docker-archive:$A/damaged.tar"
# A gzip of a gzip of zeros: a few hundred bytes that would fill the
# state's file system.
python3 -c 'import gzip, sys; open(sys.argv[1], "wb").write(gzip.compress(gzip.compress(bytes(100 << 20))))' "$A/bomb.tar.gz"
stores_nothing "docker-archive: a decompression bomb is stopped at 1024 times its size" \
    'decompresses to more than 1024 times its size' "docker-archive:$A/bomb.tar.gz"
head -c 100000 /dev/urandom >"$A/random.tar"
stores_nothing "an archive that is not a tar" 'not a tar archive|not a readable tar archive' \
    "docker-archive:$A/random.tar"
mkfifo "$A/fifo.tar"
stores_nothing "a FIFO named as the archive: refused at once" 'is not a regular file' \
    "docker-archive:$A/fifo.tar"
stores_nothing "an archive that does not exist" 'cannot open' "oci-archive:$A/none.tar"
fails_with "no file after docker-archive:" 'no file' xo pull -q "docker-archive:"
fails_with "an unknown transport names the four" 'use oci:, oci-archive:, docker-archive: or docker://' \
    xo pull -q "docker-daemon://x"

# --- the archive readers under valgrind (memory errors, leaks) -------------
# vg DESC WANT REF: a pull of REF into a root of its own exits WANT with no
# memory error and no definite or indirect leak.
vg() {
    local d=$1 want=$2 ref=$3 rc
    valgrind -q --error-exitcode=97 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --log-file="$T/vg.log" \
        "$XO" --root "$T/vgroot" pull -q "$ref" >"$T/out" 2>&1
    rc=$?
    rm -rf "$T/vgroot"
    # valgrind's own notes ("--PID-- WARNING: unhandled syscall 437", the
    # openat2 the unpacker then does without) are not errors of ours.
    grep -v '^--[0-9]*--' "$T/vg.log" >"$T/vg.err"
    if [ "$rc" = "$want" ] && [ ! -s "$T/vg.err" ]; then ok "valgrind: $d"
    else sed 's/^/# /' "$T/vg.err" "$T/out" | head -30; nok "valgrind: $d (exit $rc, want $want)"; fi
}
if command -v valgrind >/dev/null; then
    vg "docker-archive of two images, the second by tag" 0 "docker-archive:$A/two.tar:localhost/multi:v1"
    vg "oci-archive, gzip layers" 0 "oci-archive:$A/small-oci.tar"
    vg "docker-archive, the archive gzip-compressed" 0 "docker-archive:$A/multi-docker.tar.gz"
    vg "docker-archive with links in a loop" 1 "docker-archive:$A/loop.tar"
    vg "docker-archive with a tampered layer" 1 "docker-archive:$A/flipped.tar"
    vg "docker-archive of two images, none named" 1 "docker-archive:$A/two.tar"
else
    nok "valgrind is not installed (apt-get install valgrind)"
fi

exit $status
