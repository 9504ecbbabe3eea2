#!/bin/bash
# bench.sh: `make bench`.  Runs every benchmark and writes its numbers,
# method and date into BENCHMARKS.md (each in its own marked section):
#   1. the lab floor: Xen boot and a plain PV guest (tools/lab/lab bench)
#   2. the loader: ramdisk assembly and boot to exec (loader's own bench,
#      when present)
#   3. xl-oci create against xl create, idle and busy, and monitor RSS
#      (tests/lab/bench/create-bench.sh in one lab boot)
#   4. images: pull + unpack + root volume against skopeo + umoci, and the
#      verifier's SHA-256 against openssl (tools/mkimage/bench-image.sh)
#   5. real images (web, py from Debian packages): pull + root volume
#      against skopeo copy + umoci unpack (+ mkfs.erofs), median of 5
#      (tools/realimages/bench.sh)
#   6. bundles: an OCI bundle's overlay rootfs (the web image) to a root
#      volume, cold and as a second container's cache hit, against
#      mkfs.erofs alone (tools/realimages/bundle-bench.sh)
#   7. containerd: `ctr run` to the entrypoint's first output against
#      `xl-oci create` of the same image, where ctr run's time goes, and
#      placeholder + monitor RSS (tests/lab/bench/containerd-bench.sh)
#   8. volumes: create with a qcow2 volume (QEMU's qdisk) against a raw one
#      of the same content, and QEMU's RSS (tests/lab/bench/volume-bench.sh)
#   9. the loader's own kernel against Debian's: unpause -> exec, the
#      smallest memory (tests/lab/bench/kernel-bench.sh, one lab boot)
#  10. density: probe containers running at once in a 4 GiB pool, each
#      loader at the memory floor create states (tests/lab/bench/density-bench.sh)
#  11. exec: `xl-oci exec NAME true` round trips against `xl-oci create`,
#      broken down by step, and the monitor's memory with a restart policy
#      (tests/lab/bench/exec-bench.sh, one lab boot)
# BENCH_ONLY=floor|loader|create|image|real|bundle|containerd|volume|kernel|density|exec
#   runs one.
set -euo pipefail
cd "$(dirname "$0")/.."
only=${BENCH_ONLY:-}

want() { [ -z "$only" ] || [ "$only" = "$1" ]; }

# replace_section NAME FILE: put FILE's content between NAME's markers.
replace_section() {
    local name=$1 body=$2 begin="<!-- $1: begin" end="<!-- $1: end -->"
    [ -f BENCHMARKS.md ] || printf '# Benchmarks\n' >BENCHMARKS.md
    python3 - "$begin" "$end" "$body" <<'PY'
import sys, re
begin, end, body = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
text = open("BENCHMARKS.md").read()
i = text.find(begin)
if i >= 0:
    j = text.find(end, i)
    text = text[:i] + body.rstrip("\n") + "\n" + text[j + len(end):].lstrip("\n")
else:
    text = text.rstrip("\n") + "\n\n" + body
open("BENCHMARKS.md", "w").write(text)
PY
}

# stats NAME LOG: "min / median / max (n)" of the BENCH NAME values.
stats() {
    awk -v k="$1" '$1 == "BENCH" && $2 == k && $3 ~ /^[0-9.]+$/ { v[n++] = $3 }
        END { if (!n) { print "n/a"; exit }
              for (i = 0; i < n; i++) for (j = i + 1; j < n; j++)
                  if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
              m = n % 2 ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
              # One reading is one figure, not a min / median / max.
              if (n == 1) { printf "%s (a single reading)", v[0]; exit }
              printf "%s / %s / %s (n=%d)", v[0], m, v[n - 1], n }' "$2"
}
median() { stats "$1" "$2" | awk '{ print ($2 == "/" ? $3 : $1) }'; }

# measured: when the figures were taken: now, or with BENCH_LOGS_READY=1
# the time of the section's lab log ($log), which an earlier boot wrote.
measured() {
    if [ "${BENCH_LOGS_READY:-}" = 1 ] && [ -f "${log:-}" ]; then
        date -u -r "$log" '+%Y-%m-%d %H:%M UTC (the lab log; written from it later, the load below is then)'
    else
        date -u '+%Y-%m-%d %H:%M UTC'
    fi
}

# lab_bench SCRIPT: one lab boot running SCRIPT (its log is
# build/lab/share/out/NAME.log).  With BENCH_LOGS_READY=1 the logs of an
# earlier boot are used instead, so several benches can share one boot:
#   LAB_MEM=5248 tools/lab/lab run tests/lab/bench/volume-bench.sh \
#       tests/lab/bench/density-bench.sh
#   BENCH_LOGS_READY=1 BENCH_ONLY=volume tools/bench.sh   (and density)
lab_bench() {
    [ "${BENCH_LOGS_READY:-}" = 1 ] && return 0
    tools/lab/lab run "$@" || true
}

if want floor; then
    tools/lab/lab bench 3
fi

if want loader; then
    make -s all loader test-images
    lab_bench tests/lab/bench/loader-bench.sh
    log=build/lab/share/out/loader-bench.log
    [ -f "$log" ] || { echo "bench: no $log" >&2; exit 1; }
    pairs=$(awk '$1 == "BENCH" && $2 == "loader_unpause_to_exec" {
                 l += $3; f += $5; n++; printf "%s / %s; ", $3, $5 }
                 END { if (n && f > 0) printf "sum %.1f vs %.1f: %+.0f %%", l, f, (l / f - 1) * 100 }' "$log")
    body=$(mktemp)
    cat >"$body" <<MD
<!-- loader-bench: begin (written by tools/bench.sh; edit the script, not this) -->
## Loader against the floor (\`make bench\`, issue 4)

Measured $(measured) on $(nproc) cores, load average before
the run: $(cut -d' ' -f1-3 /proc/loadavg), Xen 4.17 in QEMU TCG (one lab boot).

Unpause -> \`phase=exec\` of the loader / unpause -> key of the floor, seconds,
per pair: ${pairs:-n/a}.  Goal: the loader adds at most 20 %.

Method: \`tests/lab/bench/loader-bench.sh\` in dom0, pairs run one after the
other: the floor is the same Debian kernel with a one-file initramfs whose
static /init writes one xenstore key; the loader boots the probe root volume
(erofs, tmpfs upper) and its init reports \`phase=exec\` just before it
executes the entrypoint.  Both are created paused with \`xl create -p\` and
timed from \`xl unpause\` to the key, polled every 0.2 s in dom0.
<!-- loader-bench: end -->
MD
    replace_section loader-bench "$body"
    rm -f "$body"
fi

if want create; then
    make -s all loader test-images
    # 13 domains of 128 MB (the loader's uncompressed kernel needs ~60 MB)
    # do not fit beside a 1 GiB dom0 in 2 GiB: give Xen 4 GiB here.
    LAB_MEM=${LAB_MEM:-4096} lab_bench tests/lab/bench/create-bench.sh
    log=build/lab/share/out/create-bench.log
    [ -f "$log" ] || { echo "bench: no $log" >&2; exit 1; }
    xo=$(median xloci-create "$log") xl=$(median xl-create "$log")
    b1=$(median xloci-create-busy1 "$log") b12=$(median xloci-create-busy12 "$log")
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
    body=$(mktemp)
    cat >"$body" <<MD
<!-- create-bench: begin (written by tools/bench.sh; edit the script, not this) -->
## xl-oci create against xl create (\`make bench\`, issue 5)

Measured $(measured) on $(nproc) cores, load average before
the run: $(cut -d' ' -f1-3 /proc/loadavg), Xen 4.17 in QEMU TCG (one lab boot).

| measure | min / median / max | goal |
|---|---|---|
| \`xl-oci create\` until it returns (domain unpaused), s | $(stats xloci-create "$log") | |
| \`xl create\` of the same domain, s | $(stats xl-create "$log") | |
| ratio of medians xl-oci / xl | $(ratio "$xo" "$xl") | <= 1.05 |
| \`xl-oci create\` with 1 other domain running, s | $(stats xloci-create-busy1 "$log") | |
| \`xl-oci create\` with 12 other domains running, s | $(stats xloci-create-busy12 "$log") | |
| ratio of medians 12 others / 1 other | $(ratio "$b12" "$b1") | <= 1.2 |
| monitor RSS, one domain, just started, KiB | $(stats monitor-rss-kb "$log") | <= 2048 |
| monitor RSS, 13 domains running, KiB | $(stats monitor-rss-kb-busy "$log") | <= 2048 |
| monitor PSS, 13 domains running, KiB | $(stats monitor-pss-kb-busy "$log") | |

Method: \`tools/bench.sh\` boots the lab once and runs
\`tests/lab/bench/create-bench.sh\` in dom0.  Times are dom0's /proc/uptime
around each command.  xl-oci creates the probe container (loader kernel and
per-domain ramdisk, the probe's erofs root volume as xvda, one vif on
xenbr0, 128 MB, one vCPU) and returns once the domain is unpaused and its
monitor started; it is destroyed after each run.  xl creates the same domain
from an xl.cfg with the same kernel, ramdisk, disk, vif and memory (xl
cannot read libxl JSON, so the config is written in xl syntax with the
values \`xl-oci create -N\` shows).  The difference is the disk's way in: xl
hands the file to Xen's \`block\` script (losetup and a sharing check over
every vbd, under a lock), xl-oci attaches its own autoclear loop device and
gives it the \`block-loop\` script (docs/decisions.md).  The busy runs first start 1, then 12
other probe containers (128 MB each, sleeping; Xen gets 4 GiB) and waits
until their entrypoints run, so the busy creates run beside running
domains, not beside domains still booting.  RSS and
PSS are the Rss and Pss lines of /proc/PID/smaps_rollup of the monitor
processes (xl-oci-monitor, one per domain); PSS splits the pages the
monitors share between them.  (VmRSS in /proc/PID/status is not used: Linux
6.1 updates it only every 64 page faults per thread, so it reads near zero
for a process this small.)  The "just started" figures are taken right after each
create returns; the "running" ones once all 13 containers run, after the
monitors have opened the consoles and copied the guests' reports.  Runs per
measure: 7.
<!-- create-bench: end -->
MD
    replace_section create-bench "$body"
    nx=$(median xloci-create-net "$log") nb=$(median xl-create-vifbridge "$log")
    n1=$(median xloci-create-net-busy1 "$log") n12=$(median xloci-create-net-busy12 "$log")
    body=$(mktemp)
    cat >"$body" <<MD
<!-- net-create-bench: begin (written by tools/bench.sh; edit the script, not this) -->
## Create with a managed vif against xl's vif-bridge (\`make bench\`, issue 10)

Measured $(measured) in the same lab boot as the table above.

| measure | min / median / max | goal |
|---|---|---|
| \`xl-oci create\` with one vif on a managed network, s | $(stats xloci-create-net "$log") | |
| \`xl create\` of the same domain, vif on the same bridge by \`vif-bridge\`, s | $(stats xl-create-vifbridge "$log") | |
| ratio of medians xl-oci / xl | $(ratio "$nx" "$nb") | <= 0.6 |
| \`xl-oci create\` with 1 other container on the network, s | $(stats xloci-create-net-busy1 "$log") | |
| \`xl-oci create\` with 12 other containers on the network, s | $(stats xloci-create-net-busy12 "$log") | |
| ratio of medians 12 others / 1 other | $(ratio "$n12" "$n1") | <= 1.2 |

Method: the end of \`tests/lab/bench/create-bench.sh\`.  \`xl-oci network
create bench\`, then the probe container with \`oci_network = [ "bench" ]\`
(lease, nft elements, dnsmasq hosts, our \`vif-xl-oci\` hotplug program),
created and destroyed 7 times; xl creates the same domain (the kernel, the
ramdisk xl-oci made, disk, the lease's MAC) with \`vif = [ "bridge=xloci-bench" ]\`,
which runs Xen's \`vif-bridge\` shell script.  The busy runs start 1, then
12 other containers on the same network and wait until their entrypoints
run.
<!-- net-create-bench: end -->
MD
    replace_section net-create-bench "$body"
    rm -f "$body"
    cat "$log" | grep '^BENCH' >&2
fi

if want image; then
    make -s all
    body=$(mktemp)
    {
        echo "<!-- image-bench: begin (written by tools/bench.sh; edit the script, not this) -->"
        tools/mkimage/bench-image.sh build/xl-oci
        echo "<!-- image-bench: end -->"
    } >"$body"
    replace_section image-bench "$body"
    rm -f "$body"
fi

if want real; then
    make -s all
    body=$(mktemp)
    {
        echo "<!-- real-image-bench: begin (written by tools/bench.sh; edit the script, not this) -->"
        tools/realimages/bench.sh build/xl-oci
        echo "<!-- real-image-bench: end -->"
    } >"$body"
    replace_section real-image-bench "$body"
fi

if want bundle; then
    make -s all
    body=$(mktemp)
    {
        echo "<!-- bundle-bench: begin (written by tools/bench.sh; edit the script, not this) -->"
        tools/realimages/bundle-bench.sh build/tests/xl-oci-bundle
        echo "<!-- bundle-bench: end -->"
    } >"$body"
    replace_section bundle-bench "$body"
    rm -f "$body"
fi

if want containerd; then
    make -s all loader test-images
    lab_bench tests/lab/bench/containerd-bench.sh
    log=build/lab/share/out/containerd-bench.log
    [ -f "$log" ] || { echo "bench: no $log" >&2; exit 1; }
    c=$(median ctr-run-first-output "$log") x=$(median xloci-create-first-output "$log")
    med() { stats "$1" "$log" | awk '{ printf "%.2f", $3 }'; }
    body=$(mktemp)
    cat >"$body" <<MD
<!-- containerd-bench: begin (written by tools/bench.sh; edit the script, not this) -->
## ctr run against xl-oci create (\`make bench\`, issue 14)

Measured $(measured) on $(nproc) cores, load average before
the run: $(cut -d' ' -f1-3 /proc/loadavg), Xen 4.17 in QEMU TCG (one lab boot).

| measure | min / median / max | goal |
|---|---|---|
| \`ctr run --runc-binary xl-oci-runc\` to the first line on ctr's stdout, s | $(stats ctr-run-first-output "$log") | |
| \`xl-oci create\` of the same image to the line, as it arrives in the console log, s | $(stats xloci-create-first-output "$log") | |
| ratio of medians | $(awk -v a="$c" -v b="$x" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }') | <= 1.2 |
| \`ctr run --rm\` to its exit (the domain's end and the delete too), s | $(stats ctr-run-exit "$log") | |
| \`ctr run\` with CRI's three /etc file binds (copied into the domain, docs/decisions.md) to the first line, s | $(stats ctr-binds-first-output "$log") | |
| what the binds cost, difference of medians, s | $(awk -v a="$(median ctr-binds-first-output "$log")" -v b="$c" 'BEGIN { printf "%.2f", a - b }') | |
| \`xl-oci create\` returns, s | $(stats xloci-create-returns "$log") | |
| first \`ctr run\` of the image (builds its root volume), s | $(stats ctr-first-run "$log") | |
| placeholder + monitor RSS of a running container, kB | $(stats placeholder-monitor-rss-kb "$log") | <= 2048 |
| of which the placeholder, kB | $(stats placeholder-rss-kb "$log") | |
| of which the monitor, kB | $(stats monitor-rss-kb "$log") | |
| placeholder + monitor PSS (pages shared with other processes split among them), kB | $(stats placeholder-monitor-pss-kb "$log") | |
| containerd-shim-runc-v2 (containerd's, one per container), kB | $(stats shim-rss-kb "$log") | |

Where a \`ctr run\` spends its time (medians of two more runs, seconds;
wrappers around xl-oci-runc and the shim stamp each call): ctr and
containerd up to the shim's exec $(med trace-to-shim), the shim's start
$(med trace-shim-start), the shim up to \`create\` $(med trace-shim-to-create)
(before create in all: $(med trace-before-create)), \`create\`
$(med trace-create), the shim and ctr between create and \`start\`
$(med trace-between), \`start\` $(med trace-start), start's end to the first
line on ctr's stdout $(med trace-to-output).  The traced \`create\` runs with
\`--debug\`: its steps, stamped in ms, are the \`runc-stamp\` lines of the
log (the bundle's spec, its root volume, then create's own phases).  Since 2026-12-01 \`create\`
boots the domain behind the start gate (docs/decisions.md), so the guest's
boot runs during the shim's, ctr's and \`start\`'s part, and start's end to
the first line is what is left of it; before, the boot began at \`start\`.

Method: \`tests/lab/bench/containerd-bench.sh\` starts Debian's containerd
in dom0 (containerd, ctr and the shim copied from the lab's 9p share into
a tmpfs of dom0 first, as a host runs them from its disk: from 9p every
exec of them faulted its pages in over 9p), imports the busybox test image
(tests/runc/mkimage.sh) and pulls the same OCI layout with xl-oci; five
runs of each, alternating, after one \`ctr run\` that built the root
volume, each plain \`ctr run\` followed by one with CRI's three /etc
file binds.  Both first lines are stamped when they arrive: ctr's on its
stdout, xl-oci's as \`xl-oci-placeholder\` (the shim's placeholder, which
follows the console log with inotify) prints it after \`xl-oci create\`
returns; until 2026-12-01 10:30 the xl-oci side polled \`xl-oci logs\`
every 0.1 s, a process start each, which added up to about 0.3 s to it
and made the ratio look better than it was (ctr's figures before
2026-12-01 took ctr's exit, and ran the binaries from 9p).  RSS is read
from /proc/PID/smaps_rollup of a \`ctr run -d\` container's task pid (the
placeholder), its monitor and the placeholder's parent (the shim).
<!-- containerd-bench: end -->
MD
    replace_section containerd-bench "$body"
    rm -f "$body"
fi

if want volume; then
    make -s all loader test-images
    lab_bench tests/lab/bench/volume-bench.sh
    log=build/lab/share/out/volume-bench.log
    [ -f "$log" ] || { echo "bench: no $log" >&2; exit 1; }
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
    cq=$(median create-qcow2 "$log") cr=$(median create-raw "$log")
    rq=$(median read-qcow2 "$log") rr=$(median read-raw "$log")
    body=$(mktemp)
    cat >"$body" <<MD
<!-- volume-bench: begin (written by tools/bench.sh; edit the script, not this) -->
## Create with a qcow2 volume against a raw one (\`make bench\`, issue 16)

Measured $(measured) on $(nproc) cores, load average before
the run: $(cut -d' ' -f1-3 /proc/loadavg), Xen 4.17 in QEMU TCG (one lab boot).

| measure | raw (loop, blkback) | qcow2 (QEMU qdisk) | qcow2 / raw |
|---|---|---|---|
| \`xl-oci create\` returns, s | $(stats create-raw "$log") | $(stats create-qcow2 "$log") | $(ratio "$cq" "$cr") |
| create -> the probe has read the volume, s | $(stats read-raw "$log") | $(stats read-qcow2 "$log") | $(ratio "$rq" "$rr") |
| dom0 RSS of the backend per domain, kB | 0 (in-kernel blkback) | $(stats qemu-rss-kb "$log") | |

Method: \`tests/lab/bench/volume-bench.sh\` in dom0: a 64 MiB ext4 volume
written by one container, the same image converted with \`qemu-img convert
-O qcow2\` and imported (no backing file on either side), then five
alternating pairs of probe containers mounting it read-only, after one
unmeasured pair.  When to choose which: docs/decisions.md ("Volumes: raw or
qcow2").
<!-- volume-bench: end -->
MD
    replace_section volume-bench "$body"
fi

if want kernel; then
    make -s all loader test-images
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    lab_bench tests/lab/bench/kernel-bench.sh
    log=build/lab/share/out/kernel-bench.log
    [ -f "$log" ] || { echo "bench: no $log" >&2; exit 1; }
    # pairs NAME: "own / debian" per pair, then the ratio of the medians.
    col() { awk -v k="$1" -v c="$2" '$1 == "BENCH" && $2 == k { print $c }' "$log" |
        sort -n | awk '{ v[n++] = $1 } END { if (n) print n % 2 ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2 }'; }
    pairs() {
        local each mo md
        each=$(awk -v k="$1" '$1 == "BENCH" && $2 == k { printf "%s / %s; ", $3, $4 }' "$log")
        mo=$(col "$1" 3) md=$(col "$1" 4)
        [ -n "$mo" ] || { echo n/a; return; }
        echo "$each medians $mo / $md: **$(awk -v a="$mo" -v b="$md" 'BEGIN { printf "%.2fx", a / b }')**"
    }
    mem=$(awk '$1 == "BENCH" && $2 == "kernel_min_memory_mb" {
              printf "%s / %s MiB: **%s**", $3, $4,
                  ($4 + 0 > 0 && $3 + 0 > 0) ? sprintf("%.2fx", $3 / $4) : "n/a" }' "$log")
    own=build/loader/xen-tools/out debian=build/loader/xen-tools/out-debian
    # span_mib VMLINUX: the end of its highest PT_LOAD (physical, from 0:
    # Xen places a PV kernel at its load address), what create counts.
    span_mib() {
        local hi=0 a m
        while read -r a m; do
            [ $((a + m)) -gt $hi ] && hi=$((a + m))
        done < <(readelf -lW "$1" 2>/dev/null | awk '$1 == "LOAD" { print $4, $6 }')
        awk -v b=$hi 'BEGIN { printf "%.1f MiB", b / 1048576 }'
    }
    body=$(mktemp)
    cat >"$body" <<MD
<!-- kernel-bench: begin (written by tools/bench.sh; edit the script, not this) -->
## The loader's own kernel against Debian's (\`make bench\`, issue 17)

Measured $(measured) on $(nproc) cores, load average before
the run: $load, Xen 4.17 in QEMU TCG (one lab boot).

| measure (own / Debian) | figures | goal |
|---|---|---|
| unpause -> \`phase=exec\`, s, per pair | $(pairs kernel_unpause_to_exec) | <= 0.5x |
| \`xl create -p\` (domain build), s, per pair | $(pairs kernel_create_paused) | |
| smallest \`memory\` at which the probe exits 0 | ${mem:-n/a} | <= 0.4x |
| kernel as loaded (end of PT_LOAD from 0) / file, initramfs | own $(span_mib "$own/kernel") / $(du -h --apparent-size "$own/kernel" | cut -f1), $(du -h --apparent-size "$own/initramfs" | cut -f1); Debian $(span_mib "$debian/kernel") / $(du -h --apparent-size "$debian/kernel" | cut -f1), $(du -h --apparent-size "$debian/initramfs" | cut -f1) | |

Method: \`tests/lab/bench/kernel-bench.sh\` in dom0 boots the probe root
volume (erofs, tmpfs upper, one vCPU, 128 MB, no vif) with plain \`xl
create -p\` from each loader's kernel and initramfs plus the boot spec
archive, the two kernels alternating, and times (dom0's /proc/uptime) the
paused create and then \`xl unpause\` until \`data/xl-oci/phase = exec\`
(polled every 0.2 s).  The smallest memory is found by bisection to 2 MiB
with the probe \`exit 0\` (phase \`exited\`, exit code 0), with plain \`xl
create\`, so create's own floor check does not interfere; a try fails when
xl create fails, or the domain crashes or shuts down without exiting 0.
<!-- kernel-bench: end -->
MD
    replace_section kernel-bench "$body"
    rm -f "$body"
fi

if want density; then
    make -s all loader test-images
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    # dom0 keeps its 1 GiB; QEMU gets 4 GiB more and Xen's own share, so
    # the pool for guests is about 4 GiB (the log states Xen's figure).
    # Hours under TCG (a create takes 8-20 s with 150 domains): past the
    # lab's one-hour cap for test runs.
    LAB_MEM=${LAB_MEM:-5248} LAB_TIMEOUT=${LAB_TIMEOUT:-9000} lab_bench \
        tests/lab/bench/density-bench.sh tests/lab/bench/scale-bench.sh
    log=build/lab/share/out/density-bench.log
    slog=build/lab/share/out/scale-bench.log
    [ -f "$log" ] || { echo "bench: no $log" >&2; exit 1; }
    [ -f "$slog" ] || { echo "bench: no $slog" >&2; exit 1; }
    val() { awk -v k="$1" -v w="$2" '$1 == "BENCH" && $2 == k && $3 == w { print $4 }' "$log" | tail -n 1; }
    refusal() { awk -v w="$1" '$1 == "BENCH" && $2 == "density_first_refusal" && $3 == w { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }' "$log" | tail -n 1; }
    val2() { awk -v k="$1" '$1 == "BENCH" && $2 == k { print $3 }' "$slog" | tail -n 1; }
    fo=$(val density_floor_mb own) fd=$(val density_floor_mb debian)
    no=$(val density_running own) nd=$(val density_running debian)
    free=$(awk '$1 == "BENCH" && $2 == "density_xen_free_mb" { print $3 }' "$log" | tail -n 1)
    ratio=$(awk -v a="$no" -v b="$nd" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')
    others() { awk -v n="$1" '$1 == "BENCH" && $2 == "create_with_others" && $3 == n { print "BENCH x " $4 }' "$slog"; }
    s1=$(others 1 | stats x /dev/stdin) s50=$(others 50 | stats x /dev/stdin)
    m1=$(others 1 | median x /dev/stdin) m50=$(others 50 | median x /dev/stdin)
    sratio=$(awk -v a="$m50" -v b="$m1" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')
    body=$(mktemp)
    cat >"$body" <<MD
<!-- density-bench: begin (written by tools/bench.sh; edit the script, not this) -->
## Containers running at once in a 4 GiB pool (\`make bench\`, issue 17)

Measured $(measured) on $(nproc) cores, load average before
the run: $load, Xen 4.17 in QEMU TCG (one lab boot), Xen's free memory
before the first container: ${free:-n/a} MB.

| loader | memory floor create states, MiB | probe containers running at once | what stopped the next create |
|---|---|---|---|
| own kernel (default) | ${fo:-n/a} | ${no:-n/a} | $(refusal own) |
| Debian's kernel (before issue 17) | ${fd:-n/a} | ${nd:-n/a} | $(refusal debian) |
| own / Debian | | **$ratio** (goal >= 3x) | |

Smallest memory at which a probe container with one vif on a managed
network reaches running (own kernel; the floor above is without a vif):
$(val2 density_vif_floor_mb) MiB.

| \`xl-oci create\` returns (own kernel, 64 MiB, one vif on a managed network), s | min / median / max |
|---|---|
| with 1 other container running on the network | $s1 |
| with 50 others running on the network | $s50 |
| ratio of medians 50 / 1 | **$sratio** (goal <= 1.2x) |

Method: \`tests/lab/bench/density-bench.sh\` in dom0 (1 GiB, not in the
pool): for each loader it reads the floor from \`xl-oci create -N\` of a
config with \`memory = 8\`, then creates probe containers (\`sleep\`, one
vCPU, no vif, the probe's erofs root volume) at exactly that memory until
create fails (or ${DENSITY_MAX:-160}), waits until every one has reached
\`running\` (phase exec) or failed, and counts those running.  All are
destroyed before the other loader's round (Debian's first).  After the
rounds, \`tests/lab/bench/scale-bench.sh\`: a container with one vif on the managed network \`scale\` at the
floor, then 2, 4, 8, 16 MiB above it, until one runs; then one more
container (\`xl-oci -vv create\`, own kernel, 64 MiB, one vif on
\`scale\`) is created and destroyed 5 times with 1, then with 50 others
running on that network (64 MiB each), each waited for until running; the
log keeps the per-phase output of the last create of each
(build/lab/share/out/scale-bench.log).  The state root is on dom0's
tmpfs root; create keeps no per-container ramdisk there (it did until
2026-12-01, and the first counted run stopped at 116 on a full disk).
<!-- density-bench: end -->
MD
    replace_section density-bench "$body"
    rm -f "$body"
fi

if want exec; then
    make -s all loader test-images
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    lab_bench tests/lab/bench/exec-bench.sh
    log=build/lab/share/out/exec-bench.log
    [ -f "$log" ] || { echo "bench: no $log" >&2; exit 1; }
    e=$(median exec-true "$log") c=$(median xloci-create "$log") cn=$(median xloci-create-novif "$log")
    ratio=$(awk -v a="$e" -v b="$c" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')
    ratio_n=$(awk -v a="$e" -v b="$cn" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')
    step() { printf '| %s | %s |\n' "$2" "$(stats "exec-step-$1" "$log")"; }
    body=$(mktemp)
    cat >"$body" <<MD
<!-- exec-bench: begin (written by tools/bench.sh; edit the script, not this) -->
## exec round trip against create (\`make bench\`, issue 15)

Measured $(measured) on $(nproc) cores, load average before
the run: $load, Xen 4.17 in QEMU TCG (one lab boot).

| measure | min / median / max | goal |
|---|---|---|
| \`xl-oci exec NAME true\` in a running container, whole command, s | $(stats exec-true "$log") | |
| \`xl-oci create\` of the same container (one vif) until it returns, s | $(stats xloci-create "$log") | |
| ratio of medians exec / create | **$ratio** | <= 0.1x |
| \`xl-oci create\` without a vif (the quickest create), s | $(stats xloci-create-novif "$log") | |
| ratio of medians exec / create without a vif | **$ratio_n** | <= 0.1x |
| the first exec after the container started, s | $(stats exec-first "$log") | |
| monitor of a running container (\`oci_restart = "always"\`), Rss / VmHWM, KiB | $(median monitor-rss-kb "$log") / $(median monitor-hwm-kb "$log") | <= 2048 |
| monitor after its on-failure policy re-created the domain, Rss / VmHWM, KiB | $(median monitor-restarted-rss-kb "$log") / $(median monitor-restarted-hwm-kb "$log") | <= 2048 |

Where one exec's time goes (seconds, each step from the one before; the
steps \`xl-oci -v exec\` stamps, the start-up from the shell's
\$EPOCHREALTIME to the first stamp):

| step | min / median / max |
|---|---|
$(step startup "process start: fork, exec, dynamic loader, to \`main_exec\`")
$(step status "xenstore opened, DomainStatus read")
$(step lock "\`exec.lock\` taken")
$(step connect "\`libxenvchan_client_init\`: xenstore, event channel, grant map (and waits for the guest's offer)")
$(step request "request framed and written")
$(step started "guest: fork, join the container, user and env rules, execve (STARTED)")
$(step exit "\`true\` runs and exits, reaped, EXIT sent and read")
$(step close "\`libxenvchan_close\`, lock released")
$(step teardown "return from main until the shell sees the exit")
| waits for the guest's offer per exec (xenstore watch events) | $(stats exec-waits "$log") |
| for scale: \`xl-oci --version\` (start-up and exit alone) | $(stats version "$log") |
| for scale: \`xenstore-read domid\` (a small Xen tool, one read) | $(stats xenstore-read "$log") |
| for scale: \`busybox true\` (fork and exec of a static program) | $(stats static-true "$log") |

Method: \`tests/lab/bench/exec-bench.sh\` in dom0: the probe container
(128 MB, one vCPU, the probe's erofs root volume, one vif on xenbr0, as in
create-bench) is created and destroyed $(grep -c '^BENCH xloci-create ' "$log") times, alternating with the
same container without a vif; then one more
(\`oci_restart = "always"\`) runs \`sleep\`, and after one unmeasured exec
\`xl-oci -v exec e true\` runs $(grep -c '^BENCH exec-true ' "$log") times back to back, timed with bash's
\$EPOCHREALTIME around each command.  The monitor's Rss is
/proc/PID/smaps_rollup's (page tables walked), VmHWM /proc/PID/status's
peak; Linux 6.1 syncs the counters behind VmHWM and VmRSS only every 64
page faults per thread, so for a monitor that has faulted little since it
started they read near zero (4 KiB) and Rss is the figure.  The restarted
monitor's container runs \`sleep 4000 exit 1\` with \`oci_restart =
"on-failure:1"\`, measured once its domain runs again.
<!-- exec-bench: end -->
MD
    replace_section exec-bench "$body"
    rm -f "$body"
    grep '^BENCH' "$log" >&2
fi
