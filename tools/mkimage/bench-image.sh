#!/bin/bash
# bench-image.sh: the image benchmark of issue 6, printed as markdown.
#   1. pull + unpack + root volume of a ~200 MB multi-layer image from a
#      local docker-registry (plain HTTP) with `xl-oci pull`, against
#      `skopeo copy` + `umoci unpack` of the same image, RUNS runs each
#      (median, min); caches dropped of dirty pages with sync between runs.
#   2. SHA-256 of a 1 GiB file: the verifier (build/tests/xl-oci-sha256)
#      against `openssl dgst -sha256`, in page cache, median of RUNS.
# usage: tools/mkimage/bench-image.sh [XL-OCI]   (run from the build tree,
#        as root; RUNS=3 by default; WORK=/var/tmp/xl-oci-bench)
set -euo pipefail
XO=${1:-build/xl-oci}
RUNS=${RUNS:-3}
W=${WORK:-/var/tmp/xl-oci-bench}
IMG=${XL_OCI_CACHE:-/var/cache/xl-oci}/test-images
top=$(pwd)

rm -rf "$W"; mkdir -p "$W"
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$W"' EXIT

tools/mkimage/mkimage.sh big "$IMG" 200 >"$W/mk.log" 2>&1 ||
    { cat "$W/mk.log" >&2; exit 1; }
# A registry on a free port: retried on another when the server exits
# (its port taken) or another listener answers (tools/lib/listen.sh).
. tools/lib/listen.sh
for _ in 1 2 3 4 5 6 7 8; do
    port=$(shuf -i 20000-60000 -n 1)
    port_free "$port" || continue
    printf 'version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s/reg}\nhttp:\n  addr: 127.0.0.1:%s\n' "$W" "$port" > "$W/reg.yml"
    docker-registry serve "$W/reg.yml" >"$W/reg.log" 2>&1 & pid=$!
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && port_listened_by "$port" "$pid" && break 2
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true; pid=
done
[ -n "$pid" ] || { echo "bench-image: docker-registry did not start (see $W/reg.log)" >&2; exit 1; }
ref=127.0.0.1:$port/big:1
skopeo copy -q "oci:$IMG/big-layout:big" "docker://$ref" --dest-tls-verify=false

# secs CMD...: wall seconds of one run.
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
stats() { sort -n | awk '{a[NR]=$1} END {printf "%.2f %.2f\n", a[int((NR+1)/2)], a[1]}'; }

ours() { rm -rf "$W/root"; sync; secs "$top/$XO" --root "$W/root" pull -q --plain-http "docker://$ref"; }
peer() { rm -rf "$W/oci" "$W/bundle"; sync; secs sh -c "skopeo copy -q docker://$ref oci:$W/oci:big --src-tls-verify=false && umoci unpack --image $W/oci:big $W/bundle"; }
o=(); p=()
for _ in $(seq "$RUNS"); do o+=("$(ours)"); p+=("$(peer)"); done
read -r om omin < <(printf '%s\n' "${o[@]}" | stats)
read -r pm pmin < <(printf '%s\n' "${p[@]}" | stats)
layers=$(skopeo inspect --raw "oci:$IMG/big-layout:big" | grep -o '"digest"' | wc -l)
size=$(du -sm "$IMG/big-layout/blobs" | cut -f1)

head -c 1073741824 /dev/urandom > "$W/1g"
cat "$W/1g" > /dev/null
h=(); s=()
for _ in $(seq "$RUNS"); do
    h+=("$(secs build/tests/xl-oci-sha256 "$W/1g")")
    s+=("$(secs openssl dgst -sha256 "$W/1g")")
done
read -r hm hmin < <(printf '%s\n' "${h[@]}" | stats)
read -r sm smin < <(printf '%s\n' "${s[@]}" | stats)

echo "### Image pull (issue 6), $(date -u +%F), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "Image: $IMG/big-layout:big ($((layers - 1)) layers, ${size} MB compressed), served by docker-registry on 127.0.0.1 (plain HTTP). $RUNS runs each, sync before each, store/bundle removed before each."
echo
echo "| pipeline | median s | min s |"
echo "|---|---|---|"
echo "| xl-oci pull (fetch + verify + unpack + mkfs.erofs lz4) | $om | $omin |"
echo "| skopeo copy + umoci unpack | $pm | $pmin |"
echo "| speed-up (median) | $(echo "scale=2; $pm / $om" | bc)x | |"
echo
echo "| SHA-256 of 1 GiB (page cache) | median s | min s | MiB/s |"
echo "|---|---|---|---|"
echo "| verifier (OpenSSL EVP, streaming, 256 KiB reads) | $hm | $hmin | $(echo "1024 / $hm" | bc) |"
echo "| openssl dgst -sha256 | $sm | $smin | $(echo "1024 / $sm" | bc) |"
echo "| ratio (openssl time / verifier time) | $(echo "scale=2; $sm / $hm" | bc)x | | |"
