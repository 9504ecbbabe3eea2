# 35-runc.sh: xl-oci-runc, the runc-compatible CLI that containerd's runc
# shim runs, for real in Xen: the OCI lifecycle cases of runtime-tools'
# validation suite written as the project's own (create, start, state,
# kill, delete, the pid file, unknown IDs, delete of a running container
# refused), with the shim's part played by tests/runc/subreaper (the
# placeholder becomes its child and its exit code is the container's).
# Each bundle's rootfs is an overlay mount, as containerd's snapshotter
# makes them: the first container builds the root volume, the second of
# the same layers finds it in the cache.
# lab-timeout: 900

images=/usr/lib/xl-oci-lab/images
export XL_OCI_ROOT=$LAB_WORK/state
SR=/usr/lib/xl-oci/test/subreaper
RLOG=$LAB_WORK/runc-log.json
R() { xl-oci-runc --root "$LAB_WORK/runc" --log "$RLOG" --log-format json "$@"; }
cp -a "$images/probe" "$LAB_WORK/probe" || { lab_fail setup "no probe root volume"; exit 1; }
mkdir -p "$LAB_WORK/lower"
mount -o ro,loop "$LAB_WORK/probe/rootfs.erofs" "$LAB_WORK/lower" ||
    { lab_fail setup "cannot mount the probe image"; exit 1; }

# mkbundle NAME PROBE-ARGS...: a bundle like containerd's: rootfs an overlay
# of the image's layer with a per-container upper, config.json the runtime
# spec xl-oci renders for the probe with those arguments.
mkbundle() {
    local b=$LAB_WORK/$1 name=$1
    shift
    mkdir -p "$b/rootfs" "$b/snap"
    mount -t tmpfs tmpfs "$b/snap" && mkdir -p "$b/snap/fs" "$b/snap/work" &&
        mount -t overlay overlay \
            -o "lowerdir=$LAB_WORK/lower,upperdir=$b/snap/fs,workdir=$b/snap/work" \
            "$b/rootfs" || return 1
    local args="" a
    for a in "$@"; do args="$args\"$a\", "; done
    printf 'name = "%s"\noci_root = "%s"\noci_cmd = [ %s ]\n' \
        "$name" "$LAB_WORK/probe" "${args%, }" >"$b/app.cfg"
    xl-oci create -N --runtime-spec "$b/config.json" "$b/app.cfg" >/dev/null
}
# exited REPORT: the placeholder's exit code from the subreaper's report
# (REPORT's pid file says which child it is: the monitor is reaped there
# too, with its own status).
exited() { sed -n "s/^exited $(cat "${1%.report}.pid" 2>/dev/null) //p" "$1" | tail -n 1; }
wait_exited() { # wait_exited REPORT SECONDS
    local i
    for ((i = 0; i < $2 * 5; i++)); do
        [ -n "$(exited "$1")" ] && return 0
        sleep 0.2
    done
    return 1
}
ocistate() { R state "$1" 2>/dev/null | sed -n "s/^ *\"$2\": \(.*\),\{0,1\}$/\1/p" | tr -d '",'; }
wait_oci() { # wait_oci ID STATUS SECONDS
    local i
    for ((i = 0; i < $3 * 5; i++)); do
        [ "$(ocistate "$1" status)" = "$2" ] && return 0
        sleep 0.2
    done
    return 1
}
last_error() { tail -n 1 "$RLOG" 2>/dev/null; }

# --- one container through its whole life ----------------------------------
mkbundle b1 args exit 42 || lab_fail setup "bundle b1"
t0=$(lab_now)
"$SR" "$LAB_WORK/c1.report" xl-oci-runc --root "$LAB_WORK/runc" --log "$RLOG" \
    --log-format json create --bundle "$LAB_WORK/b1" --pid-file "$LAB_WORK/c1.pid" c1 \
    >"$LAB_WORK/c1.out" 2>&1 &
for ((i = 0; i < 600; i++)); do grep -q '^command' "$LAB_WORK/c1.report" 2>/dev/null && break; sleep 0.2; done
[ "$(sed -n 's/^command //p' "$LAB_WORK/c1.report")" = 0 ] &&
    lab_ok create "in $(lab_elapsed "$t0")s" ||
    lab_fail create "$(cat "$LAB_WORK/c1.report" 2>/dev/null) $(last_error)"
pid=$(cat "$LAB_WORK/c1.pid" 2>/dev/null)
case "$pid" in
'' | *[!0-9]*) lab_fail pid-file "'$pid'" ;;
*) [ "$(wc -c <"$LAB_WORK/c1.pid")" = "${#pid}" ] && lab_ok pid-file-bare-pid ||
    lab_fail pid-file-bare-pid "has more than the pid" ;;
esac
[ "$(ocistate c1 status)" = created ] && [ "$(ocistate c1 pid)" = "$pid" ] &&
    lab_ok state-created || lab_fail state-created "$(R state c1 2>&1 | tr '\n' ' ')"
[ "$(st c1 state)" = paused ] && lab_ok domain-paused-until-start ||
    lab_fail domain-paused-until-start "state $(st c1 state)"
lab_check start R start c1
if wait_exited "$LAB_WORK/c1.report" 120; then
    [ "$(exited "$LAB_WORK/c1.report")" = 42 ] && lab_ok exit-code-42 ||
        lab_fail exit-code-42 "placeholder exited $(exited "$LAB_WORK/c1.report")"
else
    lab_fail exit-code-42 "placeholder still there; state $(st c1 state)"
fi
grep -qF "probe: arg[2]=exit" "$LAB_WORK/c1.out" && lab_ok output-reaches-stdio ||
    lab_fail output-reaches-stdio "$(head -c 300 "$LAB_WORK/c1.out")"
[ "$(ocistate c1 status)" = stopped ] && lab_ok state-stopped || lab_fail state-stopped "$(ocistate c1 status)"
lab_check delete R delete c1
R state c1 >/dev/null 2>&1 && lab_fail state-after-delete "still there" ||
    { last_error | grep -q '"level":"error".*does not exist.*"time":"' &&
        lab_ok state-after-delete-fails-json-log || lab_fail state-after-delete-fails-json-log "$(last_error)"; }

# --- unknown IDs, duplicates -------------------------------------------------
for verb in start state delete "kill"; do
    R $verb nosuch >/dev/null 2>&1 && lab_fail "$verb-unknown-id" "succeeded" ||
        { last_error | grep -q 'does not exist' && lab_ok "$verb-unknown-id" ||
            lab_fail "$verb-unknown-id" "$(last_error)"; }
done

# --- a second container of the same layers: the cached volume --------------
# c1 is deleted: its cached volume stays, and c2 must use it as it is
# (same directory, same rootfs.erofs inode and mtime: no mkfs ran).
vols=$(ls "$XL_OCI_ROOT/volumes/sha256" 2>/dev/null | wc -l)
img_id() { stat -c '%i %Y' "$XL_OCI_ROOT"/volumes/sha256/*/rootfs.erofs 2>/dev/null; }
before=$(img_id)
mkbundle b2 trap 10 7 sleep 600000 || lab_fail setup "bundle b2"
"$SR" "$LAB_WORK/c2.report" xl-oci-runc --root "$LAB_WORK/runc" --log "$RLOG" \
    --log-format json create --bundle "$LAB_WORK/b2" --pid-file "$LAB_WORK/c2.pid" c2 \
    >"$LAB_WORK/c2.out" 2>&1 &
for ((i = 0; i < 600; i++)); do grep -q '^command' "$LAB_WORK/c2.report" 2>/dev/null && break; sleep 0.2; done
[ "$vols" = 1 ] && [ -n "$before" ] && [ "$(img_id)" = "$before" ] &&
    lab_ok same-layers-same-volume ||
    lab_fail same-layers-same-volume "volumes $vols -> $(ls "$XL_OCI_ROOT/volumes/sha256" | wc -l), image '$before' -> '$(img_id)'"
R create --bundle "$LAB_WORK/b2" c2 >/dev/null 2>&1 && lab_fail duplicate-id "succeeded" ||
    { last_error | grep -q 'already exists' && lab_ok duplicate-id || lab_fail duplicate-id "$(last_error)"; }
lab_check start-c2 R start c2
wait_log c2 "^probe: trapping 10" 120 ||
    lab_fail c2-runs "state $(st c2 state): $(xl-oci status c2 2>&1 | grep error) $(xl-oci logs c2 2>&1 | tail -n 3 | tr '\n' ' ')"
R delete c2 >/dev/null 2>&1 && lab_fail delete-running-refused "succeeded" ||
    { last_error | grep -q 'not stopped' && lab_ok delete-running-refused || lab_fail delete-running-refused "$(last_error)"; }
# What a container costs in dom0 besides its domain: the placeholder and
# the monitor (the shim is containerd's).  Goal: <= 2 MiB together.
rss() { # RSS in kB from the page tables (VmRSS lags for small processes)
    awk '/^Rss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null
}
ph=$(rss "$(cat "$LAB_WORK/c2.pid")")
mon=$(rss "$(head -n 1 "$XL_OCI_ROOT/domains/c2/monitor.lock" 2>/dev/null)")
lab_ok dom0-cost "placeholder ${ph:-?} kB, monitor ${mon:-?} kB RSS"
[ "$(R ps --format json c2)" = "[$(cat "$LAB_WORK/c2.pid")]" ] && lab_ok ps-json ||
    lab_fail ps-json "$(R ps --format json c2 2>&1)"
lab_check pause R pause c2
[ "$(ocistate c2 status)" = paused ] && lab_ok state-paused || lab_fail state-paused "$(ocistate c2 status)"
lab_check resume R resume c2
# Any signal but KILL is the domain's orderly poweroff, on which the loader
# sends the container its stop signal: the probe image's SIGUSR1 (10),
# which the bundle's spec carries (org.xl-oci.stop-signal).
lab_check kill-term R kill c2 TERM
if wait_exited "$LAB_WORK/c2.report" 120; then
    [ "$(exited "$LAB_WORK/c2.report")" = 7 ] && lab_ok term-reaches-the-entrypoint ||
        lab_fail term-reaches-the-entrypoint "exit code $(exited "$LAB_WORK/c2.report")"
else
    lab_fail term-reaches-the-entrypoint "placeholder still there; state $(st c2 state)"
fi
R kill c2 KILL >/dev/null 2>&1 && lab_fail kill-stopped "succeeded" ||
    { last_error | grep -q 'container not running' && lab_ok kill-stopped-says-not-running ||
        lab_fail kill-stopped-says-not-running "$(last_error)"; }
lab_check delete-c2 R delete c2

# --- SIGKILL: the domain goes at once, 137 ---------------------------------
mkbundle b3 sleep 600000 || lab_fail setup "bundle b3"
"$SR" "$LAB_WORK/c3.report" xl-oci-runc --root "$LAB_WORK/runc" --log "$RLOG" \
    --log-format json create --bundle "$LAB_WORK/b3" --pid-file "$LAB_WORK/c3.pid" c3 \
    >"$LAB_WORK/c3.out" 2>&1 &
for ((i = 0; i < 600; i++)); do grep -q '^command' "$LAB_WORK/c3.report" 2>/dev/null && break; sleep 0.2; done
R start c3 >/dev/null 2>&1
wait_oci c3 running 60
lab_check kill-9 R kill c3 9
wait_exited "$LAB_WORK/c3.report" 60
if [ "$(exited "$LAB_WORK/c3.report")" = 137 ]; then
    lab_ok kill-exit-137
else
    lab_fail kill-exit-137 "exit code '$(exited "$LAB_WORK/c3.report")'"
    { echo "--- xl list"; xl list; echo "--- status c3"; xl-oci status c3
      echo "--- c3's monitor log"; tail -n 20 "${XL_OCI_LOG_DIR:-/var/log/xen/oci}/c3.monitor.log"
      echo "--- runc log"; tail -n 5 "$RLOG"; echo "--- processes"; ps -o pid,ppid,args | grep -v '\['
    } >&2
fi
lab_check delete-c3 R delete c3
R exec c3 >/dev/null 2>&1 && lab_fail exec-not-supported "succeeded" ||
    { last_error | grep -q 'exec is not supported' && lab_ok exec-not-supported || lab_fail exec-not-supported "$(last_error)"; }

# --- nothing left --------------------------------------------------------------
sleep 1
left=""
[ "$(xl list | tail -n +3 | wc -l)" -eq 0 ] || left="$left domains"
xenstore-list /tool/xl-oci 2>/dev/null | grep -q . && left="$left xenstore"
ls "$XL_OCI_ROOT/domains" 2>/dev/null | grep -q . && left="$left state-dirs"
ls "$LAB_WORK/runc" 2>/dev/null | grep -q . && left="$left runc-state"
for c in /proc/[0-9]*/comm; do
    case "$(cat "$c" 2>/dev/null)" in
    xl-oci-runc | xl-oci-monitor | subreaper) left="$left $(cat "$c")" ;;
    esac
done
[ -z "$left" ] && lab_ok nothing-left || lab_fail nothing-left "left:$left"
xl-oci prune >/dev/null 2>&1
[ "$(ls "$XL_OCI_ROOT/volumes/sha256" 2>/dev/null | wc -l)" = 0 ] && lab_ok prune-removes-unused-bundle-volume ||
    lab_fail prune-removes-unused-bundle-volume "$(ls "$XL_OCI_ROOT/volumes/sha256")"
for b in b1 b2 b3; do umount "$LAB_WORK/$b/rootfs" "$LAB_WORK/$b/snap" 2>/dev/null; done
umount "$LAB_WORK/lower"
