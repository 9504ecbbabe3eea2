#!/bin/bash
# bundle-bench.sh: a bundle's rootfs to a root volume (image/bundle_rootfs.h,
# issue 14) for the real-image tier's web image, against mkfs.erofs alone
# on the same tree.  The rootfs is made as containerd's overlay
# snapshotter makes it: each layer unpacked into its own directory with
# OCI whiteouts turned into overlay ones (a 0:0 character device, the
# trusted.overlay.opaque xattr), then an overlay of them (top first) with
# an empty upper, mounted for each "container".  RUNS runs (default 5),
# alternating, medians in seconds, page cache warm for both (the tree is
# read once before).  Cold: a fresh store, so the build runs (probe,
# lock, mkfs.erofs, /etc copies, record, rename).  Second container: a
# new overlay mount of the same layers, on the store the cold run left.
# Prints markdown (tools/bench.sh puts it in BENCHMARKS.md).
# usage: tools/realimages/bundle-bench.sh [XL-OCI-BUNDLE]  (as root, from the top)
set -euo pipefail
TOOL=$(realpath "${1:-build/tests/xl-oci-bundle}")
RUNS=${RUNS:-5}
W=${WORK:-/var/tmp/xl-oci-bundlebench}
IMG=web

umount_all() {
    for m in "$W"/ctr*; do mountpoint -q "$m" 2>/dev/null && umount "$m"; done
    return 0
}
rm -rf "$W"
mkdir -p "$W"
trap 'umount_all; rm -rf "$W"' EXIT
L=$(tools/realimages/build.sh)

# One snapshot directory per layer, as containerd's overlay applier.
man=$(jq -r --arg n "$IMG" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $n) | .digest' "$L/index.json")
mapfile -t layers < <(jq -r '.layers[].digest' "$L/blobs/sha256/${man#sha256:}")
lowers=""
for i in "${!layers[@]}"; do
    s=$W/snapshots/$((i + 1))/fs
    mkdir -p "$s"
    tar -xzf "$L/blobs/sha256/${layers[$i]#sha256:}" -C "$s" --numeric-owner \
        --same-owner --same-permissions --xattrs --xattrs-include='*'
    while IFS= read -r -d '' wh; do
        d=$(dirname "$wh") b=$(basename "$wh")
        rm -f "$wh"
        if [ "$b" = .wh..wh..opq ]; then
            setfattr -n trusted.overlay.opaque -v y "$d"
        else
            mknod "$d/${b#.wh.}" c 0 0
        fi
    done < <(find "$s" -name '.wh.*' -print0)
    lowers="$s${lowers:+:$lowers}"
done
n=0
mount_ctr() { # a new container's rootfs, its path in $c
    n=$((n + 1))
    c=$W/ctr$n
    mkdir -p "$c" "$W/up$n" "$W/work$n"
    mount -t overlay overlay -o "lowerdir=$lowers,upperdir=$W/up$n,workdir=$W/work$n" "$c"
}

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { printf "%.3f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

mount_ctr
c0=$c
entries=$(find "$c0" | wc -l)
tar -cf /dev/null "$c0" 2>/dev/null || true # warm the page cache
m=() ms=() cold=() coldin=() hit=() hitin=()
for _ in $(seq "$RUNS"); do
    rm -f "$W/peer.erofs"; sync
    t=$(now); mkfs.erofs --quiet -zlz4 "$W/peer.erofs" "$c0" >/dev/null; m+=("$(secs "$t")")
    sync "$W/peer.erofs"; ms+=("$(secs "$t")")
    rm -rf "$W/store"; sync
    mount_ctr
    t=$(now); out=$("$TOOL" --root "$W/store" volume "$c"); cold+=("$(secs "$t")")
    [ "$(echo "$out" | cut -d' ' -f2,3)" = "built overlay" ] || { echo "bench: cold run: $out" >&2; exit 1; }
    coldin+=("$(echo "$out" | cut -d' ' -f4)")
    mount_ctr
    t=$(now); out=$("$TOOL" --root "$W/store" volume "$c"); hit+=("$(secs "$t")")
    [ "$(echo "$out" | cut -d' ' -f2)" = hit ] || { echo "bench: second run: $out" >&2; exit 1; }
    hitin+=("$(echo "$out" | cut -d' ' -f4)")
done
row() { # LABEL VALUES...: median and range
    local l=$1; shift
    echo "| $l | $(printf '%s\n' "$@" | median) | $(printf '%s\n' "$@" | sort -n | sed -n '1p;$p' | paste -sd' ' - | sed 's| | / |') |"
}
mm=$(printf '%s\n' "${m[@]}" | median)
msm=$(printf '%s\n' "${ms[@]}" | median)
cm=$(printf '%s\n' "${coldin[@]}" | median)
cw=$(printf '%s\n' "${cold[@]}" | median)
hm=$(printf '%s\n' "${hitin[@]}" | median)
size=$(stat -c %s "$W/peer.erofs")

echo "### Bundle rootfs to root volume (issue 14), $(date -u +%F), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "The real-image tier's \`$IMG\` image (${#layers[@]} layers, $entries entries, rootfs.erofs $((size / 1000000)) MB) as containerd's overlay snapshotter mounts a container's rootfs: one directory per layer, OCI whiteouts made overlay whiteouts, an overlay of them with an empty upper. $RUNS runs, alternating, page cache warm; medians in seconds. Cold: \`build/tests/xl-oci-bundle volume ROOTFS\` on an empty store (probe the mount, key the layers, lock, \`mkfs.erofs -zlz4\`, fsync of the image, /etc copies, record, rename), timed inside the process around the library call (xl-oci-runc pays its own start either way) and as the process's wall time. mkfs.erofs alone: \`mkfs.erofs -zlz4\` of the same overlay mount. Second container: another overlay mount of the same layers, the volume found by its key. \`tools/realimages/bundle-bench.sh\`."
echo
echo "| | seconds (median) | min / max |"
echo "|---|---|---|"
row "mkfs.erofs alone" "${m[@]}"
row "mkfs.erofs, then \`sync FILE\` (the same durability as ours)" "${ms[@]}"
row "bundle rootfs to root volume, cold (the library call)" "${coldin[@]}"
row "the same, process wall time (process start included)" "${cold[@]}"
row "second container: cache hit, no mkfs.erofs (the library call)" "${hitin[@]}"
row "the same, process wall time" "${hit[@]}"
echo
echo "Cold (the library call) against mkfs.erofs alone: $(awk -v c="$cm" -v m="$mm" 'BEGIN { printf "%.2fx", c / m }') (goal <= 1.1x), against mkfs.erofs with its output synced: $(awk -v c="$cm" -v m="$msm" 'BEGIN { printf "%.2fx", c / m }'); as a process: $(awk -v c="$cw" -v m="$mm" 'BEGIN { printf "%.2fx", c / m }'). The second container's library call costs $(awk -v h="$hm" -v c="$cm" 'BEGIN { printf "%.1f%%", 100 * h / c }') of a cold build and runs no mkfs.erofs (checked: the tool reports a hit)."
