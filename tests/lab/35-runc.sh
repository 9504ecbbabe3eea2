# 35-runc.sh: xl-oci-runc, the runc-compatible CLI that containerd's runc
# shim runs, for real in Xen: the OCI lifecycle cases of runtime-tools'
# validation suite written as the project's own (create, start, state,
# kill, delete, the pid file, unknown IDs, delete of a running container
# refused), exec through the exec channel (xl-oci exec and xl-oci-runc
# exec, issue 15), a terminal through --console-socket for create and exec
# (tests/runc/recvtty receives the pty master as the shim would), with the
# shim's part played by tests/runc/subreaper (the placeholder becomes its
# child and its exit code is the container's).
# Each bundle's rootfs is an overlay mount, as containerd's snapshotter
# makes them: the first container builds the root volume, the second of
# the same layers finds it in the cache.
# lab-timeout: 900

images=/usr/lib/xl-oci-lab/images
export XL_OCI_ROOT=$LAB_WORK/state
SR=/usr/lib/xl-oci/test/subreaper
TT=/usr/lib/xl-oci/test/recvtty
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
    # EP=PROGRAM: that instead of the probe (busybox's applets, say).
    [ -z "${EP:-}" ] || printf 'oci_entrypoint = [ "%s" ]\n' "$EP" >>"$b/app.cfg"
    xl-oci create -N --runtime-spec "$b/config.json" "$b/app.cfg" >/dev/null &&
        # Without the Docker default sysctls an app.cfg container gets: a
        # containerd bundle has only the sysctls its spec asks for, and
        # spec_add's "sysctl" member below would otherwise be a second
        # one, which json-c drops for the later (the rendered defaults).
        awk '/^ *"sysctl": \{$/ { skip = 1; next } skip && /^ *\},?$/ { skip = 0; next } !skip' \
            "$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json" &&
        # The /etc files its spec binds from the bundle (as containerd's
        # and xl-oci's own bundles hold them): the domain gets copies.
        printf '%s\n' "$name" >"$b/hostname" &&
        printf '127.0.0.1\tlocalhost %s\n' "$name" >"$b/hosts" &&
        printf 'nameserver 10.9.9.9\n' >"$b/resolv.conf"
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
wait_socket() { # wait_socket PATH: recvtty listening
    local i
    for ((i = 0; i < 50; i++)); do [ -S "$1" ] && return 0; sleep 0.1; done
    return 1
}

# --- every verb takes --help, as runc's do ----------------------------------
out=$(xl-oci-runc create --help 2>&1)
rc=$?
[ $rc = 0 ] && grep -q '^Usage: xl-oci-runc' <<<"$out" && lab_ok verb-help "rc $rc" ||
    lab_fail verb-help "rc $rc: $(head -n 2 <<<"$out")"

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
# Booted at create behind the start gate (common/abi/start_gate.h): the
# guest mounts its root and waits; its entrypoint runs only after start,
# and only dom0 can open the gate (the key is dom0's, the guest's read).
domid=$(st c1 domid)
[ "$(xenstore-read "/local/domain/$domid/xl-oci/start" 2>/dev/null)" = closed ] &&
    xenstore-ls -p "/local/domain/$domid/xl-oci" 2>/dev/null | grep -q "^start = .*(n0,r$domid)" &&
    lab_ok gate-closed-dom0-owned ||
    lab_fail gate-closed-dom0-owned "$(xenstore-ls -p "/local/domain/$domid/xl-oci" 2>&1 | tr '\n' ' ')"
if wait_log c1 '^xl-oci-loader: waiting for start' 120; then
    sleep 2
    [ -z "$(st c1 started)" ] && ! xl-oci logs c1 2>/dev/null | grep -q '^probe:' &&
        [ "$(ocistate c1 status)" = created ] && lab_ok entrypoint-waits-for-start ||
        lab_fail entrypoint-waits-for-start "started '$(st c1 started)', status $(ocistate c1 status)"
else
    lab_fail entrypoint-waits-for-start "no gate marker: $(xl-oci logs c1 2>&1 | tail -n 3 | tr '\n' ' ')"
fi
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
# Its console log goes with it, as runc keeps nothing after delete: a
# log per container ID would fill the log directory.
c1log=$(lab_log_dir)/c1.log
[ -s "$c1log" ] && had_log=yes || had_log=no
lab_check delete R delete c1
[ $had_log = yes ] && [ ! -e "$c1log" ] && [ ! -e "$c1log.1" ] && lab_ok delete-removes-console-log ||
    lab_fail delete-removes-console-log "had a log: $had_log; after: $(ls -l "$c1log"* 2>&1 | tr '\n' ' ')"
R state c1 >/dev/null 2>&1 && lab_fail state-after-delete "still there" ||
    { last_error | grep -q '"level":"error".*does not exist.*"time":"' &&
        lab_ok state-after-delete-fails-json-log || lab_fail state-after-delete-fails-json-log "$(last_error)"; }

# --- unknown IDs, duplicates -------------------------------------------------
# The error is in the log and, as runc's, on stderr: go-runc makes a
# verb's error from its output, where the shim looks for "does not exist".
for verb in start state delete "kill"; do
    R $verb nosuch >/dev/null 2>"$LAB_WORK/unknown.err" && lab_fail "$verb-unknown-id" "succeeded" ||
        { last_error | grep -q 'does not exist' && grep -q '"nosuch" does not exist' "$LAB_WORK/unknown.err" &&
            lab_ok "$verb-unknown-id" ||
            lab_fail "$verb-unknown-id" "$(last_error) stderr '$(cat "$LAB_WORK/unknown.err")'"; }
done

# --- a second container of the same layers: the cached volume --------------
# c1 is deleted: its cached volume stays, and c2 must use it as it is
# (same directory, same rootfs.erofs inode and mtime: no mkfs ran).
vols=$(ls "$XL_OCI_ROOT/volumes/sha256" 2>/dev/null | wc -l)
img_id() { stat -c '%i %Y' "$XL_OCI_ROOT"/volumes/sha256/*/rootfs.erofs 2>/dev/null; }
before=$(img_id)
mkbundle b2 trap 10 7 trap 12 9 sleep 600000 || lab_fail setup "bundle b2"
# A group the image's /etc/group does not give root, as CRI adds a pod's
# fsGroup: the domain's processes have it (boot spec process/groups).
sed -i 's/"additionalGids": \[/"additionalGids": [ 4242,/' "$LAB_WORK/b2/config.json"
t2=$(lab_now)
# --debug: create's steps go to its own --log file, not to its stderr
# (which the shim hands on as the container's).
"$SR" "$LAB_WORK/c2.report" xl-oci-runc --root "$LAB_WORK/runc" --debug \
    --log "$LAB_WORK/c2.log" --log-format json create --bundle "$LAB_WORK/b2" \
    --pid-file "$LAB_WORK/c2.pid" c2 >"$LAB_WORK/c2.out" 2>&1 &
for ((i = 0; i < 600; i++)); do grep -q '^command' "$LAB_WORK/c2.report" 2>/dev/null && break; sleep 0.2; done
lab_log "c2 created (cached volume) in $(lab_elapsed "$t2")s"
[ "$vols" = 1 ] && [ -n "$before" ] && [ "$(img_id)" = "$before" ] &&
    lab_ok same-layers-same-volume ||
    lab_fail same-layers-same-volume "volumes $vols -> $(ls "$XL_OCI_ROOT/volumes/sha256" | wc -l), image '$before' -> '$(img_id)'"
steps=$(grep -c '^{"level":"info","msg":"create: [0-9.]* ms: ' "$LAB_WORK/c2.log" 2>/dev/null)
grep -q '"msg":"create: 0.0 ms: runc create begins (wall clock' "$LAB_WORK/c2.log" &&
    grep -q '"msg":"create: [0-9.]* ms: unpaused"' "$LAB_WORK/c2.log" &&
    grep -q '"msg":"create: [0-9.]* ms: placeholder [0-9]* started' "$LAB_WORK/c2.log" &&
    ! grep -q 'ms: ' "$LAB_WORK/c2.out" &&
    lab_ok debug-steps-in-log "$steps steps" ||
    lab_fail debug-steps-in-log "log: $(tail -n 2 "$LAB_WORK/c2.log" 2>&1 | tr '\n' ' ') out: $(head -c 300 "$LAB_WORK/c2.out")"
R create --bundle "$LAB_WORK/b2" c2 >/dev/null 2>&1 && lab_fail duplicate-id "succeeded" ||
    { last_error | grep -q 'already exists' && lab_ok duplicate-id || lab_fail duplicate-id "$(last_error)"; }
lab_check start-c2 R start c2
# kubelet runs a postStart hook as soon as start returns: exec waits for
# the entrypoint of a started container instead of refusing it as not
# running while the guest still boots.
t1=$(lab_now)
R exec c2 sh -c 'exit 0' >/dev/null 2>"$LAB_WORK/early.err" && lab_ok exec-right-after-start "$(lab_elapsed "$t1")s" ||
    lab_fail exec-right-after-start "$(cat "$LAB_WORK/early.err") $(last_error)"
wait_log c2 "^probe: trapping 12" 120 ||
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

# --- exec (issue 15): the exec channel into the running domain -------------
rc=0
xl-oci exec c2 sh -c 'exit 7' || rc=$?
if [ "$rc" = 7 ]; then
    lab_ok exec-exit-code-7
else
    lab_fail exec-exit-code-7 "exit $rc"
    { echo "--- c2's console, the loader's lines"; xl-oci logs c2 | grep 'xl-oci-loader'
      echo "--- its exec channel in xenstore"
      xenstore-ls "/local/domain/$(st c2 domid)/data" 2>&1; } >&2
fi
out=$(xl-oci exec -u app -w /tmp c2 sh -c 'id -u; id -g; pwd' 2>&1 | tr '\n' ' ')
[ "$out" = "1000 1000 /tmp " ] && lab_ok exec-user-and-cwd || lab_fail exec-user-and-cwd "'$out'"
out=$(xl-oci exec -e XO_T=one c2 sh -c 'echo "$XO_T:$PATH"' 2>&1)
case "$out" in
one:*/bin*) lab_ok exec-env "$out" ;;
*) lab_fail exec-env "'$out'" ;;
esac
# -e KEY with no KEY in the caller's environment removes the container's
# (docker exec's merge); of two -e for one KEY the last is the one.
xo=$(command -v xl-oci)
out=$(env -u PATH "$xo" exec -e PATH -e XO_D=1 -e XO_D=2 c2 busybox env 2>&1 | tr -d '\r')
! grep -q '^PATH=' <<<"$out" && [ "$(grep '^XO_D=' <<<"$out" | tr '\n' ' ')" = "XO_D=2 " ] &&
    lab_ok exec-env-unset-and-last-wins || lab_fail exec-env-unset-and-last-wins "$(tr '\n' '|' <<<"$out")"
out=$(xl-oci exec -t c2 busybox tty 2>&1 | tr -d '\r')
case "$out" in
/dev/pts/*) lab_ok exec-t-sees-a-tty "$out" ;;
*) lab_fail exec-t-sees-a-tty "'$out'" ;;
esac
out=$(xl-oci exec -t c2 busybox stty size 2>&1 | tr -d '\r')
[ "$out" = "24 80" ] && lab_ok exec-t-window-size || lab_fail exec-t-window-size "'$out'"
# A terminal comes with TERM=xterm, as docker exec -t gives, unless -e
# (or the container's env) names one; none without -t.
out=$(xl-oci exec -t c2 sh -c 'echo "term=$TERM"' 2>&1 | tr -d '\r')
out2=$(xl-oci exec -t -e TERM=vt100 c2 sh -c 'echo "term=$TERM"' 2>&1 | tr -d '\r')
out3=$(xl-oci exec c2 sh -c 'echo "term=$TERM"' 2>&1)
[ "$out" = term=xterm ] && [ "$out2" = term=vt100 ] && [ "$out3" = term= ] &&
    lab_ok exec-t-term "$out $out2 $out3" || lab_fail exec-t-term "'$out' '$out2' '$out3'"
rc=0
xl-oci exec c2 busybox tty >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] && lab_ok exec-without-t-no-tty || lab_fail exec-without-t-no-tty "tty exit $rc"
out=$(echo hello-in | xl-oci exec -i c2 cat 2>&1)
[ "$out" = hello-in ] && lab_ok exec-i-stdin || lab_fail exec-i-stdin "'$out'"
out=$(xl-oci exec c2 sh -c 'echo to-out; echo to-err >&2' 2>"$LAB_WORK/exec.err")
[ "$out" = to-out ] && [ "$(cat "$LAB_WORK/exec.err")" = to-err ] && lab_ok exec-stdout-stderr ||
    lab_fail exec-stdout-stderr "out '$out' err '$(cat "$LAB_WORK/exec.err")'"
rc=0
xl-oci exec c2 /no/such/program 2>"$LAB_WORK/exec.err" || rc=$?
[ "$rc" = 127 ] && grep -q 'no/such/program' "$LAB_WORK/exec.err" && lab_ok exec-not-found-127 ||
    lab_fail exec-not-found-127 "exit $rc: $(cat "$LAB_WORK/exec.err")"
# A cwd or user that is not there: the program was never run (1, as
# under NOHYPER; not the 127 of a program not found).
rc=0
xl-oci exec -w /no/such/dir c2 true 2>"$LAB_WORK/exec.err" || rc=$?
rc2=0
xl-oci exec -u nosuchuser c2 true 2>>"$LAB_WORK/exec.err" || rc2=$?
[ "$rc" = 1 ] && [ "$rc2" = 1 ] && grep -q 'no/such/dir' "$LAB_WORK/exec.err" && lab_ok exec-missing-cwd-or-user-1 ||
    lab_fail exec-missing-cwd-or-user-1 "exit $rc/$rc2: $(cat "$LAB_WORK/exec.err")"
# The process is in the container's PID namespace: the entrypoint is its 1.
out=$(xl-oci exec c2 cat /proc/1/cmdline 2>&1 | tr '\0' ' ')
case "$out" in
*probe*trap*) lab_ok exec-in-container-pid-ns ;;
*) lab_fail exec-in-container-pid-ns "'$out'" ;;
esac
# The round trip of `true`, against create's time above (BENCHMARKS.md).
t1=$(lab_now)
for i in 1 2 3 4 5; do xl-oci exec c2 true; done
lab_ok exec-true-round-trip "5 in $(lab_elapsed "$t1")s"
# Sessions side by side (EXEC_CHANNEL_SLOTS = 4): a long session (kubectl
# exec -it) must not hold up another exec (a probe) or a kill.  Before
# slots the second waited on exec.lock until the first ended.
xl-oci exec c2 sh -c 'sleep 8; echo long-done' >"$LAB_WORK/long0.out" 2>&1 &
long0=$!
sleep 1
out=$(xl-oci exec c2 echo beside 2>&1)
if [ "$out" = beside ] && kill -0 "$long0" 2>/dev/null; then
    lab_ok exec-beside-a-long-session
else
    lab_fail exec-beside-a-long-session "'$out'; long session $(kill -0 "$long0" 2>/dev/null && echo running || echo ended): $(cat "$LAB_WORK/long0.out")"
fi
# Four at once: a fifth waits for a free slot (the guest offers one as
# soon as a session ends) and then runs; every one ends as it should.
longs=$long0
for i in 1 2 3; do
    xl-oci exec c2 sh -c "sleep 6; echo long-done" >"$LAB_WORK/long$i.out" 2>&1 &
    longs="$longs $!"
done
sleep 1
t1=$(lab_now)
out=$(xl-oci exec c2 echo fifth 2>&1)
waited=$(lab_elapsed "$t1")
bad=
for p in $longs; do wait "$p" || bad="$bad rc$?"; done
for i in 0 1 2 3; do [ "$(cat "$LAB_WORK/long$i.out")" = long-done ] || bad="$bad long$i:'$(cat "$LAB_WORK/long$i.out")'"; done
[ "$out" = fifth ] && [ -z "$bad" ] && lab_ok exec-fifth-session-waits-for-a-slot "ran after ${waited}s" ||
    lab_fail exec-fifth-session-waits-for-a-slot "'$out' after ${waited}s;$bad"
# With all four busy, a kill fails saying so; it must not fall back to the
# poweroff meant for a loader without exec (c2 would stop).
longs=
for i in 0 1 2 3; do xl-oci exec c2 sleep 14 >/dev/null 2>&1 & longs="$longs $!"; done
sleep 1
R kill c2 USR2 >/dev/null 2>"$LAB_WORK/kbusy.err" && kb=sent || kb=refused
sleep 1
[ $kb = refused ] && last_error | grep -q 'exec sessions are busy' &&
    [ "$(st c2 state)" = running ] && ! grep -q '^probe: caught 12' "$LAB_WORK/c2.out" &&
    lab_ok kill-with-every-session-busy-says-so "$(last_error)" ||
    lab_fail kill-with-every-session-busy-says-so "$kb; $(last_error); state $(st c2 state)"
for p in $longs; do wait "$p"; done
rc=0
R exec c2 sh -c 'exit 3' || rc=$?
[ "$rc" = 3 ] && lab_ok runc-exec-exit-code || lab_fail runc-exec-exit-code "exit $rc $(last_error)"
# runc's flags for a command given after the ID: --env added to the
# container's, --cwd, --user UID:GID.
out=$(R exec --env XO_A=one -e XO_B=two --cwd /tmp --user 1234:4321 c2 \
    sh -c 'echo "$XO_A $XO_B $PATH $(pwd) $(id -u):$(id -g)"' 2>&1)
case "$out" in
"one two "*"/bin"*" /tmp 1234:4321") lab_ok runc-exec-env-cwd-user "$out" ;;
*) lab_fail runc-exec-env-cwd-user "'$out' $(last_error)" ;;
esac
# The spec's additionalGids (4242, which /etc/group does not list): the
# entrypoint has it, and so does an exec as the container's user (CRI's
# process object names that user), one with no process object too.
grep -q '"additionalGids": \[ 4242,' "$LAB_WORK/b2/config.json" && lab_ok spec-has-extra-group ||
    lab_fail spec-has-extra-group "$(grep -o '"user": {[^}]*}' "$LAB_WORK/b2/config.json")"
g1=$(R exec c2 cat /proc/1/status 2>&1 | awk '/^Groups:/ { $1 = ""; print }')
gids=$(tr -d ' \n' <"$LAB_WORK/b2/config.json" | grep -o '"additionalGids":\[[^]]*\]' | head -n 1)
printf '{"args":["id","-G"],"cwd":"/","env":["PATH=/bin:/usr/bin"],"user":{"uid":0,"gid":0,%s}}\n' \
    "$gids" >"$LAB_WORK/eg.json"
g2=$(R exec --process "$LAB_WORK/eg.json" c2 2>&1)
g3=$(R exec c2 id -G 2>&1)
case " $g1 |$g2 |$g3 " in
*" 4242 "*"|"*4242*"|"*4242*) lab_ok additional-gids-in-the-domain "pid 1:$g1; exec as the container's user: $g2; plain exec: $g3" ;;
*) lab_fail additional-gids-in-the-domain "pid 1:'$g1' exec:'$g2' plain:'$g3'" ;;
esac
# As the shim runs it: --process FILE --detach --pid-file; the pid is the
# process the shim waits for, and its exit code is the command's.
printf '{"args":["sh","-c","echo from-exec; exit 5"],"cwd":"/tmp","env":["PATH=/bin"],"user":{"uid":1000,"gid":1000}}\n' \
    >"$LAB_WORK/e1.json"
"$SR" "$LAB_WORK/e1.report" xl-oci-runc --root "$LAB_WORK/runc" --log "$RLOG" \
    --log-format json exec --process "$LAB_WORK/e1.json" --detach --pid-file "$LAB_WORK/e1.pid" c2 \
    >"$LAB_WORK/e1.out" 2>&1 &
if wait_exited "$LAB_WORK/e1.report" 60; then
    [ "$(exited "$LAB_WORK/e1.report")" = 5 ] && grep -q from-exec "$LAB_WORK/e1.out" &&
        [ "$(sed -n 's/^command //p' "$LAB_WORK/e1.report")" = 0 ] &&
        lab_ok runc-exec-detached-pid-file ||
        lab_fail runc-exec-detached-pid-file "$(cat "$LAB_WORK/e1.report") out '$(cat "$LAB_WORK/e1.out")'"
else
    lab_fail runc-exec-detached-pid-file "never exited: $(cat "$LAB_WORK/e1.report" 2>/dev/null) $(last_error)"
fi
# A terminal for an exec'd process (--tty --console-socket, as the shim
# runs `ctr task exec -t`): the master comes to the socket, the process
# sees a tty of the master's window size, what is typed on the master is
# its input, and its exit code is the pid's.
"$TT" -s 33x111 "$LAB_WORK/e2.sock" "$LAB_WORK/e2.tty" /dev/pts/ 'typed-in\n' \
    2>"$LAB_WORK/e2.recvtty" &
ttpid=$!
wait_socket "$LAB_WORK/e2.sock"
"$SR" "$LAB_WORK/e2.report" xl-oci-runc --root "$LAB_WORK/runc" --log "$RLOG" \
    --log-format json exec --tty --console-socket "$LAB_WORK/e2.sock" --detach \
    --pid-file "$LAB_WORK/e2.pid" c2 sh -c 'tty; read x; echo "got $x"; stty size; exit 4' \
    >"$LAB_WORK/e2.out" 2>&1 &
if wait_exited "$LAB_WORK/e2.report" 60; then
    tr -d '\r' <"$LAB_WORK/e2.tty" >"$LAB_WORK/e2.txt"
    [ "$(exited "$LAB_WORK/e2.report")" = 4 ] && grep -q '^/dev/pts/' "$LAB_WORK/e2.txt" &&
        grep -qx 'got typed-in' "$LAB_WORK/e2.txt" && grep -qx '33 111' "$LAB_WORK/e2.txt" &&
        lab_ok runc-exec-tty-console-socket ||
        lab_fail runc-exec-tty-console-socket "exit $(exited "$LAB_WORK/e2.report"): $(tr '\n' '|' <"$LAB_WORK/e2.txt") $(cat "$LAB_WORK/e2.out" "$LAB_WORK/e2.recvtty")"
else
    lab_fail runc-exec-tty-console-socket "never exited: $(cat "$LAB_WORK/e2.report" 2>/dev/null) $(last_error)"
fi
kill "$ttpid" 2>/dev/null
# The shim reads a detached `exec --tty` through a pipe (go-runc captures
# its output) and takes the pty only once that pipe ends: the detached
# relay must not hold our stdout while the process runs.
"$TT" "$LAB_WORK/e3.sock" "$LAB_WORK/e3.tty" 2>"$LAB_WORK/e3.recvtty" &
ttpid=$!
wait_socket "$LAB_WORK/e3.sock"
t1=$(lab_now)
timeout 20 sh -c "xl-oci-runc --root '$LAB_WORK/runc' --log '$RLOG' --log-format json exec --tty \
    --console-socket '$LAB_WORK/e3.sock' --detach --pid-file '$LAB_WORK/e3.pid' c2 sleep 25 | cat" \
    >/dev/null 2>&1
rc=$?
[ $rc = 0 ] && lab_ok runc-exec-tty-detached-frees-stdout "$(lab_elapsed "$t1")s" ||
    lab_fail runc-exec-tty-detached-frees-stdout "rc $rc after $(lab_elapsed "$t1")s $(last_error)"
kill "$(cat "$LAB_WORK/e3.pid" 2>/dev/null)" "$ttpid" 2>/dev/null
# kill delivers the signal asked for, through the exec channel (issue 14):
# the probe traps SIGUSR2 (12) and exits 9; its stop signal (10) would
# have made it exit 7.  Sent while the container is paused, the signal is
# held until resume, as runc's frozen cgroup holds it.
lab_check pause-before-kill R pause c2
lab_check kill-usr2 R kill c2 USR2
R kill c2 USR2 >/dev/null 2>&1 # a standard signal is held once
sleep 3
[ "$(ocistate c2 status)" = paused ] && ! grep -q '^probe: caught 12' "$LAB_WORK/c2.out" &&
    grep -q '"pending-signals":\[12\]' "$LAB_WORK/runc/c2/state.json" &&
    lab_ok kill-paused-holds-the-signal ||
    lab_fail kill-paused-holds-the-signal "state $(ocistate c2 status); $(cat "$LAB_WORK/runc/c2/state.json"); $(grep caught "$LAB_WORK/c2.out")"
lab_check resume-delivers R resume c2
if wait_exited "$LAB_WORK/c2.report" 120; then
    [ "$(exited "$LAB_WORK/c2.report")" = 9 ] && grep -q '^probe: caught 12' "$LAB_WORK/c2.out" &&
        lab_ok kill-usr2-reaches-the-entrypoint ||
        lab_fail kill-usr2-reaches-the-entrypoint "exit code $(exited "$LAB_WORK/c2.report")"
else
    lab_fail kill-usr2-reaches-the-entrypoint "placeholder still there; state $(st c2 state)"
fi
R kill c2 KILL >/dev/null 2>"$LAB_WORK/ks.err" && lab_fail kill-stopped "succeeded" ||
    { last_error | grep -q 'container not running' && grep -q 'container not running' "$LAB_WORK/ks.err" &&
        lab_ok kill-stopped-says-not-running ||
        lab_fail kill-stopped-says-not-running "$(last_error) stderr '$(cat "$LAB_WORK/ks.err")'"; }
lab_check delete-c2 R delete c2

# --- a terminal, then SIGKILL: the domain goes at once, 137 -----------------
# A terminal (issue 14): runc's contract is that the runtime sends a pty
# master to --console-socket and the container's stdio is the slave.  Here
# the domain's console is the entrypoint's controlling terminal and the
# placeholder bridges it to the slave: the container's output arrives on
# the master (with the tty's "\r\n"), a line typed on the master is the
# entrypoint's input, and the exit code (137 for the kill) is the pid's.
mkbundle b3 args read /dev/stdin sleep 600000 || lab_fail setup "bundle b3"
sed -i 's/"terminal": false/"terminal": true/' "$LAB_WORK/b3/config.json"
R create --bundle "$LAB_WORK/b3" c3 >/dev/null 2>&1 && lab_fail terminal-needs-console-socket "succeeded" ||
    { last_error | grep -q 'needs --console-socket' && lab_ok terminal-needs-console-socket ||
        lab_fail terminal-needs-console-socket "$(last_error)"; }
"$TT" "$LAB_WORK/c3.sock" "$LAB_WORK/c3.tty" 'probe: arg[3]=/dev/stdin' 'hello-tty\n' \
    2>"$LAB_WORK/c3.recvtty" &
ttpid=$!
wait_socket "$LAB_WORK/c3.sock"
"$SR" "$LAB_WORK/c3.report" xl-oci-runc --root "$LAB_WORK/runc" --log "$RLOG" \
    --log-format json create --bundle "$LAB_WORK/b3" --console-socket "$LAB_WORK/c3.sock" \
    --pid-file "$LAB_WORK/c3.pid" c3 >"$LAB_WORK/c3.out" 2>&1 &
for ((i = 0; i < 600; i++)); do grep -q '^command' "$LAB_WORK/c3.report" 2>/dev/null && break; sleep 0.2; done
R start c3 >/dev/null 2>&1
wait_oci c3 running 60
for ((i = 0; i < 300; i++)); do grep -q 'probe: read /dev/stdin: hello-tty' "$LAB_WORK/c3.tty" 2>/dev/null && break; sleep 0.2; done
grep -q $'^probe: arg\\[1\\]=args\r$' "$LAB_WORK/c3.tty" && lab_ok terminal-output-on-the-master ||
    lab_fail terminal-output-on-the-master "$(head -c 400 "$LAB_WORK/c3.tty" | cat -A)"
grep -q $'^probe: read /dev/stdin: hello-tty\r$' "$LAB_WORK/c3.tty" &&
    lab_ok terminal-input-reaches-the-entrypoint ||
    lab_fail terminal-input-reaches-the-entrypoint "$(cat "$LAB_WORK/c3.recvtty") $(cat -A "$LAB_WORK/c3.tty" | head -c 600)"
lab_check kill-9 R kill c3 9
wait_exited "$LAB_WORK/c3.report" 60
if [ "$(exited "$LAB_WORK/c3.report")" = 137 ]; then
    lab_ok kill-exit-137
else
    lab_fail kill-exit-137 "exit code '$(exited "$LAB_WORK/c3.report")'"
    { echo "--- xl list"; xl list; echo "--- status c3"; xl-oci status c3
      echo "--- c3's monitor log"; tail -n 20 "$(lab_log_dir)/c3.monitor.log"
      echo "--- runc log"; tail -n 5 "$RLOG"; echo "--- processes"; ps -o pid,ppid,args | grep -v '\['
    } >&2
fi
wait "$ttpid"
ttrc=$?
[ "$ttrc" = 0 ] && lab_ok terminal-master-sees-the-end || lab_fail terminal-master-sees-the-end "recvtty exit $ttrc"
grep -q 'xl-oci-loader' "$LAB_WORK/c3.tty" && lab_fail terminal-no-loader-lines "$(grep xl-oci-loader "$LAB_WORK/c3.tty")" ||
    lab_ok terminal-no-loader-lines
lab_check delete-c3 R delete c3
R exec c3 true >/dev/null 2>&1 && lab_fail exec-unknown-id "succeeded" ||
    { last_error | grep -q 'does not exist' && lab_ok exec-unknown-id || lab_fail exec-unknown-id "$(last_error)"; }

# --- kill and delete before start -------------------------------------------
# A created container's domain is already booted (behind the gate): kill
# before start ends it with the signal's exit code and delete of one never
# started leaves no domain, vif, loop device or placeholder.
loops0=$(losetup -a | wc -l)
# sr_create ID BUNDLE [FLAG...]: create through the subreaper (the shim's
# part: the placeholder becomes its child, ID.report says how it exited),
# output in ID.out; returns once create has.
sr_create() {
    local id=$1 bundle=$2 i
    shift 2
    "$SR" "$LAB_WORK/$id.report" xl-oci-runc --root "$LAB_WORK/runc" --log "$RLOG" \
        --log-format json create --bundle "$LAB_WORK/$bundle" --pid-file "$LAB_WORK/$id.pid" "$@" "$id" \
        >"$LAB_WORK/$id.out" 2>&1 &
    for ((i = 0; i < 600; i++)); do grep -q '^command' "$LAB_WORK/$id.report" 2>/dev/null && break; sleep 0.2; done
}
gated_create() { # gated_create ID BUNDLE [FLAG...]: create, then wait at the gate
    sr_create "$@"
    wait_log "$1" '^xl-oci-loader: waiting for start' 120
}
mkbundle b4 args sleep 600000 || lab_fail setup "bundle b4"
if gated_create c4 b4; then
    lab_check kill-created R kill c4 TERM
    wait_exited "$LAB_WORK/c4.report" 60
    [ "$(exited "$LAB_WORK/c4.report")" = 143 ] && [ "$(ocistate c4 status)" = stopped ] &&
        lab_ok kill-before-start-exit-143 ||
        lab_fail kill-before-start-exit-143 "exit '$(exited "$LAB_WORK/c4.report")', status $(ocistate c4 status)"
    lab_check delete-killed-created R delete c4
else
    lab_fail kill-before-start "c4 never reached the gate: $(last_error)"
fi
mkbundle b5 args echo never-started || lab_fail setup "bundle b5"
if gated_create c5 b5; then
    c5pid=$(cat "$LAB_WORK/c5.pid")
    lab_check delete-created-never-started R delete c5
    wait_exited "$LAB_WORK/c5.report" 60
    # blkback lets the loop devices go as the domain's devices close.
    for ((i = 0; i < 25; i++)); do [ "$(losetup -a | wc -l)" = "$loops0" ] && break; sleep 0.2; done
    left=""
    xl domid c5 >/dev/null 2>&1 && left="$left domain"
    ip -o link show | grep -q ' vif' && left="$left vifs"
    [ "$(losetup -a | wc -l)" = "$loops0" ] || left="$left loops"
    kill -0 "$c5pid" 2>/dev/null && left="$left placeholder"
    grep -q never-started "$LAB_WORK/c5.out" && left="$left output"
    [ -z "$left" ] && lab_ok delete-created-leaves-nothing || lab_fail delete-created-leaves-nothing "left:$left"
else
    lab_fail delete-created-never-started "c5 never reached the gate: $(last_error)"
fi

# --- delete --force of a running container; features; update ----------------
mkbundle b6 args sleep 600000 || lab_fail setup "bundle b6"
# Room to grow (org.xl-oci.memory-max): the domain's maxmem is the
# loader's need plus 200 MiB, its memory what it would be without.
sed -i 's/"annotations": {/&\n    "org.xl-oci.memory-max": "200Mi",/' "$LAB_WORK/b6/config.json"
# runc's --no-pivot and --no-new-keyring (accepted: a domain has its own
# root and keyrings), kill --all (a domain's kill reaches the whole
# container anyway).
if gated_create c6 b6 --no-pivot --no-new-keyring; then
    lab_check start-c6 R start c6
    wait_oci c6 running 60
    lab_check kill-all-cont R kill --all c6 CONT
    [ "$(ocistate c6 status)" = running ] && lab_ok kill-all-cont-leaves-it-running ||
        lab_fail kill-all-cont-leaves-it-running "$(ocistate c6 status)"
    # update, as the shim calls it for `ctr task update` and Kubernetes'
    # in-place resize: the LinuxResources on stdin.  Shares give the
    # weight (a quarter), a quota the cap, the memory limit the target
    # above the loader's need (state.json's loader-mb); a domain cannot
    # grow past what it was created with.
    sched() { { xl sched-credit2 -d "$1" 2>/dev/null || xl sched-credit -d "$1"; } | awk -v n="$1" '$1 == n {print $3, $4}'; }
    lmb=$(sed -n 's/.*"loader-mb":\([0-9]*\).*/\1/p' "$LAB_WORK/runc/c6/state.json")
    printf '{"cpu": {"shares": 2048, "quota": 50000, "period": 100000}, "memory": {"limit": 50331648}}' |
        R update --resources - c6 >/dev/null 2>&1
    rc=$?
    tgt=$(xenstore-read "/local/domain/$(st c6 domid)/memory/target" 2>&1)
    [ $rc = 0 ] && [ "$(sched c6)" = "512 50" ] && [ -n "$lmb" ] && [ "$tgt" = $(((lmb + 48) * 1024)) ] &&
        lab_ok update-resources "weight and cap $(sched c6), target $tgt kB (loader $lmb MiB + 48)" ||
        lab_fail update-resources "rc $rc: sched '$(sched c6)' target '$tgt' loader '$lmb': $(last_error)"
    # runc's own flag forms: --flag=value, and a quota of -1 (none) lifts
    # the cap.
    R update --cpu-quota=-1 --pids-limit 100 c6 >/dev/null 2>&1
    rc=$?
    [ $rc = 0 ] && [ "$(sched c6)" = "512 0" ] && lab_ok update-flags-lift-the-cap "$(sched c6)" ||
        lab_fail update-flags-lift-the-cap "rc $rc: '$(sched c6)' $(last_error)"
    # In-place resize past the memory it was created with, within its
    # maxmem: the balloon driver takes the pages (xl list follows).
    printf '{"memory": {"limit": 157286400}}' | R update --resources - c6 >/dev/null 2>&1
    rc=$?
    mx=$(sed -n 's/.*"maxmem-mb":\([0-9]*\).*/\1/p' "$LAB_WORK/runc/c6/state.json")
    for _ in $(seq 60); do
        cur=$(xl list c6 | awk 'NR == 2 {print $3}')
        [ "${cur:-0}" -ge $((lmb + 148)) ] && break
        sleep 1
    done
    [ $rc = 0 ] && [ "$mx" = $((lmb + 200)) ] && [ "${cur:-0}" -ge $((lmb + 148)) ] &&
        lab_ok update-grows-within-memory-max "maxmem $mx MiB, now $cur MiB (loader $lmb + 150)" ||
        lab_fail update-grows-within-memory-max "rc $rc maxmem '$mx' now '${cur:-?}' loader '$lmb': $(last_error)"
    rc=0
    R update --memory 1073741824 c6 >/dev/null 2>&1 || rc=$?
    [ $rc != 0 ] && last_error | grep -q 'cannot grow past what it was created with' &&
        lab_ok update-cannot-grow-the-domain "rc $rc" || lab_fail update-cannot-grow-the-domain "rc $rc: $(last_error)"
    lab_check delete-force-running R delete --force c6
    wait_exited "$LAB_WORK/c6.report" 60
    ! xl domid c6 >/dev/null 2>&1 && [ ! -e "$LAB_WORK/runc/c6" ] &&
        lab_ok delete-force-leaves-no-domain ||
        lab_fail delete-force-leaves-no-domain "$(xl list | tail -n +2 | tr '\n' '|') $(ls "$LAB_WORK/runc/c6" 2>&1)"
else
    lab_fail delete-force-running "c6 never reached the gate: $(last_error)"
fi
# spec_add BUNDLE OBJECT-OPENING MEMBERS: MEMBERS inserted first into the
# object that opens with OBJECT-OPENING in BUNDLE's config.json (xl-oci
# writes it pretty-printed, one member per line; dom0 has no jq).
spec_add() {
    local f=$LAB_WORK/$1/config.json
    grep -qF "$2" "$f" || return 1
    awk -v open="$2" -v add="$(printf '%s' "$3" | tr '\n' ' ')" \
        'index($0, open) && !done { print $0 " " add; done = 1; next } { print }' \
        "$f" >"$f.new" && mv "$f.new" "$f"
}
# --- a pod's sysctls: CRI writes them into the sandbox's spec only --------
# Under runc the app containers see them through the sandbox's network and
# IPC namespaces; each app domain sets the namespaced ones itself (a
# host-wide one of the sandbox is not the pod's), then its own.
mkbundle bsb args exit 0 || lab_fail setup "bundle bsb"
spec_add bsb '"annotations": {' '"io.kubernetes.cri.container-type": "sandbox",'
spec_add bsb '"linux": {' '"sysctl": { "net.ipv4.ip_unprivileged_port_start": "0", "kernel.shm_rmid_forced": "1", "net.core.somaxconn": "555", "vm.overcommit_memory": "1" },'
"$SR" "$LAB_WORK/psb.report" xl-oci-runc --root "$LAB_WORK/runc" --log "$RLOG" \
    --log-format json create --bundle "$LAB_WORK/bsb" --pid-file "$LAB_WORK/psb.pid" psb \
    >"$LAB_WORK/psb.out" 2>&1 &
for ((i = 0; i < 300; i++)); do grep -q '^command' "$LAB_WORK/psb.report" 2>/dev/null && break; sleep 0.2; done
lab_check pod-sandbox-with-sysctls R start psb
mkbundle bpa read /proc/sys/net/ipv4/ip_unprivileged_port_start read /proc/sys/kernel/shm_rmid_forced \
    read /proc/sys/net/core/somaxconn read /proc/sys/vm/overcommit_memory exit 0 || lab_fail setup "bundle bpa"
spec_add bpa '"annotations": {' '"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "psb",'
spec_add bpa '"linux": {' '"sysctl": { "net.core.somaxconn": "777" },'
"$SR" "$LAB_WORK/ppa.report" xl-oci-runc --root "$LAB_WORK/runc" --log "$RLOG" \
    --log-format json create --bundle "$LAB_WORK/bpa" --pid-file "$LAB_WORK/ppa.pid" ppa \
    >"$LAB_WORK/ppa.out" 2>&1 &
for ((i = 0; i < 600; i++)); do grep -q '^command' "$LAB_WORK/ppa.report" 2>/dev/null && break; sleep 0.2; done
# The pod's three namespaced ones (somaxconn the container's own), in
# order; vm.overcommit_memory is the host's kind, not the pod's.
sc=$(xl-oci inspect ppa 2>/dev/null | awk '/^sysctl:/ { on = 1; print $2; next } on && /^ / { print $1; next } { on = 0 }' | tr '\n' ' ')
[ "$sc" = "net.ipv4.ip_unprivileged_port_start=0 kernel.shm_rmid_forced=1 net.core.somaxconn=777 " ] &&
    lab_ok pod-sysctls-in-inspect "$sc" || lab_fail pod-sysctls-in-inspect "'$sc' $(last_error)"
lab_check pod-app-with-sysctls-starts R start ppa
if wait_exited "$LAB_WORK/ppa.report" 120 && [ "$(exited "$LAB_WORK/ppa.report")" = 0 ]; then
    got=$(sed -n 's/^probe: read \/proc\/sys\/\([^:]*\): /\1=/p' "$LAB_WORK/ppa.out" | tr -d '\r' | tr '\n' ' ')
    [ "$got" = "net/ipv4/ip_unprivileged_port_start=0 kernel/shm_rmid_forced=1 net/core/somaxconn=777 vm/overcommit_memory=0 " ] &&
        lab_ok pod-sysctls-reach-the-app-domain "$got" || lab_fail pod-sysctls-reach-the-app-domain "'$got'"
else
    lab_fail pod-sysctls-reach-the-app-domain "exited '$(exited "$LAB_WORK/ppa.report")': $(tail -c 300 "$LAB_WORK/ppa.out") $(last_error)"
fi
lab_check pod-app-with-sysctls-delete R delete ppa
R kill psb KILL >/dev/null 2>&1
wait_exited "$LAB_WORK/psb.report" 30
lab_check pod-sandbox-with-sysctls-delete R delete psb
# A sysctl this kernel has not: the container fails naming it, as runc's.
mkbundle bsx args exit 0 || lab_fail setup "bundle bsx"
spec_add bsx '"linux": {' '"sysctl": { "net.ipv4.no_such_knob": "1" },'
"$SR" "$LAB_WORK/psx.report" xl-oci-runc --root "$LAB_WORK/runc" --log "$RLOG" \
    --log-format json create --bundle "$LAB_WORK/bsx" --pid-file "$LAB_WORK/psx.pid" psx \
    >"$LAB_WORK/psx.out" 2>&1 &
for ((i = 0; i < 600; i++)); do grep -q '^command' "$LAB_WORK/psx.report" 2>/dev/null && break; sleep 0.2; done
R start psx >/dev/null 2>&1
wait_exited "$LAB_WORK/psx.report" 120
err=$(xl-oci status --json psx 2>/dev/null | grep -o 'sysctl net.ipv4.no_such_knob: this kernel has no [^"]*')
[ -n "$err" ] && [ "$(exited "$LAB_WORK/psx.report")" != 0 ] && lab_ok unknown-sysctl-fails-naming-it "$err" ||
    lab_fail unknown-sysctl-fails-naming-it "exited '$(exited "$LAB_WORK/psx.report")': $(xl-oci status psx 2>&1 | grep -i error) $(tail -c 200 "$LAB_WORK/psx.out")"
R delete --force psx >/dev/null 2>&1

# --- what runc's create refuses before any domain ----------------------------
# An entrypoint the rootfs has not (runc's init looks it up before create
# returns) and a user namespace (the domain's kernel has none): create
# fails naming the spec's key, and leaves no domain, state or placeholder.
EP=/no/such/program mkbundle bnx args exit 0 || lab_fail setup "bundle bnx"
rc=0
R create --bundle "$LAB_WORK/bnx" --pid-file "$LAB_WORK/pnx.pid" pnx >/dev/null 2>&1 || rc=$?
err=$(last_error)
[ $rc != 0 ] && [[ "$err" == *'exec: \"/no/such/program\": stat /no/such/program: no such file'* ]] &&
    ! xl domid pnx >/dev/null 2>&1 && [ ! -e "$LAB_WORK/runc/pnx" ] &&
    lab_ok missing-entrypoint-fails-create-leaving-nothing "rc $rc" ||
    lab_fail missing-entrypoint-fails-create-leaving-nothing "rc $rc: $err $(ls "$LAB_WORK/runc/pnx" 2>&1)"
mkbundle bun args exit 0 || lab_fail setup "bundle bun"
spec_add bun '"namespaces": [' '{ "type": "user" },'
spec_add bun '"linux": {' '"uidMappings": [{ "containerID": 0, "hostID": 100000, "size": 65536 }], "gidMappings": [{ "containerID": 0, "hostID": 100000, "size": 65536 }],'
rc=0
R create --bundle "$LAB_WORK/bun" --pid-file "$LAB_WORK/pun.pid" pun >/dev/null 2>&1 || rc=$?
err=$(last_error)
[ $rc != 0 ] && [[ "$err" == *'a user namespace (uidMappings, gidMappings) is not available in a Xen domain'* ]] &&
    ! xl domid pun >/dev/null 2>&1 && [ ! -e "$LAB_WORK/runc/pun" ] &&
    lab_ok user-namespace-refused-at-create "rc $rc" ||
    lab_fail user-namespace-refused-at-create "rc $rc: $err"

# --- the bundle's masked and read-only paths (boot spec v12) ---------------
# Applied in the domain exactly as the bundle lists them, not as the
# bounding set suggests (docs/boot-spec.md "Masked paths"): here one
# masked file, nothing read-only, and /sys read-only by its sysfs mount's
# "ro".  The domain's own sysctl is written: it is the container's kernel.
mkbundle bmp stat /proc/sys/kernel/domainname write /proc/sys/net/core/somaxconn 300 \
    write /sys/xl-oci-lab x mounts exit 0 || lab_fail setup "bundle bmp"
awk '/"maskedPaths": \[$/ { print; print "      \"/proc/sys/kernel/domainname\""; skip = 1; next }
     /"readonlyPaths": \[$/ { print; skip = 1; next }
     skip && /^ *\],?$/ { skip = 0 } !skip' "$LAB_WORK/bmp/config.json" >"$LAB_WORK/bmp/config.new" &&
    mv "$LAB_WORK/bmp/config.new" "$LAB_WORK/bmp/config.json"
sr_create pmp bmp
R start pmp >/dev/null 2>&1
if wait_exited "$LAB_WORK/pmp.report" 120 && [ "$(exited "$LAB_WORK/pmp.report")" = 0 ]; then
    o=$(tr -d '\r' <"$LAB_WORK/pmp.out")
    grep -q '^probe: stat /proc/sys/kernel/domainname: 0:0 666 char' <<<"$o" &&
        grep -q '^probe: write /proc/sys/net/core/somaxconn: ok' <<<"$o" &&
        grep -q '^probe: write /sys/xl-oci-lab: Read-only file system' <<<"$o" &&
        ! grep -q '^probe: mount [^ ]* /sys/firmware ' <<<"$o" &&
        lab_ok bundle-masked-paths-exactly ||
        lab_fail bundle-masked-paths-exactly "$(grep -E '^probe: (stat|write|mount [^ ]* /sys)' <<<"$o" | tr '\n' '|')"
else
    lab_fail bundle-masked-paths-exactly "exited '$(exited "$LAB_WORK/pmp.report")': $(tail -c 300 "$LAB_WORK/pmp.out") $(last_error)"
fi
R delete --force pmp >/dev/null 2>&1

# --- the runtime's /etc files at the image's links (runc binds there) -------
# An image whose /etc/resolv.conf is systemd's absolute link (dangling) and
# whose /etc/hostname is a relative chain climbing out by "..": runc binds
# the bundle's files on the targets, resolved inside the root, and keeps
# the links; the loader writes them there (it replaced the links).
mkbundle bel stat /etc/resolv.conf read /etc/resolv.conf \
    stat /run/systemd/resolve/stub-resolv.conf read /srv/hn stat /etc/hostname exit 0 ||
    lab_fail setup "bundle bel"
mkdir -p "$LAB_WORK/bel/rootfs/etc"
rm -f "$LAB_WORK/bel/rootfs/etc/resolv.conf" "$LAB_WORK/bel/rootfs/etc/hostname"
ln -s /run/systemd/resolve/stub-resolv.conf "$LAB_WORK/bel/rootfs/etc/resolv.conf"
ln -s ../../../srv/hn "$LAB_WORK/bel/rootfs/etc/hostname"
sr_create pel bel
R start pel >/dev/null 2>&1
if wait_exited "$LAB_WORK/pel.report" 120 && [ "$(exited "$LAB_WORK/pel.report")" = 0 ]; then
    o=$(tr -d '\r' <"$LAB_WORK/pel.out")
    grep -q '^probe: stat /etc/resolv.conf: 0:0 777 link' <<<"$o" &&
        grep -q '^probe: read /etc/resolv.conf: nameserver 10.9.9.9' <<<"$o" &&
        grep -q '^probe: stat /run/systemd/resolve/stub-resolv.conf: 0:0 644 file' <<<"$o" &&
        grep -q '^probe: read /srv/hn: bel' <<<"$o" &&
        grep -q '^probe: stat /etc/hostname: 0:0 777 link' <<<"$o" &&
        lab_ok etc-files-at-the-images-links "$(grep -c '^probe: ' <<<"$o") lines" ||
        lab_fail etc-files-at-the-images-links "$(grep -E '^probe: (stat|read)' <<<"$o" | tr '\n' '|')"
else
    lab_fail etc-files-at-the-images-links "exited '$(exited "$LAB_WORK/pel.report")': $(tail -c 300 "$LAB_WORK/pel.out") $(last_error)"
fi
R delete --force pel >/dev/null 2>&1

# --- a pod in one domain (org.xl-oci.pod-domain) ---------------------------
# The sandbox boots the pod's domain; each app container of the pod is a
# session of its loader with a root of its own, hot-added to that domain:
# the containers share the pod's network and talk over localhost, as
# under runc (runc_pod_member.h).
mkbundle bpd write /tmp/pod-sandbox-root yes sleep 600000 || lab_fail setup "bundle bpd"
spec_add bpd '"annotations": {' '"io.kubernetes.cri.container-type": "sandbox", "org.xl-oci.pod-domain": "true", "org.xl-oci.memory-max": "256Mi",'
sr_create pd bpd
pdom=$(R state pd 2>/dev/null | sed -n 's/^ *"org.xl-oci.domain": "\(.*\)",\{0,1\}$/\1/p')
[ -n "$pdom" ] && xl domid "$pdom" >/dev/null 2>&1 && lab_ok pod-sandbox-boots-the-pods-domain "$pdom" ||
    lab_fail pod-sandbox-boots-the-pods-domain "domain '$pdom': $(cat "$LAB_WORK/pd.report" 2>/dev/null) $(last_error)"
lab_check pod-domain-start R start pd
# Frozen before its guest has booted (it takes seconds under TCG): its
# first member is created and started meanwhile, as CRI does right after
# the sandbox's start on a loaded host, and must wait for the pod.
xl pause "$pdom"
# The web container serves a page on the pod's localhost.
EP=/bin/busybox mkbundle bpw sh -c 'echo served-in-the-pod >/tmp/index.html; t() { exit 3; }; trap t TERM; busybox httpd -f -p 8080 -h /tmp & wait' ||
    lab_fail setup "bundle bpw"
spec_add bpw '"annotations": {' '"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "pd",'
t0=$(lab_now)
sr_create pw bpw
[ "$(sed -n 's/^command //p' "$LAB_WORK/pw.report")" = 0 ] && [ "$(ocistate pw status)" = created ] &&
    lab_ok pod-member-created "in $(lab_elapsed "$t0")s" ||
    lab_fail pod-member-created "$(cat "$LAB_WORK/pw.report" 2>/dev/null) $(last_error)"
disks=$(xl block-list "$pdom" 2>/dev/null | tail -n +2 | wc -l)
[ "$disks" = 2 ] && ! xl domid pw >/dev/null 2>&1 && lab_ok pod-member-root-hot-added "disks $disks" ||
    lab_fail pod-member-root-hot-added "disks $disks: $(xl block-list "$pdom" 2>&1 | tr '\n' ' ')"
lab_check pod-member-start R start pw
# Longer than a session waits for the guest's exec channel (10 s): the
# member waits for its pod to run instead, then starts.
sleep 11
kill -0 "$(cat "$LAB_WORK/pw.pid")" 2>/dev/null && [ -z "$(exited "$LAB_WORK/pw.report")" ] &&
    lab_ok pod-member-waits-for-its-pod-to-run ||
    lab_fail pod-member-waits-for-its-pod-to-run "exited '$(exited "$LAB_WORK/pw.report")': $(tail -c 300 "$LAB_WORK/pw.out")"
xl unpause "$pdom"
wait_oci pd running 60 || lab_fail pod-domain-running "$(ocistate pd status)"
wait_oci pw running 30 || lab_fail pod-member-running "$(ocistate pw status) $(last_error)"
# A member's whole cost in dom0 is its placeholder (no monitor): a figure,
# not a check (VmRSS lags for small processes: rss() reads the page
# tables).
pp=$(cat "$LAB_WORK/pw.pid")
lab_log "pod member placeholder $pp: $(rss "$pp") kB RSS (smaps_rollup; the single-container placeholder and monitor: dom0-cost above)"
# A member that walks out of its root (chroot below its cwd, then "..";
# CAP_SYS_CHROOT is in Docker's default set) climbs through the
# initramfs's staging (read-only in its namespace): on the way no record
# of the running web member (xvdb) that it could rewrite (the registry
# lay in /xl-oci/pods until 2026-12-03, pod_registry.c) nor the domain's
# boot spec (init.c); at the top neither the pod domain's own container's
# root, which it could read and write, nor the loader's files: an empty,
# read-only tmpfs (pod_container.c).
mkbundle bpe escape-chroot ls / write /planted yes read /tmp/pod-sandbox-root || lab_fail setup "bundle bpe"
spec_add bpe '"annotations": {' '"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "pd",'
sr_create pe bpe
R start pe >/dev/null 2>&1
if wait_exited "$LAB_WORK/pe.report" 60; then
    out=$(grep '^probe:' "$LAB_WORK/pe.out")
    lab_log "what a member out of its root sees: $(tr '\n' ' ' <<<"$out")"
    # Out indeed: a level it climbed through holds the staging's pods
    # directory, which no container's root has; at the top nothing.
    grep -q '^probe: escape-chroot: ok' <<<"$out" && grep -q '^probe: ls \.: .*pods' <<<"$out" &&
        grep -qx 'probe: ls /:' <<<"$out" && grep -q '^probe: write /planted: ' <<<"$out" &&
        ! grep -q '^probe: write /planted: ok' <<<"$out" &&
        lab_ok pod-member-out-of-its-root-finds-nothing-at-the-top ||
        lab_fail pod-member-out-of-its-root-finds-nothing-at-the-top "$(tr '\n' ' ' <<<"$out")"
    ! grep -q '\.pid\|\.spec\|boot-spec' <<<"$out" &&
        lab_ok pod-member-out-of-its-root-finds-no-registry "$(grep '^probe: ls \.:' <<<"$out" | tr '\n' ' ')" ||
        lab_fail pod-member-out-of-its-root-finds-no-registry "$(tr '\n' ' ' <<<"$out")"
    # The sandbox wrote the file in its own root (checked, so that its
    # absence here means something).
    grep -q '^probe: write /tmp/pod-sandbox-root: ok' "$LAB_WORK/pd.out" &&
        grep -q '^probe: read /tmp/pod-sandbox-root: error' <<<"$out" &&
        lab_ok pod-member-out-of-its-root-misses-the-pods-own-root ||
        lab_fail pod-member-out-of-its-root-misses-the-pods-own-root "$(grep 'pod-sandbox-root' "$LAB_WORK/pd.out") / $(grep 'pod-sandbox-root' <<<"$out")"
else
    lab_fail pod-member-out-of-its-root-finds-nothing-at-the-top "placeholder still there: $(tail -c 300 "$LAB_WORK/pe.out")"
fi
R delete --force pe >/dev/null 2>&1
# The sidecar fetches it over localhost, as PID 1 of its own namespace.
# Its /proc/sys is read-only, as its bundle's readonlyPaths say (runc
# applies them to every container, a pod's members too).  Its working
# directory lies through a dangling link of its root (/wd -> /srv/made,
# in the snapshot's upper): followed inside the root and made, as for a
# domain's own container (safepath_in_root) and under runc; it was
# refused ("component wd is a symlink").
EP=/bin/busybox mkbundle bps sh -c 'echo pid=$$; echo cwd=$(busybox pwd); if (echo x >/proc/sys/kernel/domainname) 2>/dev/null; then echo proc-sys=rw; else echo proc-sys=ro; fi; for i in $(busybox seq 1 100); do busybox wget -qO- http://127.0.0.1:8080/index.html && exit 0; sleep 0.2; done; exit 7' ||
    lab_fail setup "bundle bps"
spec_add bps '"annotations": {' '"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "pd",'
ln -s /srv/made "$LAB_WORK/bps/rootfs/wd" && sed -i 's|^\( *"cwd": \)".*"|\1"/wd/deep"|' "$LAB_WORK/bps/config.json" ||
    lab_fail setup "bundle bps: link and cwd"
# Its memory.limit (32 MiB) grows the pod's domain, within the maxmem the
# sandbox's org.xl-oci.memory-max gave it; its delete takes it back.
spec_add bps '"linux": {' '"resources": { "memory": { "limit": 33554432 } },'
pdomid=$(xl domid "$pdom" 2>/dev/null)
tgt0=$(xenstore-read "/local/domain/$pdomid/memory/target" 2>/dev/null)
sr_create ps bps
tgt1=$(xenstore-read "/local/domain/$pdomid/memory/target" 2>/dev/null)
[ -n "$tgt0" ] && [ "$((tgt1 - tgt0))" = 32768 ] && lab_ok pod-member-limit-grows-the-pod "$tgt0 -> $tgt1 kB" ||
    lab_fail pod-member-limit-grows-the-pod "'$tgt0' -> '$tgt1' kB $(last_error)"
lab_check pod-sidecar-start R start ps
if wait_exited "$LAB_WORK/ps.report" 60 && [ "$(exited "$LAB_WORK/ps.report")" = 0 ]; then
    grep -q '^served-in-the-pod' "$LAB_WORK/ps.out" && grep -q '^pid=1$' "$LAB_WORK/ps.out" &&
        lab_ok pod-members-talk-over-localhost "$(tr '\n' ' ' <"$LAB_WORK/ps.out")" ||
        lab_fail pod-members-talk-over-localhost "'$(tr '\n' ' ' <"$LAB_WORK/ps.out")'"
else
    lab_fail pod-members-talk-over-localhost "exited '$(exited "$LAB_WORK/ps.report")': $(tail -c 300 "$LAB_WORK/ps.out") $(last_error)"
fi
grep -q '^proc-sys=ro' "$LAB_WORK/ps.out" && lab_ok pod-member-masked-paths ||
    lab_fail pod-member-masked-paths "'$(tr '\n' ' ' <"$LAB_WORK/ps.out")'"
grep -q '^cwd=/srv/made/deep' "$LAB_WORK/ps.out" && lab_ok pod-member-cwd-through-a-dangling-link ||
    lab_fail pod-member-cwd-through-a-dangling-link "'$(tr '\n' ' ' <"$LAB_WORK/ps.out")'"
[ "$(ocistate ps status)" = stopped ] && lab_ok pod-sidecar-stopped || lab_fail pod-sidecar-stopped "$(ocistate ps status)"
# exec into a member runs in its namespaces: its root (the page is in its
# writable layer only), its PID namespace (process 1 is its shell).
out=$(R exec pw /bin/busybox sh -c 'cat /tmp/index.html; tr "\0" " " </proc/1/cmdline' 2>&1)
rc=$?
[ $rc = 0 ] && grep -q '^served-in-the-pod$' <<<"$out" && grep -q 'sh -c echo served-in-the-pod' <<<"$out" &&
    lab_ok pod-member-exec-in-its-namespaces || lab_fail pod-member-exec-in-its-namespaces "rc $rc: '$out' $(last_error)"
# SIGTERM reaches the container's process 1 through the session (its
# trap exits 3), and its exit code is the container's.
lab_check pod-member-kill R kill pw TERM
if wait_exited "$LAB_WORK/pw.report" 30; then
    [ "$(exited "$LAB_WORK/pw.report")" = 3 ] && lab_ok pod-member-term-reaches-the-process ||
        lab_fail pod-member-term-reaches-the-process "exited $(exited "$LAB_WORK/pw.report"): $(tail -c 200 "$LAB_WORK/pw.out")"
else
    lab_fail pod-member-term-reaches-the-process "placeholder still there"
fi
lab_check pod-sidecar-delete R delete ps
tgt2=$(xenstore-read "/local/domain/$pdomid/memory/target" 2>/dev/null)
[ -n "$tgt2" ] && [ "$tgt2" = "$tgt0" ] && lab_ok pod-member-delete-gives-memory-back "$tgt1 -> $tgt2 kB" ||
    lab_fail pod-member-delete-gives-memory-back "'$tgt1' -> '$tgt2' kB, was '$tgt0'"
# One whose limit the pod cannot hold is refused, naming its maxmem,
# with nothing attached.
EP=/bin/busybox mkbundle bpx true || lab_fail setup "bundle bpx"
spec_add bpx '"annotations": {' '"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "pd",'
spec_add bpx '"linux": {' '"resources": { "memory": { "limit": 1073741824 } },'
rc=0
R create --bundle "$LAB_WORK/bpx" px >/dev/null 2>&1 || rc=$?
[ $rc != 0 ] && last_error | grep -q 'cannot grow by the container.s memory.limit of 1024 MiB.*maxmem' &&
    [ ! -e "$LAB_WORK/runc/px" ] && lab_ok pod-member-too-big-refused "$(last_error | grep -o 'it has [^(]*')" ||
    lab_fail pod-member-too-big-refused "rc $rc: $(last_error)"
lab_check pod-member-delete R delete pw
disks=$(xl block-list "$pdom" 2>/dev/null | tail -n +2 | wc -l)
[ "$disks" = 1 ] && xl domid "$pdom" >/dev/null 2>&1 && lab_ok pod-member-disks-leave-the-pod "disks $disks" ||
    lab_fail pod-member-disks-leave-the-pod "disks $disks: $(xl block-list "$pdom" 2>&1 | tr '\n' ' ')"
# A member still running when its pod's domain goes ends with it, as a
# pod's containers do under runc: 137, and its delete still cleans up.
mkbundle bpl sleep 600000 || lab_fail setup "bundle bpl"
spec_add bpl '"annotations": {' '"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "pd",'
sr_create pl bpl
R start pl >/dev/null 2>&1
wait_oci pl running 30
sleep 1
R kill pd KILL >/dev/null 2>&1
wait_exited "$LAB_WORK/pd.report" 30
if wait_exited "$LAB_WORK/pl.report" 30; then
    [ "$(exited "$LAB_WORK/pl.report")" = 137 ] && [ "$(ocistate pl status)" = stopped ] &&
        lab_ok pod-member-ends-with-its-pod "137" ||
        lab_fail pod-member-ends-with-its-pod "exited $(exited "$LAB_WORK/pl.report"), $(ocistate pl status): $(tail -c 200 "$LAB_WORK/pl.out")"
else
    lab_fail pod-member-ends-with-its-pod "placeholder still there"
fi
lab_check pod-member-delete-after-its-pod R delete pl
lab_check pod-domain-delete R delete pd

# --- hooks, as runc runs them -----------------------------------------------
# Docker's libnetwork-setkey and nerdctl's CNI hook set up the container's
# network from a prestart / createRuntime hook in the runtime's namespace,
# through the pid the state gives them (the placeholder, which holds the
# container's new network namespace); start then splices what they made
# into the domain.  Here a hook makes a veth pair as Docker would, and
# the domain answers dom0 on the hook's address.
cat >"$LAB_WORK/hk-net.sh" <<'SH'
state=$(cat)
echo "$state" >"$HKDIR/create.json"
pid=$(echo "$state" | sed -n 's/^ *"pid": *\([0-9]*\).*/\1/p')
# iproute2's ip by its path: dom0's busybox sh prefers its own applets.
ip=/usr/sbin/ip
$ip link add hkv0 type veth peer name eth0 netns "$pid" &&
    $ip addr add 10.77.0.1/24 dev hkv0 && $ip link set hkv0 up &&
    nsenter -t "$pid" -n $ip addr add 10.77.0.2/24 dev eth0 &&
    nsenter -t "$pid" -n $ip link set eth0 up
SH
mkbundle bhk args sleep 600000 || lab_fail setup "bundle bhk"
HK='"path": "/bin/sh", "env": ["HKDIR='"$LAB_WORK"'", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"]'
spec_add bhk '"ociVersion": "1.0.2",' '"hooks": {
    "prestart": [{'"$HK"', "args": ["sh", "-c", "echo prestart >$HKDIR/order"]}],
    "createRuntime": [{'"$HK"', "args": ["sh", "'"$LAB_WORK"'/hk-net.sh"], "timeout": 20},
                      {'"$HK"', "args": ["sh", "-c", "echo createRuntime >>$HKDIR/order"]}],
    "poststart": [{'"$HK"', "args": ["sh", "-c", "cat >$HKDIR/start.json"]}],
    "poststop": [{'"$HK"', "args": ["sh", "-c", "cat >$HKDIR/stop.json"]}] },'
"$SR" "$LAB_WORK/phk.report" xl-oci-runc --root "$LAB_WORK/runc" --log "$RLOG" \
    --log-format json create --bundle "$LAB_WORK/bhk" --pid-file "$LAB_WORK/phk.pid" phk \
    >"$LAB_WORK/phk.out" 2>&1 &
for ((i = 0; i < 600; i++)); do grep -q '^command' "$LAB_WORK/phk.report" 2>/dev/null && break; sleep 0.2; done
hpid=$(cat "$LAB_WORK/phk.pid" 2>/dev/null)
[ "$(sed -n 's/^command //p' "$LAB_WORK/phk.report")" = 0 ] && [ -n "$hpid" ] &&
    grep -q "\"pid\": $hpid," "$LAB_WORK/create.json" && grep -q '"status": "creating"' "$LAB_WORK/create.json" &&
    [ "$(tr '\n' ' ' <"$LAB_WORK/order")" = "prestart createRuntime " ] &&
    lab_ok create-hooks-run-with-the-containers-pid "pid $hpid" ||
    lab_fail create-hooks-run-with-the-containers-pid "pid '$hpid': $(tr '\n' ' ' <"$LAB_WORK/create.json" 2>&1 | head -c 200) order $(cat "$LAB_WORK/order" 2>&1) $(last_error)"
lab_check start-after-hooks R start phk
[ -f "$LAB_WORK/start.json" ] && grep -q '"status": "running"' "$LAB_WORK/start.json" &&
    lab_ok poststart-hook-runs || lab_fail poststart-hook-runs "$(cat "$LAB_WORK/start.json" 2>&1 | head -c 200)"
ok=""
for ((i = 0; i < 60; i++)); do ping -c 1 -W 1 10.77.0.2 >/dev/null 2>&1 && ok=1 && break; sleep 1; done
[ -n "$ok" ] && lab_ok hook-made-network-answers "10.77.0.2 from dom0 through the hook's veth" ||
    lab_fail hook-made-network-answers "no reply; $(xl-oci logs phk 2>&1 | grep -i 'net\|eth' | tail -n 3 | tr '\n' ' ')"
R kill phk KILL >/dev/null 2>&1
wait_exited "$LAB_WORK/phk.report" 60
lab_check delete-after-hooks R delete phk
[ -f "$LAB_WORK/stop.json" ] && grep -q '"status": "stopped"' "$LAB_WORK/stop.json" && [ ! -e "$LAB_WORK/runc/phk" ] &&
    lab_ok poststop-hook-runs || lab_fail poststop-hook-runs "$(cat "$LAB_WORK/stop.json" 2>&1 | head -c 200) $(ls "$LAB_WORK/runc/phk" 2>&1)"
ip link del hkv0 2>/dev/null
# A failing createRuntime hook fails create naming it, runs poststop (as
# runc's destroy does: what the hooks set up is undone) and leaves
# nothing; a createContainer hook (the container's namespaces: a
# domain's) is refused before anything is made.
mkbundle bhf args exit 0 || lab_fail setup "bundle bhf"
spec_add bhf '"ociVersion": "1.0.2",' '"hooks": { "createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "echo cni says no >&2; exit 4"]}],
    "poststop": [{"path": "/bin/sh", "args": ["sh", "-c", "cat >'"$LAB_WORK"'/failed-stop.json"]}] },'
rc=0
R create --bundle "$LAB_WORK/bhf" --pid-file "$LAB_WORK/phf.pid" phf >/dev/null 2>&1 || rc=$?
# The --log file is JSON: "/" is written "\/".
[ $rc != 0 ] && last_error | grep -q 'hooks.createRuntime\[0\] (/bin/sh): exited 4: cni says no' &&
    grep -q '"status": "stopped"' "$LAB_WORK/failed-stop.json" 2>/dev/null &&
    ! xl domid phf >/dev/null 2>&1 && [ ! -e "$LAB_WORK/runc/phf" ] &&
    lab_ok failing-create-hook-fails-create "rc $rc" ||
    lab_fail failing-create-hook-fails-create "rc $rc: $(last_error) $(cat "$LAB_WORK/failed-stop.json" 2>&1 | head -c 100) $(ls "$LAB_WORK/runc/phf" 2>&1)"
mkbundle bhc args exit 0 || lab_fail setup "bundle bhc"
spec_add bhc '"ociVersion": "1.0.2",' '"hooks": { "createContainer": [{"path": "/bin/true"}] },'
rc=0
R create --bundle "$LAB_WORK/bhc" phc >/dev/null 2>&1 || rc=$?
[ $rc != 0 ] && last_error | grep -q 'hooks.createContainer: these run in the container' &&
    ! xl domid phc >/dev/null 2>&1 && [ ! -e "$LAB_WORK/runc/phc" ] && lab_ok create-container-hook-refused "rc $rc" ||
    lab_fail create-container-hook-refused "rc $rc: $(last_error)"

out=$(R features 2>&1)
rc=$?
[ $rc = 0 ] && grep -q '"ociVersionMin": *"1.0.0"' <<<"$out" &&
    grep -q '"org.xl-oci.runtime": *"xen-domain"' <<<"$out" &&
    lab_ok features-json || lab_fail features-json "rc $rc: $out"

# --- nothing left --------------------------------------------------------------
sleep 1
left=""
[ "$(xl list | tail -n +3 | wc -l)" -eq 0 ] || left="$left domains"
xenstore-list /tool/xl-oci 2>/dev/null | grep -q . &&
    left="$left xenstore ($(xenstore-ls -f /tool/xl-oci 2>&1 | head -c 600 | tr '\n' ' '))"
ls "$XL_OCI_ROOT/domains" 2>/dev/null | grep -q . && left="$left state-dirs ($(ls "$XL_OCI_ROOT/domains" | tr '\n' ' '))"
ls "$LAB_WORK/runc" 2>/dev/null | grep -q . && left="$left runc-state ($(ls "$LAB_WORK/runc" | tr '\n' ' '))"
for c in /proc/[0-9]*/comm; do
    case "$(cat "$c" 2>/dev/null)" in
    xl-oci-runc | xl-oci-monitor | xl-oci-placehol | subreaper | recvtty) left="$left $(cat "$c") ($(tr '\0' ' ' <"${c%comm}cmdline" 2>/dev/null))" ;;
    esac
done
[ -z "$left" ] && lab_ok nothing-left || lab_fail nothing-left "left:$left"
xl-oci prune >/dev/null 2>&1
[ "$(ls "$XL_OCI_ROOT/volumes/sha256" 2>/dev/null | wc -l)" = 0 ] && lab_ok prune-removes-unused-bundle-volume ||
    lab_fail prune-removes-unused-bundle-volume "$(ls "$XL_OCI_ROOT/volumes/sha256")"
for b in b1 b2 b3 b4 b5 b6 bsb bpa bsx bpd bpe bpw bps bpx bpl bhk bhf bhc; do umount "$LAB_WORK/$b/rootfs" "$LAB_WORK/$b/snap" 2>/dev/null; done
umount "$LAB_WORK/lower"
