#!/bin/bash
# bench.sh: pull + root volume of the real images (tools/realimages/
# build.sh: web and py) from a local docker-registry, against the peers'
# pipeline for the same image: `skopeo copy` to an OCI layout, `umoci
# unpack`, and `mkfs.erofs -zlz4` of the unpacked rootfs (what a root
# volume needs; timed on its own, so the speed-up is given with and
# without it).  RUNS runs of each (default 5), ours and the peers'
# alternating, store, layout and bundle removed and `sync` before each;
# medians.  Prints markdown (tools/bench.sh puts it in BENCHMARKS.md).
# usage: tools/realimages/bench.sh [XL-OCI]   (as root, from the top)
set -euo pipefail
XO=$(realpath "${1:-build/xl-oci}")
RUNS=${RUNS:-5}
W=${WORK:-/var/tmp/xl-oci-realbench}
top=$(pwd)

rm -rf "$W"
mkdir -p "$W"
trap 'tools/realimages/registry.sh stop "$W/reg"; rm -rf "$W"' EXIT
L=$(tools/realimages/build.sh)
HP=$(tools/realimages/registry.sh start "$W/reg")
tools/realimages/registry.sh push "$W/reg" "$L" web py

now() { date +%s.%N; }
# secs START: seconds since START.
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { printf "%.2f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

ours() { # IMG [SCRATCH]: prints seconds (XL_OCI_SCRATCH=SCRATCH when given)
    rm -rf "$W/root"
    sync
    local t
    t=$(now)
    env ${2:+XL_OCI_SCRATCH=$2} "$XO" --root "$W/root" pull -q --plain-http "docker://$HP/$1:1" >/dev/null
    secs "$t"
}
peer() { # IMG: prints "copy+unpack-seconds mkfs-seconds"
    rm -rf "$W/oci" "$W/bundle" "$W/peer.erofs"
    sync
    local t a
    t=$(now)
    skopeo copy -q --src-tls-verify=false "docker://$HP/$1:1" "oci:$W/oci:$1"
    umoci unpack --image "$W/oci:$1" "$W/bundle" >/dev/null
    a=$(secs "$t")
    t=$(now)
    mkfs.erofs --quiet -zlz4 "$W/peer.erofs" "$W/bundle/rootfs" >/dev/null
    echo "$a $(secs "$t")"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "### Real images: pull + root volume (issue 12), $(date -u '+%F %H:%M UTC'), $(nproc) CPUs, load $load_before"
echo
echo "Images from \`tools/realimages/build.sh\` (Debian bookworm packages), served by docker-registry on 127.0.0.1 (plain HTTP). $RUNS runs of each pipeline, alternating, \`sync\` and a fresh store/layout/bundle before each; medians in seconds. Ours: \`xl-oci pull\` (fetch, verify, unpack, \`mkfs.erofs -zlz4\`, record), with its scratch tree on a private tmpfs (the default as root, image/scratch.h) and, in the column before, on the store's disk (\`XL_OCI_SCRATCH=disk\`, the pull before that change). Peers: \`skopeo copy\` + \`umoci unpack\`, then \`mkfs.erofs -zlz4\` of the bundle's rootfs."
echo
echo "| image | entries | compressed | xl-oci pull, scratch on disk | xl-oci pull | skopeo + umoci | + mkfs.erofs | speed-up without / with the peers' erofs step |"
echo "|---|---|---|---|---|---|---|---|"
for img in web py; do
    o=() d=() a=() m=() b=()
    for _ in $(seq "$RUNS"); do
        d+=("$(ours "$img" disk)")
        o+=("$(ours "$img")")
        read -r x y < <(peer "$img")
        a+=("$x")
        m+=("$y")
        b+=("$(awk -v x="$x" -v y="$y" 'BEGIN { printf "%.3f", x + y }')")
    done
    om=$(printf '%s\n' "${o[@]}" | median)
    dm=$(printf '%s\n' "${d[@]}" | median)
    am=$(printf '%s\n' "${a[@]}" | median)
    bm=$(printf '%s\n' "${b[@]}" | median)
    n=$(find "$W/bundle/rootfs" | wc -l)
    size=$(skopeo inspect --raw "oci:$L:$img" | jq '[.layers[].size] | add')
    echo "| $img | $n | $((size / 1000000)) MB | $dm | $om | $am | $bm | $(awk -v o="$om" -v a="$am" -v b="$bm" 'BEGIN { printf "%.2fx / %.2fx", a / o, b / o }') |"
done
echo
echo "Load average (1, 5, 15 min) before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg).  The machine is shared: the two pipelines run alternately in one run, so both see the same load."
