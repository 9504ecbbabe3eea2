# containerd-bench.sh (make bench, issue 14): `ctr run` to the
# entrypoint's first output against `xl-oci create` of the same image, side
# by side in one lab boot; where ctr run's time goes; what a container
# costs in dom0 (placeholder + monitor RSS, and the shim's).
# containerd, ctr and the shim run from dom0's root (lab_ctrd_start copies
# them there from the share, as a host runs them from its disk).
# lab-needs: containerd
# lab-timeout: 1200
lab_ctrd_start || exit 1
# A first run builds the root volume from containerd's snapshot (cached
# for the next containers of the same layers): not what is measured.
t0=$(lab_now)
"${RUN[@]}" --rm "$IMG" warm /bin/sh -c 'echo warm' >/dev/null 2>&1
echo "BENCH ctr-first-run $(lab_elapsed "$t0")"

# ctr_run NAME RUNTIME [TAG CTR-ARGS...]: one `ctr run --rm` of `echo
# first-output` (with CTR-ARGS before the image; TAG names its BENCH lines,
# default ctr-run).
# Prints the seconds to the first line on ctr's stdout (stamped when it
# arrives, not when ctr exits: --rm waits for the domain's end and the
# delete) and to ctr's exit, and with the wrappers below the breakdown of
# the stamps they left; nothing for a run whose first line was not
# first-output.
trace=$LAB_WORK/trace
ctr_run() {
    : >"$trace"
    local t0 name=$1 runtime=$2 tag=${3:-ctr-run}
    shift 2
    [ $# -gt 0 ] && shift
    t0=$(lab_now)
    C run --runtime io.containerd.runc.v2 --runc-binary "$runtime" \
        --rm "$@" "$IMG" "$name" /bin/sh -c 'echo first-output' 2>/dev/null |
        { IFS= read -r l && echo "$(lab_now) first $l" >>"$trace"; cat >/dev/null; }
    echo "$(lab_now) exited" >>"$trace"
    awk -v t0="$t0" -v tag="$tag" '
        $2 == "begin" && $3 == "shim" && !sb { sb = $1 }
        $2 == "end" && $3 == "shim" && !se { se = $1 }
        $2 == "begin" && $3 == "runc" && !($4 in b) { b[$4] = $1 }
        $2 == "end" && $3 == "runc" && !($4 in e) { e[$4] = $1 }
        $2 == "first" && $3 == "first-output" { f = $1 }
        $2 == "exited" { x = $1 }
        END {
            if (!f) exit
            if (!sb) {
                printf "BENCH %s-first-output %.2f\n", tag, f - t0
                printf "BENCH %s-exit %.2f\n", tag, x - t0
                exit
            }
            if (!se || !("create" in b) || !("start" in e)) exit
            printf "BENCH trace-to-shim %.2f\n", sb - t0
            printf "BENCH trace-shim-start %.2f\n", se - sb
            printf "BENCH trace-shim-to-create %.2f\n", b["create"] - se
            printf "BENCH trace-before-create %.2f\n", b["create"] - t0
            printf "BENCH trace-create %.2f\n", e["create"] - b["create"]
            printf "BENCH trace-between %.2f\n", b["start"] - e["create"]
            printf "BENCH trace-start %.2f\n", e["start"] - b["start"]
            printf "BENCH trace-to-output %.2f\n", f - e["start"]
        }' "$trace"
}


# Both after a first run built the root volume (containerd's snapshot is
# cached by xl-oci-runc; xl-oci's by the pull), each measured from the
# command's start to the entrypoint's first line: on ctr's stdout, and in
# `xl-oci logs` (polled every 0.1 s); five runs of each, alternating; the
# median is reported.
xl-oci pull -q "oci:$TOOLS/images/img:latest" >"$LAB_WORK/pull.out" 2>&1 ||
    lab_fail pull-same-image "$(tail -n 3 "$LAB_WORK/pull.out")"
# The files CRI binds into every container (its /etc/hosts, hostname and
# resolv.conf), for the runs that measure what copying binds costs.
cri_etc "$LAB_WORK/cri-etc" pod
binds=("${CRI_MOUNTS[@]}")
for n in 1 2 3 4 5; do
    ctr_run "b$n" "$RUNC"
    ctr_run "m$n" "$RUNC" ctr-binds "${binds[@]}"
    printf 'name = "x%s"\noci_image = "oci:%s:latest"\noci_cmd = [ "/bin/sh", "-c", "echo first-output" ]\n' \
        "$n" "$TOOLS/images/img" >"$LAB_WORK/x$n.cfg"
    t0=$(lab_now)
    if xl-oci -v create "$LAB_WORK/x$n.cfg" >"$LAB_WORK/x$n.out" 2>&1; then
        echo "BENCH xloci-create-returns $(lab_elapsed "$t0")"
        # The first line as it arrives, as ctr's side gets it: through
        # xl-oci-placeholder, which follows the console log with inotify
        # as it does for the shim (polling `xl-oci logs`, as this bench did
        # before 2026-12-01 10:30, added up to ~0.3 s to this side).
        first=$(timeout 120 xl-oci-placeholder --root "$XL_OCI_ROOT" "x$n" 2>/dev/null |
            { IFS= read -r l && echo "$(lab_now) $l"; cat >/dev/null; })
        case $first in
        *" first-output") echo "BENCH xloci-create-first-output $(awk -v a="$t0" -v b="${first%% *}" 'BEGIN { printf "%.2f", b - a }')" ;;
        *) lab_log "x$n: no first line through the placeholder: '$first'" ;;
        esac
    else
        lab_log "xl-oci create x$n: $(tail -n 2 "$LAB_WORK/x$n.out")"
    fi
    [ "$n" = 1 ] && grep -o 'create: [0-9.]* ms: .*' "$LAB_WORK/x$n.out" | sed 's/^/xloci-stamp /'
    xl-oci destroy "x$n" >/dev/null 2>&1
done

# Where ctr run's time goes: two more runs (not in the medians) through
# wrappers that stamp (dom0 uptime) each runtime and shim call's start and
# end in $trace: named as the binaries, first in the PATH of a containerd
# started again, and given to ctr as --runc-binary.  The gap splits into
# ctr and containerd up to the shim, the shim's start, the shim up to
# create, create, the shim between create and start, start, and start to
# the first output.
wrap=$LAB_WORK/wrap
mkdir -p "$wrap"
cat >"$wrap/traced-runc" <<SH
#!/bin/sh
verb=
for a in "\$@"; do case "\$a" in create|start|state|kill|delete|features) verb=\$a; break;; esac; done
echo "\$(cut -d' ' -f1 /proc/uptime) begin runc \$verb" >>"$trace"
if [ "\$verb" = create ]; then
    # create's steps (--debug) land in the shim's --log file
    log= prev=
    for a in "\$@"; do [ "\$prev" = --log ] && log=\$a; prev=\$a; done
    "$RUNC" --debug "\$@"
    rc=\$?
    [ -n "\$log" ] && grep -o '"msg":"create: [^"]*"' "\$log" |
        sed 's/^"msg":"/runc-stamp /; s/"\$//' >>"$trace.stamps"
else
    "$RUNC" "\$@"
    rc=\$?
fi
echo "\$(cut -d' ' -f1 /proc/uptime) end runc \$verb" >>"$trace"
exit \$rc
SH
# containerd looks the shim up in its PATH (the shim's daemon re-executes
# /proc/self/exe, the real one).
cat >"$wrap/containerd-shim-runc-v2" <<SH
#!/bin/sh
echo "\$(cut -d' ' -f1 /proc/uptime) begin shim" >>"$trace"
"$(command -v containerd-shim-runc-v2)" "\$@"
rc=\$?
echo "\$(cut -d' ' -f1 /proc/uptime) end shim" >>"$trace"
exit \$rc
SH
chmod +x "$wrap/traced-runc" "$wrap/containerd-shim-runc-v2"
ctrd_down
PATH=$wrap:$PATH ctrd_up 300 0.2

for n in 1 2; do
    : >"$trace.stamps"
    ctr_run "tr$n" "$wrap/traced-runc" | grep '^BENCH trace-'
    cat "$trace.stamps"
done

# What a running container costs in dom0 besides its domain: the
# placeholder (the task's pid) and the monitor; the shim (the
# placeholder's parent) is containerd's.  RSS from the page tables; PSS
# too, since both are static programs whose RSS is mostly text pages
# (libc's, the same code in both files but not the same pages).
rss() { awk '/^Rss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null; }
pss() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null; }
if C run --runtime io.containerd.runc.v2 --runc-binary "$RUNC" -d "$IMG" m1 \
    /bin/sh -c 'echo up; sleep 600' >/dev/null 2>&1; then
    wait_log m1 "^up" 120 >/dev/null 2>&1
    ph=$(C task ls | awk '$1 == "m1" { print $2 }')
    mon=$(head -n 1 "$XL_OCI_ROOT/domains/m1/monitor.lock" 2>/dev/null)
    shim=$(awk '{ print $4 }' "/proc/$ph/stat" 2>/dev/null)
    p=$(rss "$ph") m=$(rss "$mon") s=$(rss "$shim")
    [ -n "$p" ] && echo "BENCH placeholder-rss-kb $p"
    [ -n "$m" ] && echo "BENCH monitor-rss-kb $m"
    [ -n "$p" ] && [ -n "$m" ] && echo "BENCH placeholder-monitor-rss-kb $((p + m))"
    [ -n "$s" ] && echo "BENCH shim-rss-kb $s"
    p=$(pss "$ph") m=$(pss "$mon")
    [ -n "$p" ] && [ -n "$m" ] && echo "BENCH placeholder-monitor-pss-kb $((p + m))"
    # Where each one's RSS lies, mapping by mapping (text, data, heap,
    # stack), for whoever cuts it next.
    for who in placeholder:"$ph" monitor:"$mon"; do
        awk -v w="${who%%:*}" '/^[0-9a-f]+-[0-9a-f]+ / { m = $2 " " ($6 == "" ? "anon" : $6) }
            /^Rss:/ && $2 > 0 { printf "rss-map %s %s kB %s\n", w, $2, m }' \
            "/proc/${who#*:}/smaps" 2>/dev/null
    done
    C task kill -s SIGKILL m1 >/dev/null 2>&1
    for ((i = 0; i < 300; i++)); do C task ls | grep -q '^m1 .*STOPPED' && break; sleep 0.2; done
    C task delete m1 >/dev/null 2>&1
    C container rm m1 >/dev/null 2>&1
else
    lab_log "ctr run -d m1 failed"
fi
ctrd_down
true
