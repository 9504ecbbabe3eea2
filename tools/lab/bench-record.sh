#!/bin/bash
# bench-record.sh: write the lab benchmark's section of BENCHMARKS.md.
#
# usage: tools/lab/bench-record.sh BENCHMARKS.md "READY..." "CREATE..." "KEY..."
#   Each quoted argument is a space-separated list of seconds, one per boot.
# Only the text between the "lab-bench" markers is replaced; the rest of the
# file (other people's sections) is kept as it is.  The file is created if it
# does not exist.
set -euo pipefail
file=$1 ready=$2 create=$3 key=$4
load_before=${LAB_LOAD_BEFORE:-$(cut -d" " -f1-3 /proc/loadavg)}

# stats LIST: "min / median / max" of the numbers in LIST.
stats() {
    tr ' ' '\n' <<< "$1" | grep . | sort -n | awk '
        { v[NR] = $1 }
        END {
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.1f / %.1f / %.1f", v[1], m, v[NR]
        }'
}

n=$(wc -w <<< "$ready")
section=$(cat <<EOF
<!-- lab-bench: begin (written by tools/lab/lab bench; edit the script, not this) -->
## Lab floor: Xen boot and a plain PV guest (\`make bench\`)

Measured $(date -u +%Y-%m-%d\ %H:%M\ UTC) on $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)),
load average before the run: $load_before, QEMU $(qemu-system-x86_64 --version | head -n 1 | awk '{print $4}') TCG, $n boots.

| step (seconds) | min / median / max | each boot |
|---|---|---|
| QEMU start → dom0 ready | $(stats "$ready") | $ready |
| \`xl create\` returns (PV, disk + vif) | $(stats "$create") | $create |
| \`xl create\` → guest's xenstore key read in dom0 | $(stats "$key") | $key |

Method: \`tools/lab/lab bench $n\` boots Xen 4.17 (Debian) + dom0 under
\`qemu-system-x86_64 -accel tcg -cpu qemu64,+svm,+npt,+rdrand -smp ${LAB_SMP_USED:-?} -m 2048\`,
dom0_mem=${LAB_DOM0_MEM_USED:-?}, $n times.  "dom0 ready" is QEMU's start until the host sees dom0's READY line
in the 9p share (written after modules, xenstored, xen-init-dom0, xenconsoled
and the bridge are up; the host polls every 0.2 s).  The guest is the smoke
scenario's plain PV guest: the uncompressed Debian 6.1 vmlinux from dom0's
tmpfs, a one-file initramfs whose static /init writes one xenstore key, 128 MB,
one vCPU, a phy (loop) disk and a vif on xenbr0.  Its times are taken in dom0
(/proc/uptime) from just before \`xl create\` until \`xenstore-read\` (polled
every 0.2 s) sees the key.  These are the floor that the loader and
\`xl-oci create\` are compared against.
<!-- lab-bench: end -->
EOF
)

if [ ! -f "$file" ]; then
    printf '# Benchmarks\n\n%s\n' "$section" > "$file"
elif grep -q '^<!-- lab-bench: begin' "$file"; then
    awk -v s="$section" '
        /^<!-- lab-bench: begin/ { print s; skip = 1; next }
        /^<!-- lab-bench: end/ { skip = 0; next }
        !skip { print }' "$file" > "$file.tmp"
    mv "$file.tmp" "$file"
else
    printf '\n%s\n' "$section" >> "$file"
fi
echo "lab: wrote the lab-bench section of $file"
