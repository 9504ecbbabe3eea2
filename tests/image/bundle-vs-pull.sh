#!/bin/bash
# bundle-vs-pull.sh [-k DIR] [-q] LAYOUT:TAG... | random:SEED... | many:N...
# The same image through both ways in: `xl-oci pull oci:LAYOUT:TAG`
# (xl-oci unpacks the layers itself) and containerd (`ctr image import`
# unpacks them into its overlay snapshotter; a container's rootfs is an
# active snapshot over them, mounted as the runc shim mounts it, from
# `ctr snapshots prepare` + `ctr snapshots mounts`), whose rootfs
# image/bundle_rootfs.h makes into a root volume (build/tests/
# xl-oci-bundle, as xl-oci-runc does).  Both rootfs.erofs images are
# mounted, dumped by xl-oci-treedump and compared by treecmp.sh (type,
# mode, owner, link target, hardlink group, size, sha256, mtime of
# non-directories, xattrs with security.capability, rdev); the passwd
# and group copies of both volumes too.  Directory times are left out:
# the dump leaves them out (whiteouts change them), and containerd's
# applier sets them after a layer's entries while the overlay's upper
# shows its own.  random:SEED (or random:A-B) draws the image with
# tests/image/random-layers.py; many:N an image of N layers with ghost
# whiteouts (tests/image/many-layers.py), whose chain past about 45 layers
# containerd's shim mounts by relative lowerdirs (`ctr run` with a runc
# binary that binds the rootfs here and runs nothing).
#
# Two checks per image:
# - "bundle build: ..." lines: the bundle volume does not hold what the
#   mounted overlay shows (the mount points the build adds aside).  That
#   is xl-oci-runc's fault: runc would run the overlay's tree.
# - "PATH: FIELD: pull X, bundle Y" lines: the two ways in differ where
#   no rule of allowed() below (each with its reason) says containerd's
#   applier does it otherwise.
# Before both, tests/image/whiteouts-first.py rewrites each image into
# one of the same meaning that containerd unpacks as the OCI spec says
# (whiteouts after the layer's own entry, hardlinks to a lower layer's
# file, entries under a lower layer's symlink, hardlink headers): both
# ways in get that image.  Random stacks draw much more that containerd
# refuses ("refused by containerd only") or unpacks otherwise (a file
# replacing a directory given in the same layer gets the directory's
# time; a whiteout's missing parents are made; entries under a dangling
# or relative symlink); docs/decisions.md lists what was seen.
# Prints "NAME: OK (E entries...)", "NAME: DIFF" and the lines, or
# "NAME: OK (both refused ...)"; exits 1 when any differs.
#
#   -k DIR   keep each differing image's dumps and differences in DIR/NAME
#   -q       print only differing images and the summary
#   -v       print the allowed differences too ("allowed: ...")
#
# containerd runs on a private socket, root and state in $W, never with
# CNI or a network (no task is started).  Needs root (mount), containerd,
# ctr, mkfs.erofs, python3 and build/ (make all).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
XO=$top/build/xl-oci
B=$top/build/tests/xl-oci-bundle
DUMP=$top/build/tests/xl-oci-treedump
CMP=$top/tests/image/treecmp.sh
GEN=$top/tests/image/random-layers.py
WHF=$top/tests/image/whiteouts-first.py
MANY=$top/tests/image/many-layers.py
for x in "$XO" "$B" "$DUMP"; do
    [ -x "$x" ] || { echo "bundle-vs-pull: run make first ($x)" >&2; exit 2; }
done
for c in containerd ctr mkfs.erofs python3; do
    command -v $c >/dev/null || { echo "bundle-vs-pull: $c is not installed" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "bundle-vs-pull: needs root" >&2; exit 2; }
umask 022

keep='' quiet='' verbose=''
while [ $# -gt 0 ]; do
    case $1 in
    -k) keep=$2; shift 2 ;;
    -q) quiet=1; shift ;;
    -v) verbose=1; shift ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || { sed -n '2,/^set -uo/p' "$0" | sed 's/^# \{0,1\}//;$d' >&2; exit 2; }

W=$(mktemp -d /tmp/bundle-vs-pull.XXXXXX)
. "$top/tests/lib/containerd.sh"
cleanup() {
    ctrd_stop "$W"
    rm -rf "$W"
}
trap cleanup EXIT

ctrd_start "$W/containerd" "bvp$$" ||
    { sed 's/^/# /' "$CTRD_DIR/containerd.log" | tail; echo "bundle-vs-pull: containerd did not start" >&2; exit 2; }

# The runc binary the shim runs for a long chain: `create` binds the
# rootfs the shim mounted to the path in spy-target, and fails (nothing
# runs); any other call succeeds.
cat >"$W/spy" <<EOS
#!/bin/bash
b=
for ((i = 1; i <= \$#; i++)); do [ "\${!i}" = --bundle ] && { j=\$((i + 1)); b=\${!j}; }; done
case " \$* " in *" create "*) mount --bind "\$b/rootfs" "\$(cat "$W/spy-target")"; exit 1 ;; esac
exit 0
EOS
chmod +x "$W/spy"

# The allow-list: differences between the two ways in that are not
# faults, because containerd's applier, not xl-oci, made them: the bundle
# volume must hold what containerd mounted (runc would run that tree),
# which is checked on its own (the overlay against the bundle volume).
# allowed PULL BUNDLE HARDLINKED < DIFF prints the lines no rule allows.
allowed() {
    python3 -c '
import sys
def load(p):
    d = {}
    for line in open(p):
        f = line.rstrip("\n").split("\t")
        d[f[0]] = dict(x.split("=", 1) for x in f[1:])
    return d
pull, bundle = load(sys.argv[1]), load(sys.argv[2])
linked = {l.rstrip("\n") for l in open(sys.argv[3])}
for line in sys.stdin:
    line = line.rstrip("\n")
    path, _, rest = line.partition(": ")
    field = rest.split(":", 1)[0]
    # The root is the container snapshot'"'"'s own directory: containerd
    # makes it (0755, root) and overlayfs shows the upper'"'"'s root; the
    # image'"'"'s "./" entry reaches only its layer'"'"'s snapshot.
    if path == "." and field in ("mode", "owner"):
        continue
    # containerd applies a hardlink entry'"'"'s own header to the file it
    # links: chown (which makes the kernel drop security.capability),
    # chmod, times; xl-oci, as umoci, applies it to nothing
    # (docs/decisions.md, "Layer kinds against umoci").
    if path in linked and \
            field in ("mode", "owner", "mtime", "xattr.security.capability"):
        continue
    # containerd makes a whiteout'"'"'s missing parent directories (and
    # writes the whiteout into them); xl-oci, as umoci, makes none.
    if rest == "only in bundle (type=d)" and not any(
            p.startswith(path + "/") and bundle[p].get("type") != "d"
            for p in bundle):
        continue
    print(line)
' "$1" "$2" "$3"
}

# compare NAME LAYOUT TAG: prints the differences that are not allowed,
# sets status.
compare() {
    local name=$1 layout=$2 tag=$3 d xs cs r=$W/r-$name br=$W/b-$name chain vol moved mnt how=
    status=
    # One image per layout (an import unpacks every image it holds), its
    # late whiteouts moved first (containerd refuses them; the meaning is
    # the same): both ways in get this image.
    rm -rf "$W/norm"
    moved=$(python3 "$WHF" "$layout" "$tag" "$W/norm" 2>"$W/whf.err") ||
        { echo "whiteouts-first.py failed: $(tail -1 "$W/whf.err")"; return; }
    layout=$W/norm
    d=$("$XO" --root "$r" pull -q --allow-devices "oci:$layout:$tag" 2>"$W/xo.err")
    xs=$?
    # containerd: the layout as an OCI archive, imported and unpacked.
    rm -f "$W/img.tar"
    tar -C "$layout" -cf "$W/img.tar" . && C image import --base-name "localhost/$name" \
        "$W/img.tar" >"$W/ctr.err" 2>&1
    cs=$?
    if [ $cs = 0 ]; then
        chain=$(python3 - "$layout" "$tag" <<'PY'
import hashlib, json, sys
lay, tag = sys.argv[1], sys.argv[2]
def blob(d):
    return json.load(open(f"{lay}/blobs/{d.replace(':', '/')}"))
idx = json.load(open(f"{lay}/index.json"))
m = next(m for m in idx["manifests"]
         if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
ids = blob(blob(m["digest"])["config"]["digest"])["rootfs"]["diff_ids"]
chain = ids[0]
for i in ids[1:]:
    chain = "sha256:" + hashlib.sha256(f"{chain} {i}".encode()).hexdigest()
print(chain)
PY
)
        mkdir -p "$W/rootfs-$name"
        C snapshots prepare "c-$name" "$chain" >>"$W/ctr.err" 2>&1 &&
            mnt=$(C snapshots mounts "$W/rootfs-$name" "c-$name")
        cs=$?
        if [ $cs = 0 ] && [ ${#mnt} -lt 3000 ]; then
            eval "$mnt" 2>>"$W/ctr.err"
            cs=$?
        elif [ $cs = 0 ]; then
            # A long chain: mount(8) takes one page of options, and
            # containerd's own mount code does otherwise past about 3.5
            # KiB (relative lowerdirs from the snapshots directory), so
            # the shim mounts it and the spying runc binds it here.
            C snapshots rm "c-$name" >/dev/null 2>&1
            echo "$W/rootfs-$name" >"$W/spy-target"
            C run --runtime io.containerd.runc.v2 --runc-binary "$W/spy" \
                "$(C image ls -q | grep -m1 "^localhost/$name")" "r-$name" >>"$W/ctr.err" 2>&1
            mountpoint -q "$W/rootfs-$name"
            cs=$?
            grep -q " $W/rootfs-$name .*[ ,]lowerdir=[^/]" /proc/self/mountinfo &&
                how="; mounted by containerd's shim by relative lowerdirs"
        fi
    fi
    if [ $xs != 0 ] || [ $cs != 0 ]; then
        if [ $xs != 0 ] && [ $cs != 0 ]; then
            status="both refused: $(grep -v '^$' "$W/xo.err" | tail -1 | sed 's/.*): //' | cut -c1-120)"
        elif [ $xs != 0 ]; then
            echo "refused by xl-oci pull only: $(grep -v '^$' "$W/xo.err" | tail -1)"
        else
            echo "refused by containerd only: $(grep -v '^$' "$W/ctr.err" | tail -1)"
        fi
        return
    fi
    mkdir -p "$W/mnt"
    mount -t erofs -o loop,ro "$r/volumes/sha256/${d#sha256:}/rootfs.erofs" "$W/mnt" &&
        "$DUMP" "$W/mnt" >"$W/pull" && umount "$W/mnt" || { echo "mount of the pulled volume failed"; return; }
    "$DUMP" "$W/rootfs-$name" >"$W/overlay" 2>/dev/null # ghosts: bundle_ghosts.h
    if ! vol=$("$B" --root "$br" volume "$W/rootfs-$name" 2>"$W/b.err"); then
        echo "xl-oci-bundle failed: $(tail -1 "$W/b.err")"
        return
    fi
    set -- $vol
    [ "${3:-}" = overlay ] || echo "the rootfs is not seen as a containerd overlay: ${3:-}"
    vol=$1
    mount -t erofs -o loop,ro "$vol/rootfs.erofs" "$W/mnt" &&
        "$DUMP" "$W/mnt" >"$W/bundle" && umount "$W/mnt" || { echo "mount of the bundle volume failed"; return; }
    umount "$W/rootfs-$name"
    C snapshots rm "c-$name" >/dev/null 2>&1
    C container rm "r-$name" >/dev/null 2>&1
    status="$(wc -l <"$W/pull") entries${moved#moved 0}$how"
    status=${status/moved/; entries rewritten for containerd:}
    "$CMP" "$W/pull" "$W/bundle" pull bundle >"$W/all"
    local f
    for f in passwd group; do
        if [ -e "$r/volumes/sha256/${d#sha256:}/$f" ] || [ -e "$vol/$f" ]; then
            cmp -s "$r/volumes/sha256/${d#sha256:}/$f" "$vol/$f" ||
                echo "volume $f: the copies differ" >>"$W/all"
        fi
    done
    allowed "$W/pull" "$W/bundle" "$W/norm/hardlinked" <"$W/all" >"$W/kept"
    nall=$(wc -l <"$W/all") nkept=$(wc -l <"$W/kept")
    [ "$nall" -gt "$nkept" ] && status="$status; $((nall - nkept)) differences allowed"
    [ -n "$verbose" ] && grep -vxFf "$W/kept" "$W/all" | sed 's/^/allowed: /' >>"$W/allowed"
    cat "$W/kept"
    # The bundle volume holds what containerd mounted (the mount points
    # it adds aside): a difference here is the bundle build's.
    for m in dev proc sys; do
        grep -q "^\./$m	" "$W/overlay" ||
            sed -i "\|^\./$m	type=d	mode=0755	owner=0:0$|d" "$W/bundle"
    done
    "$CMP" "$W/overlay" "$W/bundle" overlay bundle | sed 's/^/bundle build: /'
    rm -rf "$r" "$br"
}

images=()
for a in "$@"; do
    case $a in
    random:*-*)
        s=${a#random:}
        for ((i = ${s%-*}; i <= ${s#*-}; i++)); do images+=("random:$i"); done
        ;;
    *) images+=("$a") ;;
    esac
done

bad=0 n=0 t0=$(date +%s.%N)
for img in "${images[@]}"; do
    n=$((n + 1))
    case $img in
    random:*)
        s=${img#random:} name=rnd$s layout=$W/layout-$s tag=t
        if ! python3 "$GEN" seed "$s" "$layout" >/dev/null 2>"$W/gen.err"; then
            echo "$img: GENERATOR FAILED: $(tail -1 "$W/gen.err")"
            bad=$((bad + 1))
            continue
        fi
        ;;
    many:*)
        s=${img#many:} name=many$s layout=$W/layout-many$s tag=t
        python3 "$MANY" "$s" "$layout" "$tag" 2>"$W/gen.err" ||
            { echo "$img: GENERATOR FAILED: $(tail -1 "$W/gen.err")"; bad=$((bad + 1)); continue; }
        ;;
    *:*)
        layout=${img%:*} tag=${img##*:} name=$tag
        ;;
    *) echo "$img: not LAYOUT:TAG or random:SEED"; bad=$((bad + 1)); continue ;;
    esac
    rm -f "$W/allowed"
    compare "$name" "$layout" "$tag" >"$W/diff"
    if [ -s "$W/diff" ]; then
        bad=$((bad + 1))
        echo "$img: DIFF"
        sed 's/^/    /' "$W/diff" | head -40
        if [ -n "$keep" ]; then
            mkdir -p "$keep/$name"
            cp "$W/diff" "$W/all" "$W/pull" "$W/bundle" "$W/overlay" "$keep/$name/" 2>/dev/null
            [ "${img%%:*}" = random ] && cp -a "$layout" "$keep/$name/layout"
        fi
    elif [ -z "$quiet" ]; then
        echo "$img: OK ($status)"
    fi
    [ -s "$W/allowed" ] && sed 's/^/    /' "$W/allowed" | head -40
    case $img in random:* | many:*) rm -rf "$layout" ;; esac
done
el=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "# $n images, $bad differing, ${el}s"
[ $bad = 0 ]
