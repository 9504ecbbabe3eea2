#!/bin/bash
# Tier 57: fault injection on the host side.  A copy of xl-oci built with
# the kill points of common/fault.h (make fault) pulls a test image once
# to list the points it passes (XL_OCI_FAULT_LOG), then again into a fresh
# state root for every point, killed there with SIGKILL.  After each kill:
#   - `images` tells the truth: it exits 0, and lists the image only if its
#     root volume is complete;
#   - nothing half-made is visible: every blob in the store hashes to its
#     name, every volume in volumes/ has all of its files;
#   - the next ordinary pull repairs: it succeeds and gives the same root
#     volume as an uninterrupted pull;
#   - prune then leaves tmp/ empty (no temp files, half blobs or scratch
#     trees left behind).
# A disk-full pull into a small tmpfs state root fails clearly and leaves
# nothing half-written.  Needs root (tmpfs mounts, the test images).
# Then network create, a lease allocation and network rm are killed at
# each of their points, in a private network namespace
# (tests/faults/net-faults.sh).
set -u
top=$(pwd)
fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }
skip() { echo "ok - $1 # SKIP $2"; }

if [ "$(id -u)" != 0 ]; then
    skip "fault tier" "needs root"
    exit 0
fi
if ! make -s fault >/tmp/xl-oci-fault-build.log 2>&1; then
    sed 's/^/# /' /tmp/xl-oci-fault-build.log
    notok "build the fault-injection copy (make fault)"
    exit 1
fi
XO=$top/build/fault/xl-oci
IMG=${XL_OCI_CACHE:-/var/cache/xl-oci}/test-images
if ! tools/mkimage/mkimage.sh build "$IMG" >/tmp/xl-oci-fault-mk.log 2>&1; then
    sed 's/^/# /' /tmp/xl-oci-fault-mk.log
    notok "build test images (tools/mkimage/mkimage.sh)"
    exit 1
fi
REF="oci:$IMG/layout:multi"

W=$(mktemp -d /tmp/xl-oci-t57.XXXXXX)
cleanup() {
    mountpoint -q "$W/full" && umount "$W/full"
    rm -rf "$W"
}
trap cleanup EXIT

# volume_sum ROOT: the manifest digest and the sha256 of the rootfs tree
# (treelist: names, types, modes, owners, sizes, content hashes), so two
# root volumes compare equal when they hold the same files.
volume_sum() {
    local root=$1 v
    v=$(ls -d "$root"/volumes/sha256/* 2>/dev/null | head -1)
    [ -n "$v" ] && [ -f "$v/rootfs.erofs" ] || return 1
    rm -rf "$W/x"
    fsck.erofs --extract="$W/x" "$v/rootfs.erofs" >/dev/null 2>&1 || return 1
    echo "$(basename "$v") $(tests/image/treelist.sh "$W/x" | sha256sum | cut -c1-64)"
}

# store_is_whole ROOT: every blob hashes to its name; every volume has its
# rootfs image, image config and manifest.
store_is_whole() {
    local root=$1 f v
    for f in "$root"/blobs/sha256/*; do
        [ -e "$f" ] || continue
        [ "$(sha256sum < "$f" | cut -c1-64)" = "$(basename "$f")" ] ||
            { echo "# blob $f does not hash to its name"; return 1; }
    done
    for v in "$root"/volumes/sha256/*; do
        [ -e "$v" ] || continue
        for f in rootfs.erofs image-config.json manifest.json; do
            [ -s "$v/$f" ] || { echo "# volume $v lacks $f"; return 1; }
        done
    done
}

# --- the reference pull, which also lists the points ----------------------
: >"$W/points.log"
if ! XL_OCI_FAULT_LOG=$W/points.log "$XO" --root "$W/ref" pull -q "$REF" \
    >"$W/out" 2>&1; then
    sed 's/^/# /' "$W/out"
    notok "reference pull of $REF"
    exit 1
fi
want=$(volume_sum "$W/ref")
mapfile -t points < <(sort "$W/points.log" | uniq -c | awk '{print $2 "=" $1}')
if [ ${#points[@]} -lt 5 ]; then
    notok "the pull passes at least 5 kill points (saw ${#points[@]}: ${points[*]})"
fi

for p in "${points[@]}"; do
    name=${p%=*} count=${p#*=}
    # A point passed many times (one per write) is killed half-way.
    target=$name
    [ "$count" -gt 2 ] && target="$name@$((count / 2))"
    R=$W/r-$name
    # (The braces keep bash's "Killed" notice out of the log.)
    { XL_OCI_FAULT=$target "$XO" --root "$R" pull -q "$REF" >"$W/out" 2>&1; } 2>/dev/null
    rc=$?
    if [ "$rc" -ne 137 ]; then
        sed 's/^/# /' "$W/out"
        notok "kill at $target: the pull died by SIGKILL (exit $rc)"
        continue
    fi
    # An orphaned mkfs.erofs may still be writing under tmp/.
    for _ in $(seq 100); do
        pgrep -f "mkfs.erofs.*$R/" >/dev/null || break
        sleep 0.1
    done
    if ! "$XO" --root "$R" images --json >"$W/images" 2>"$W/out"; then
        sed 's/^/# /' "$W/out"
        notok "kill at $target: images still works"
        continue
    fi
    if grep -q '"sha256:' "$W/images" && [ -z "$(volume_sum "$R")" ]; then
        notok "kill at $target: images lists an image whose volume is not whole"
        continue
    fi
    if ! store_is_whole "$R"; then
        notok "kill at $target: no half-made blob or volume is visible"
        continue
    fi
    if ! "$XO" --root "$R" pull -q "$REF" >"$W/out" 2>&1; then
        sed 's/^/# /' "$W/out"
        notok "kill at $target: the next pull repairs"
        continue
    fi
    got=$(volume_sum "$R")
    if [ "$got" != "$want" ]; then
        notok "kill at $target: the repaired volume equals an uninterrupted pull's ($got vs $want)"
        continue
    fi
    "$XO" --root "$R" prune >/dev/null 2>&1
    left=$(ls -A "$R/tmp" 2>/dev/null)
    # A scratch tmpfs (image/scratch.h) of the killed pull is unmounted.
    grep -q " $R/" /proc/mounts && left="$left (mounted: $(grep " $R/" /proc/mounts | cut -d' ' -f2))"
    if [ -n "$left" ]; then
        notok "kill at $target: prune leaves tmp/ empty (left: $left)"
        continue
    fi
    ok "kill at $target: images truthful, store whole, next pull repairs, prune leaves no temporaries"
done

# --- disk full ---------------------------------------------------------------
# A state root on a tmpfs too small for the image: the pull fails naming
# the cause, and leaves no blob or volume under a real name, nor temporaries.
mkdir -p "$W/full"
if mount -t tmpfs -o size=600k tmpfs "$W/full"; then
    if "$XO" --root "$W/full/root" pull -q "$REF" >"$W/out" 2>&1; then
        notok "disk full: the pull fails (it succeeded in 600 KiB)"
    elif ! grep -qi "no space left" "$W/out"; then
        sed 's/^/# /' "$W/out"
        notok "disk full: the error says the disk is full"
    elif ! store_is_whole "$W/full/root"; then
        notok "disk full: no half-written blob or volume is visible"
    elif [ -n "$(ls -A "$W/full/root/tmp" 2>/dev/null)" ]; then
        notok "disk full: no temporaries are left ($(ls -A "$W/full/root/tmp"))"
    else
        ok "disk full: pull fails saying so and leaves nothing half-written"
    fi
    umount "$W/full"
else
    notok "disk full: mount a tmpfs"
fi

# --- stop racing destroy (a NOHYPER container) ------------------------------
# stop paused before it takes the global lock (XL_OCI_FAULT_PAUSE), a
# destroy of the container in that gap, then stop goes on: it fails saying
# the container is gone, and writes nothing (its stop-requested made the
# removed DomainStatus again, and a new container of the name took it
# over and never restarted: helper-90).
if ! command -v runc >/dev/null || [ ! -x /bin/busybox ]; then
    notok "stop racing destroy: runc and busybox-static are needed (tools/install-deps.sh)"
else
    S=$W/race
    mkdir -p "$S/tree/bin" "$S/tree/etc" "$S/tree/proc" "$S/tree/dev" "$S/tree/sys" "$S/rv"
    cp /bin/busybox "$S/tree/bin/busybox"
    ln -s busybox "$S/tree/bin/sh"
    ln -s busybox "$S/tree/bin/sleep"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$S/tree/etc/passwd"
    mkfs.erofs --quiet "$S/rv/rootfs.erofs" "$S/tree" >/dev/null
    cat >"$S/rv/image-config.json" <<'JSON'
{"architecture": "amd64", "os": "linux",
 "config": {"Env": ["PATH=/bin"], "Cmd": ["sleep", "600"]},
 "rootfs": {"type": "layers", "diff_ids": []}}
JSON
    printf 'name = "sr"\noci_root = "%s"\n' "$S/rv" >"$S/sr.cfg"
    XR=(env XL_OCI_NO_XEN=1 XL_OCI_ROOT="$S/state" XL_OCI_LOG_DIR="$S/log" "$XO")
    # pause_at POINT CMD...: runs CMD in the background (its output in
    # $W/paused.out, its pid in $sp) until a process of it stops at POINT:
    # that one's pid in $paused (empty if none did in 10 s).  It may be a
    # child: stop's work runs in a detached one (cmd_detach.c).
    pause_at() {
        local point=$1
        shift
        XL_OCI_FAULT_PAUSE=$point "$@" >"$W/paused.out" 2>&1 &
        sp=$!
        paused=
        for _ in $(seq 100); do
            for c in $sp $(pgrep -P "$sp"); do
                [ "$(awk '{print $3}' "/proc/$c/stat" 2>/dev/null)" = T ] && paused=$c
            done
            [ -n "$paused" ] && break
            sleep 0.1
        done
    }
    # resume: continues $paused and waits for the command, at most 30 s (a
    # command that does not end fails its case, not the tier); its exit
    # status in $rc.
    resume() {
        [ -n "$paused" ] && kill -CONT "$paused"
        for _ in $(seq 300); do kill -0 "$sp" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$sp" 2>/dev/null && { pkill -KILL -P "$sp"; kill -KILL "$sp"; }
        wait "$sp"
        rc=$?
        [ -n "$paused" ] || echo "never paused at its point" >>"$W/paused.out"
    }
    if ! "${XR[@]}" create "$S/sr.cfg" >"$W/out" 2>&1; then
        sed 's/^/# /' "$W/out"
        notok "stop racing destroy: create the container"
    else
        pause_at end-policy.lock "${XR[@]}" stop -t 5 sr
        "${XR[@]}" destroy sr >/dev/null 2>&1
        resume
        if [ "$rc" = 1 ] && grep -q 'no container domain named sr' "$W/paused.out" &&
            [ ! -e "$S/state/status/tool/xl-oci/sr" ] && ! "${XR[@]}" status sr >/dev/null 2>&1; then
            ok "stop racing destroy: stop fails naming the container gone, and writes no DomainStatus"
        else
            sed 's/^/# /' "$W/paused.out"
            find "$S/state/status" 2>/dev/null | sed 's/^/# left: /'
            notok "stop racing destroy: stop exited $rc"
        fi
    fi
    # A destroy interrupted after it stopped the monitor (Ctrl-C, SIGTERM
    # and a hangup, as a terminal that closes sends them) finishes all the
    # same: it left the container "running" with no process, and start
    # then said it was already running (helper-91).
    if "${XR[@]}" create "$S/sr.cfg" >"$W/out" 2>&1; then
        pause_at destroy-nohyper.monitor-stopped env --default-signal=INT "${XR[@]}" destroy sr
        for sig in INT TERM HUP; do [ -n "$paused" ] && kill -s "$sig" "$paused"; done
        resume
        if [ -n "$paused" ] && ! "${XR[@]}" status sr >/dev/null 2>&1 &&
            [ -z "$(runc --root "$S/state/runc" list -q 2>/dev/null)" ] &&
            [ ! -e "$S/state/domains/sr" ]; then
            ok "destroy interrupted by SIGINT, SIGTERM and SIGHUP after the monitor stopped: finished, nothing left"
        else
            sed 's/^/# /' "$W/paused.out"
            notok "destroy interrupted after the monitor stopped: paused '$paused', status: $("${XR[@]}" status sr 2>&1 | head -3 | tr '\n' ' ')"
        fi
    else
        sed 's/^/# /' "$W/out"
        notok "destroy interrupted: create the container"
    fi
    # stop racing pause: stop read the container running (so did not
    # unpause it), a pause froze it before stop took the lock, and stop
    # signalled the frozen program: its trap never ran, SIGKILL after the
    # grace, exit 137 (helper-103's random lifecycle, pause || stop).
    printf 'name = "sp"\noci_root = "%s"\noci_stop_timeout = 3\noci_entrypoint = [ "/bin/sh", "-c" ]\noci_cmd = [ "trap \\"exit 5\\" TERM; sleep 600 & wait" ]\n' \
        "$S/rv" >"$S/sp.cfg"
    if "${XR[@]}" create "$S/sp.cfg" >"$W/out" 2>&1; then
        pause_at end-policy.lock "${XR[@]}" stop -t 20 sp
        "${XR[@]}" pause sp >"$W/pause.out" 2>&1
        prc=$?
        resume
        spc=$("${XR[@]}" status --json sp 2>/dev/null | sed -n 's/^ *"exit_code": \([0-9a-z]*\),$/\1/p')
        if [ -n "$paused" ] && [ "$prc" = 0 ] && [ "$rc" = 0 ] && [ "$spc" = 5 ] &&
            [ "$("${XR[@]}" status sp | awk '/^state:/{print $2}')" = halted ]; then
            ok "stop racing pause: stop resumes it, its trap runs (exit 5, not 137)"
        else
            sed 's/^/# /' "$W/paused.out" "$W/pause.out"
            notok "stop racing pause: paused '$paused', pause exit $prc, stop exit $rc, exit code '$spc'"
        fi
        "${XR[@]}" destroy sp >/dev/null 2>&1
    else
        sed 's/^/# /' "$W/out"
        notok "stop racing pause: create the container"
    fi
    # Two stops of a paused container: both read it paused, the first
    # (paused at stop.status-read) unpaused it after the second had, and
    # failed "sp is not paused (state halted)" (helper-103).
    if "${XR[@]}" create "$S/sp.cfg" >"$W/out" 2>&1 && "${XR[@]}" pause sp >"$W/out" 2>&1; then
        pause_at stop.status-read "${XR[@]}" stop -t 20 sp
        "${XR[@]}" stop -t 20 sp >"$W/stop2.out" 2>&1
        s2=$?
        resume
        spc=$("${XR[@]}" status --json sp 2>/dev/null | sed -n 's/^ *"exit_code": \([0-9a-z]*\),$/\1/p')
        if [ -n "$paused" ] && [ "$s2" = 0 ] && [ "$rc" = 0 ] && [ "$spc" = 5 ]; then
            ok "two stops of a paused container: both succeed, its trap runs (exit 5)"
        else
            sed 's/^/# /' "$W/paused.out" "$W/stop2.out"
            notok "two stops of a paused container: paused '$paused', stops exit $rc and $s2, exit code '$spc'"
        fi
        "${XR[@]}" destroy sp >/dev/null 2>&1
    else
        sed 's/^/# /' "$W/out"
        notok "two stops of a paused container: create and pause it"
    fi
    # stop || start: the program took stop's signal and ended, a start ran
    # it again before stop's next look; stop waited on the new run, timed
    # out and SIGKILLed it (helper-103's seed 721).  Stop pauses at its
    # first look, after its signal, while the run ends and start runs it
    # again; then stop ends at once and the new run is left running.
    if "${XR[@]}" create "$S/sp.cfg" >"$W/out" 2>&1; then
        pause_at wait-final.first-look "${XR[@]}" stop -t 20 sp
        for _ in $(seq 100); do
            [ "$("${XR[@]}" status sp 2>/dev/null | awk '/^state:/{print $2}')" = halted ] && break
            sleep 0.1
        done
        "${XR[@]}" start sp >"$W/start.out" 2>&1
        src=$?
        resume
        now=$("${XR[@]}" status sp 2>/dev/null | awk '/^state:/{print $2}')
        if [ -n "$paused" ] && [ "$src" = 0 ] && [ "$rc" = 0 ] && [ "$now" = running ]; then
            ok "stop || start: stop ends with the run it stopped, the new run keeps running"
        else
            sed 's/^/# /' "$W/paused.out" "$W/start.out"
            notok "stop || start: paused '$paused', start exit $src, stop exit $rc, state now '$now'"
        fi
        "${XR[@]}" destroy sp >/dev/null 2>&1
    else
        sed 's/^/# /' "$W/out"
        notok "stop || start: create the container"
    fi
    # exec as the container ends: found running, ended before runc's exec
    # joined it; runc's words alone ("error executing setns process")
    # named no container (helper-103).  Now its name and that it ended.
    if "${XR[@]}" create "$S/sp.cfg" >"$W/out" 2>&1; then
        pause_at exec-nohyper.before-runc "${XR[@]}" exec sp echo hi
        "${XR[@]}" kill sp >"$W/kill.out" 2>&1
        resume
        if [ -n "$paused" ] && [ "$rc" != 0 ] &&
            grep -q '^xl-oci: sp is not running (it ended as exec started)$' "$W/paused.out"; then
            ok "exec as the container ends: says it is not running, naming it"
        else
            sed 's/^/# /' "$W/paused.out" "$W/kill.out"
            notok "exec as the container ends: paused '$paused', exec exit $rc"
        fi
        "${XR[@]}" destroy sp >/dev/null 2>&1
    else
        sed 's/^/# /' "$W/out"
        notok "exec as the container ends: create the container"
    fi
    # A create killed once its status says "creating": list and status
    # call it broken (it said creating for ever), wait ends instead of
    # waiting for ever, and a destroy lets a create of the name run; a
    # create paused there (holding the global lock) is still creating.
    { XL_OCI_FAULT=create-nohyper.state-dir-written "${XR[@]}" create "$S/sr.cfg" >"$W/out" 2>&1; } 2>/dev/null
    rc=$?
    kst=$("${XR[@]}" status sr 2>&1 | awk '/^state:/{print $2}')
    kls=$("${XR[@]}" list 2>&1 | awk '$1 == "sr" {print $3}')
    timeout 10 "${XR[@]}" wait sr >/dev/null 2>&1
    wrc=$?
    if [ "$rc" = 137 ] && [ "$kst" = broken ] && [ "$kls" = broken ] && [ "$wrc" = 1 ] &&
        "${XR[@]}" destroy sr >/dev/null 2>&1 && "${XR[@]}" create "$S/sr.cfg" >"$W/out" 2>&1 &&
        "${XR[@]}" destroy sr >/dev/null 2>&1; then
        ok "create killed at create-nohyper.state-dir-written: list and status say broken, wait ends, destroy and create again work"
    else
        sed 's/^/# /' "$W/out"
        notok "create killed while creating: create exit $rc, status '$kst', list '$kls', wait exit $wrc"
    fi
    "${XR[@]}" destroy sr >/dev/null 2>&1
    pause_at create-nohyper.state-dir-written "${XR[@]}" create "$S/sr.cfg"
    pst=$("${XR[@]}" status sr 2>&1 | awk '/^state:/{print $2}')
    resume
    if [ -n "$paused" ] && [ "$pst" = creating ] && [ "$rc" = 0 ] &&
        "${XR[@]}" destroy sr >/dev/null 2>&1; then
        ok "a create under way (paused at create-nohyper.state-dir-written) is still shown creating"
    else
        sed 's/^/# /' "$W/paused.out"
        notok "a create under way: paused '$paused', status '$pst', create exit $rc"
    fi
    # A look at the monitor's lock (status, paused in it) while the
    # monitor takes the lock: the monitor waits it out and runs the
    # container.  The look took the lock exclusively and wrote its own pid
    # into it: the monitor took it for another monitor and left, the
    # create failed ("did not start") with the prober's pid in the file.
    pause_at create-nohyper.mounted "${XR[@]}" create "$S/sr.cfg"
    csp=$sp cpaused=$paused
    : >>"$S/state/domains/sr/monitor.lock" # as a monitor before it left it
    pause_at monitor-probe.looked "${XR[@]}" status sr
    [ -n "$cpaused" ] && kill -CONT "$cpaused"
    sleep 1 # the monitor tries the lock meanwhile
    resume
    prc=$rc pp=$paused sp=$csp paused=$cpaused
    resume
    mp=$(head -1 "$S/state/domains/sr/monitor.lock" 2>/dev/null)
    [ -n "$mp" ] || mp=none
    if [ -n "$pp" ] && [ -n "$cpaused" ] && [ "$rc" = 0 ] && [ "$prc" = 0 ] &&
        "${XR[@]}" status sr 2>/dev/null | grep -q '^state: *running' &&
        tr '\0' ' ' <"/proc/$mp/cmdline" 2>/dev/null | grep -q "nohyper-monitor.* sr *\$"; then
        ok "a look at the monitor lock while the monitor takes it: the monitor waits it out, the container runs"
    else
        sed 's/^/# /' "$W/paused.out"
        notok "a look at the monitor lock while the monitor takes it: paused '$cpaused'/'$pp', create exit $rc, pid in monitor.lock '$mp': $(tr '\0' ' ' <"/proc/$mp/cmdline" 2>/dev/null)"
    fi
    "${XR[@]}" destroy sr >/dev/null 2>&1
    # A create that fails once its monitor runs (paused there, its status
    # made unreadable meanwhile, as a power loss can leave the file store)
    # undoes the monitor too: left running, it restarted the container the
    # undo killed and wrote a "halted" status back after the undo removed
    # it (helper-92).
    printf 'name = "um"\noci_root = "%s"\noci_restart = "always"\n' "$S/rv" >"$S/um.cfg"
    pause_at create-nohyper.monitor-ready "${XR[@]}" create "$S/um.cfg"
    [ -n "$paused" ] && : >"$S/state/status/tool/xl-oci/um/state"
    resume
    mon=
    for p in $(pgrep -f "[n]ohyper-monitor.* um\$"); do
        tr '\0' ' ' </proc/$p/cmdline 2>/dev/null | grep -q -- "--root $S/state " && mon="$mon $p"
    done
    sleep 2 # the restart backoff, in which the monitor wrote the status back
    if [ -n "$paused" ] && [ "$rc" = 1 ] && [ -z "$mon" ] &&
        [ ! -e "$S/state/status/tool/xl-oci/um" ] && [ ! -e "$S/state/domains/um" ]; then
        ok "create failing after its monitor ran (create-nohyper.monitor-ready): the monitor is stopped, no status comes back"
    else
        sed 's/^/# /' "$W/paused.out"
        notok "create failing after its monitor ran: paused '$paused', exit $rc, monitor '$mon', status $(cat "$S/state/status/tool/xl-oci/um/state" 2>/dev/null || echo none)"
    fi
    for p in $mon; do kill -KILL "$p"; done
    "${XR[@]}" destroy um >/dev/null 2>&1
    # A volume export ended by a signal after its copy takes the partial
    # FILE.xl-oci-PID with it (helper-91: it stayed beside FILE, as big as
    # the volume); the next export to FILE works.
    if "${XR[@]}" volume create --size 4M --fs none ev >"$W/out" 2>&1; then
        for sig in INT TERM HUP; do
            # (A background job ignores SIGINT unless given it back, and one
            # under nohup SIGHUP: an ignored signal is the caller's wish.)
            pause_at volume-export.copied env --default-signal=INT,HUP,TERM "${XR[@]}" volume export ev "$S/ev-$sig.img"
            [ -n "$paused" ] && kill -s "$sig" "$paused"
            resume
            left=$(ls "$S" | grep "^ev-$sig.img")
            if [ -n "$paused" ] && [ -z "$left" ] &&
                "${XR[@]}" volume export ev "$S/ev-$sig.img" >"$W/out" 2>&1; then
                ok "volume export ended by SIG$sig after its copy: no partial file left, the next export works"
            else
                sed 's/^/# /' "$W/paused.out" "$W/out"
                notok "volume export ended by SIG$sig: paused '$paused', left: $left"
            fi
            rm -f "$S/ev-$sig.img"
        done
        "${XR[@]}" volume rm ev >/dev/null 2>&1
    else
        sed 's/^/# /' "$W/out"
        notok "volume export interrupted: create the volume"
    fi
    # A destroy that cannot stop the monitor (run in another PID namespace,
    # where monitor.lock's pid names nothing) removes nothing: it removed
    # status and state under the live monitor, which then wrote its
    # container's end into a new container's status of the name and tore
    # that one down (helper-92).
    if ! unshare -p -f --mount-proc true 2>/dev/null; then
        skip "destroy that cannot stop the monitor" "unshare -p is not allowed here"
    elif "${XR[@]}" create "$S/sr.cfg" >"$W/out" 2>&1; then
        mp=$(head -1 "$S/state/domains/sr/monitor.lock")
        cpid=$("${XR[@]}" status sr 2>/dev/null | awk '/^pid:/{print $2}')
        unshare -p -f --mount-proc "${XR[@]}" destroy sr >"$W/out" 2>&1
        rc=$?
        kst=$("${XR[@]}" status sr 2>&1 | awk '/^state:/{print $2}')
        if [ "$rc" = 1 ] && grep -q "another PID namespace" "$W/out" && [ "$kst" = running ] &&
            [ -e "$S/state/domains/sr" ] && kill -0 "$mp" 2>/dev/null &&
            "${XR[@]}" destroy sr >/dev/null 2>&1 && ! "${XR[@]}" status sr >/dev/null 2>&1; then
            ok "destroy that cannot signal the monitor (another PID namespace) fails and removes nothing"
        else
            sed 's/^/# /' "$W/out"
            notok "destroy that cannot signal the monitor: exit $rc, state '$kst'"
        fi
        # (A failed case left them both running.)
        kill -KILL "$mp" $cpid 2>/dev/null
        "${XR[@]}" destroy sr >/dev/null 2>&1
    else
        sed 's/^/# /' "$W/out"
        notok "destroy that cannot stop the monitor: create the container"
    fi
    # An import killed after its copy leaves its work directory, as big as
    # the image: prune removes it (it stayed until the next volume create),
    # and the next import of the name works.
    head -c 2M /dev/urandom >"$S/iv.img"
    { XL_OCI_FAULT=volume-import.copied "${XR[@]}" volume import iv "$S/iv.img" >"$W/out" 2>&1; } 2>/dev/null
    rc=$?
    work=$(ls -A "$S/state/storage/volumes" 2>/dev/null | grep '^\.new-iv\.')
    "${XR[@]}" prune >"$W/prune.out" 2>&1
    left=$(ls -A "$S/state/storage/volumes" 2>/dev/null | grep '^\.new-')
    if [ "$rc" = 137 ] && [ -n "$work" ] && [ -z "$left" ] &&
        grep -q "1 leftover of interrupted volume commands" "$W/prune.out" &&
        "${XR[@]}" volume import iv "$S/iv.img" >"$W/out" 2>&1; then
        ok "volume import killed at volume-import.copied: prune removes its work directory, the next import works"
    else
        sed 's/^/# /' "$W/out" "$W/prune.out"
        notok "volume import killed after its copy: exit $rc, work dir '$work', left after prune '$left'"
    fi
    "${XR[@]}" volume rm iv >/dev/null 2>&1
    "${XR[@]}" destroy sr >/dev/null 2>&1
    for c in $(runc --root "$S/state/runc" list -q 2>/dev/null); do
        runc --root "$S/state/runc" delete -f "$c" >/dev/null 2>&1
    done
    for m in $(grep -o " $S/[^ ]*" /proc/self/mounts | sort -r); do umount -l "$m" 2>/dev/null; done
fi

# --- networks: create, lease allocation, rm (in a private namespace) ------
if ! unshare -n true 2>/dev/null; then
    skip "network kill points" "unshare -n is not allowed here"
elif ! command -v nft >/dev/null || [ ! -x /usr/sbin/dnsmasq ] || ! command -v jq >/dev/null; then
    notok "network kill points: nft, dnsmasq and jq are needed (tools/install-deps.sh)"
else
    mkdir -p "$W/net"
    chmod 0755 "$W" # dnsmasq, running as nobody, reads the hosts files below
    unshare -n tests/faults/net-faults.sh "$XO" "$top/build/fault/tests/netback-tool" "$W/net" ||
        fails=$((fails + 1))
fi

exit $((fails > 0))
