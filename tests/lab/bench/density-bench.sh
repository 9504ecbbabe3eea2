# density-bench.sh: issue 17's density benchmark, in the lab's dom0
# (tools/bench.sh runs it with BENCH_ONLY=density and a 4 GiB pool for
# guests; the test tiers do not).  For each loader, the loader's own kernel
# (xen-tools, the default) and Debian's (xen-tools-debian), it reads the
# memory floor `xl-oci create` states for the probe root volume, then
# creates probe containers (`sleep`, no vif, one vCPU) at exactly that
# memory until create fails or DENSITY_MAX is reached, waits until each
# has reached phase=exec (or failed), and counts the containers running at
# once.  All are destroyed before the other loader's round.  (Create time
# at scale is scale-bench.sh, in the same boot.)
# Prints "BENCH density_floor_mb KIND MB", "BENCH density_running KIND N",
# "BENCH density_xen_free_mb MB" (Xen's free memory before the rounds) and
# "BENCH density_first_refusal KIND TEXT".  Under TCG with other work on
# the host a create took 8-20 s (more with more domains): the own round
# alone took 51 minutes on 2026-12-01.
# lab-timeout: 5400

export XL_OCI_ROOT=$LAB_WORK/state
cp -a /usr/lib/xl-oci-lab/images/probe "$LAB_WORK/probe" || { lab_fail setup "no probe root volume"; exit 1; }
max=${DENSITY_MAX:-160}
echo "BENCH density_xen_free_mb $(xl info free_memory)"

cfg() { # NAME MEMORY LOADER
    printf 'name = "%s"\nmemory = %s\nvcpus = 1\noci_root = "%s"\noci_loader = "%s"\noci_cmd = [ "sleep", "86400000" ]\n' \
        "$1" "$2" "$LAB_WORK/probe" "$3" >"$LAB_WORK/$1.cfg"
}

# round KIND LOADER_DIR
round() {
    local kind=$1 ldir=$2 floor n=0 running=0 i name out t0
    cfg "${kind}floor" 16 "$ldir"
    floor=$(xl-oci create -N "$LAB_WORK/${kind}floor.cfg" 2>&1 | sed -n 's/.*set memory to at least \([0-9]*\).*/\1/p')
    [ -n "$floor" ] || { lab_fail "$kind-floor" "create did not state a floor"; return; }
    echo "BENCH density_floor_mb $kind $floor"
    t0=$(lab_now)
    while [ "$n" -lt "$max" ]; do
        name=d$kind$n
        cfg "$name" "$floor" "$ldir"
        if ! out=$(xl-oci create "$LAB_WORK/$name.cfg" 2>&1); then
            echo "BENCH density_first_refusal $kind $(tail -n 1 <<<"$out")"
            xl-oci destroy "$name" >/dev/null 2>&1
            break
        fi
        n=$((n + 1))
    done
    lab_log "$kind: $n created at $floor MiB in $(lab_elapsed "$t0") s; Xen free $(xl info free_memory) MB"
    # Each must reach exec (or fail) before it counts: a guest that ran
    # out of memory while booting is not a running container.
    local left=$n states
    t0=$(lab_now)
    while [ "$left" -gt 0 ] && [ "$(lab_elapsed "$t0" | cut -d. -f1)" -lt 600 ]; do
        # One `list --json` per pass, not a status per container: each
        # xl-oci process costs a TCG dom0 tens of milliseconds.
        read -r left running states < <(xl-oci list --json 2>/dev/null | awk -v p="d$kind" '
            /"name":/ { gsub(/[",]/, "", $2); n = $2 }
            /"state":/ { gsub(/[",]/, "", $2); if (index(n, p) != 1) next
                if ($2 == "running") r++; else if ($2 == "booting" || $2 == "creating") l++; else o = o " " n ":" $2 }
            END { printf "%d %d%s\n", l, r, o }')
        [ "$left" -gt 0 ] && sleep 2
    done
    [ -n "$states" ] && lab_log "$kind: not running:$states"
    echo "BENCH density_running $kind $running"
    lab_ok "$kind-density" "$running of $n running at $floor MiB"
    t0=$(lab_now)
    for ((i = 0; i < n; i++)); do
        xl-oci destroy "d$kind$i" >/dev/null 2>&1
    done
    lab_log "$kind: $n destroyed in $(lab_elapsed "$t0") s"
}

# Debian's round first: it is the shorter one.
round debian /usr/lib/xl-oci/loader/xen-tools-debian
round own /usr/lib/xl-oci/loader/xen-tools

true
