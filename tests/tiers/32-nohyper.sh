#!/bin/bash
# Tier 32: NOHYPER containers on this host, which has no Xen: `xl-oci
# create` runs the container through runc (Debian's), with the commands
# and DomainStatus of a domain (kept in the state root's file store).  A
# tiny busybox image as tier 30's; what the process sees, exit codes
# through wait and status, the console log, stop (signal, then SIGKILL
# after the grace period), destroy leaving nothing (mounts, loop devices,
# runc state, state dir, status), the errors for what NOHYPER lacks, and
# containers on a managed network (tests/nohyper/network.sh, in a private
# network namespace).
#
# Needs root (runc, mounts); installs runc and busybox-static when missing.
set -u
top=$(pwd)
X=$top/build/xl-oci

if [ "$(id -u)" != 0 ]; then
    echo "ok - nohyper # SKIP needs root"
    exit 0
fi
TIER=nohyper
. "$top/tests/tiers/lib.sh"
tier_need runc busybox-static
tier_nohyper_scratch

# Nothing of container NAME left anywhere.
# The monitor's output copier (nohyper_relay.h) ends at the end of the
# container's output, and a loop device's autoclear at its last close, a
# moment after destroy killed the container: what is still there after
# 2 s is left behind, and named.
left_of() {
    grep -q " $T/state/domains/$1/" /proc/self/mounts && echo "a mount"
    [ -e "$T/state/domains/$1" ] && echo "the state dir"
    [ -e "$T/state/status/tool/xl-oci/$1" ] && echo "the status"
    runc --root "$T/state/runc" list -q 2>/dev/null | grep -qx "$1" && echo "runc's container"
    [ -n "$(losetup -j "$rv/rootfs.erofs")" ] && echo "a loop device"
    [ -n "$(our_monitors " $1")" ] && echo "a monitor process"
    true
}
# our_monitors [SUFFIX]: pids of this tier's monitors (of its state root:
# another root's, a user's, are not ours), whose command line ends so.
our_monitors() {
    local p
    for p in $(pgrep -f "[n]ohyper-monitor.*${1:-}\$"); do
        tr '\0' ' ' </proc/$p/cmdline 2>/dev/null | grep -q -- "--root $T/state " && echo "$p"
    done
}
nothing_left() {
    local i left
    for i in $(seq 20); do
        left=$(left_of "$1")
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    echo "left of $1: $left"
    return 1
}

# The image: static busybox, a passwd/group, a few dirs (tier 30's).
tree=$T/tree
mkdir -p "$tree"/{bin,etc,srv,proc,sys,dev,tmp}
cp /bin/busybox "$tree/bin/busybox"
for a in sh echo id pwd hostname cat env ls touch sleep mkdir ip ping nc yes head seq; do
    ln -s busybox "$tree/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1234:1235::/srv:/bin/sh\n' >"$tree/etc/passwd"
# root is in staff: exec -u of another user must not keep that group.
printf 'root:x:0:\nstaff:x:50:root\napp:x:1235:\n' >"$tree/etc/group"
rv=$T/rv
mkdir -p "$rv"
cp "$tree/etc/passwd" "$tree/etc/group" "$rv/"
mkfs.erofs --quiet "$rv/rootfs.erofs" "$tree" >/dev/null
cat >"$rv/image-config.json" <<'JSON'
{"architecture": "amd64", "os": "linux",
 "config": {"Env": ["PATH=/bin", "FOO=image"],
            "Entrypoint": ["/bin/sh", "-c"], "Cmd": ["echo from-image"],
            "WorkingDir": "/"},
 "rootfs": {"type": "layers", "diff_ids": []}}
JSON
cfg() { # cfg NAME LINES...: writes $T/NAME.cfg
    local n=$1
    shift
    { echo "name = \"$n\""; echo "oci_root = \"$rv\""; printf '%s\n' "$@"; } >"$T/$n.cfg"
}
# run_to_end NAME: creates NAME from $T/NAME.cfg and waits for its end.
run_to_end() {
    "$X" create "$T/$1.cfg" >/dev/null 2>&1
    "$X" wait "$1" >/dev/null 2>&1
}

# --- run to completion -------------------------------------------------------
cfg p1 'oci_user = "app"' 'oci_workdir = "/srv"' 'oci_env = [ "BAR=cfg" ]' \
    'oci_cmd = [ "echo $(id -u):$(id -g) $(pwd) $FOO $BAR; exit 42" ]'
"$X" create "$T/p1.cfg" >"$T/create.out" 2>"$T/create.err"
# A loaded host may see it end before create looks: "exited 42" then.
check "create succeeds on a host without Xen" bash -c 'grep -Eqx "Created p1 \(nohyper, (pid [0-9]+|exited 42)\)" "$0" || { cat "$0" "$1"; false; }' "$T/create.out" "$T/create.err"
check "and says once that the container runs through runc" \
    grep -qx 'xl-oci: no Xen on this host: p1 runs through runc (oci_mode = "nohyper")' "$T/create.err"
"$X" wait p1 >/dev/null 2>&1
rc=$?
if [ "$rc" = 42 ]; then ok "wait exits with the container's exit code (42)"; else nok "wait gave $rc, not 42"; fi
check "logs: user, cwd and env as app.cfg says" bash -c \
    '"$0" logs p1 | grep -qx "1234:1235 /srv image cfg"' "$X"
# The pid of a process that ended is no longer shown: it is free for the
# host's next process, which a script must not signal (docker inspect's
# State.Pid is 0 then); a running container's is (s1 below).
check "status --json: nohyper, halted, exit code 42, no pid once it ended" bash -c \
    '"$0" status --json p1 | jq -e ".mode == \"nohyper\" and .state == \"halted\" and .exit_code == 42 and .pid == null and .domid == null" >/dev/null' "$X"
check "status shows every field: mode, no pid line once it ended; --json stop_requested" bash -c \
    '"$0" status p1 | grep -qx "mode:       nohyper" && ! "$0" status p1 | grep -q "^pid:" &&
        "$0" status --json p1 | jq -e ".stop_requested == false and has(\"restart_streak\")" >/dev/null' "$X"
# A value not set shows "-" as list and inspect show it (helper-110:
# "error:" and "image:" were followed by nothing).
check "status shows - for a value not set (image of a volume made by hand, no error)" bash -c \
    '"$0" status p1 | grep -qx "image:      -" && "$0" status p1 | grep -qx "error:      -"' "$X"
check "list with a --root that does not exist says so on stderr (exit 0, nothing made)" bash -c \
    '"$0" --root "$1/nope" list 2>&1 >/dev/null | grep -q "the state root $1/nope does not exist" && [ ! -e "$1/nope" ]' "$X" "$T"
# A power loss can leave files of the state directory's store empty:
# status names the keys it cannot take (helper-67: an emptied mode read as
# "xen", and stop then failed with "Xen is not running"), and stop and
# destroy still work.
cfg pw 'oci_cmd = [ "sleep 600" ]'
"$X" create "$T/pw.cfg" >/dev/null 2>&1
: >"$T/state/status/tool/xl-oci/pw/state"
: >"$T/state/status/tool/xl-oci/pw/mode"
check "status names DomainStatus keys a power loss emptied, on stdout and stderr" bash -c \
    '"$0" status pw >"$1/pw.out" 2>"$1/pw.err"; grep -qx "damaged:    state mode" "$1/pw.out" &&
     grep -qx "mode:       nohyper" "$1/pw.out" && grep -q "^xl-oci status: warning: pw: no value xl-oci writes in DomainStatus state mode" "$1/pw.err" &&
     "$0" status --json pw | jq -e ".damaged == \"state mode\" and .mode == \"nohyper\"" >/dev/null' "$X" "$T"
check "stop of a container whose mode file is empty stops it (nohyper)" \
    bash -c '"$0" stop -t 1 pw >/dev/null 2>&1 && [ "$("$0" status --json pw | jq -r .state)" = halted ]' "$X"
check "destroy of it leaves nothing" bash -c '"$0" destroy pw >/dev/null && [ ! -e "$1/state/domains/pw" ]' "$X" "$T"
# create from oci_image (pulled into the store on the way), the admin's
# usual path: every other case here names a root volume with oci_root,
# so a create that deadlocked on oci_image alone went unseen (helper-67).
tar -C "$tree" -cf "$T/img.tar" .
"$top/tools/mkimage/mkimage.sh" layout "$T/layout" img "$T/img.tar" >/dev/null
printf 'name = "oi"\noci_image = "oci:%s:img"\noci_entrypoint = [ "/bin/echo" ]\noci_cmd = [ "from-oci-image" ]\n' "$T/layout" >"$T/oi.cfg"
check "create from oci_image (pulled on the way) runs and ends" bash -c \
    'timeout 60 "$0" create "$1/oi.cfg" >/dev/null && timeout 30 "$0" wait oi >/dev/null && "$0" logs oi | grep -qx from-oci-image' "$X" "$T"
"$X" destroy oi >/dev/null 2>&1
# A create racing rmi and prune of its image: the root volume was resolved
# without the state lock, and a prune removed it before the state dir
# named it (helper-67: the first create failed, "cannot open disk
# image").  Now resolved under the lock, pulled again when gone: 20 of 20.
check "create from oci_image while rmi and prune loop: 20 creates of 20" bash -c '
    ( while [ ! -e "$1/race-stop" ]; do "$0" rmi "oci:$1/layout:img" >/dev/null 2>&1; "$0" prune >/dev/null 2>&1; done ) & lp=$!
    bad=
    for i in $(seq 20); do
        out=$(timeout 60 "$0" create "$1/oi.cfg" 2>&1) || { bad="create $i: $out"; break; }
        "$0" destroy oi >/dev/null 2>&1
    done
    touch "$1/race-stop"; wait $lp
    [ -z "$bad" ] || { echo "$bad"; exit 1; }' "$X" "$T"
"$X" destroy oi >/dev/null 2>&1
# What a crash in `runc create` leaves in runc's state dir (ROOT/runc/NAME
# without state.json, or with one cut short) blocked the name for good
# (helper-67: "container with given ID already exists" on every create).
for stale in empty cut; do
    mkdir -p "$XL_OCI_ROOT/runc/oi"
    [ $stale = cut ] && printf '{"id":"oi","init_process_pi' >"$XL_OCI_ROOT/runc/oi/state.json"
    check "runc's state dir of the name left $stale by a crash: create runs all the same" bash -c \
        'timeout 60 "$0" create "$1/oi.cfg" >/dev/null 2>&1 && timeout 30 "$0" wait oi >/dev/null && "$0" logs oi | grep -qx from-oci-image' "$X" "$T"
    "$X" destroy oi >/dev/null 2>&1
done
# The admin's umask (077, CIS's 027) made the NOHYPER root's upper dir
# drwx------ and a non-root container could not reach /bin (helper-67:
# exit 126, "sleep: Permission denied"): create runs under 022, as a
# runtime daemon does.
printf 'name = "um"\noci_image = "oci:%s:img"\noci_user = "1000:1000"\noci_entrypoint = [ "/bin/sh", "-c" ]\noci_cmd = [ "echo umask-ok" ]\n' "$T/layout" >"$T/um.cfg"
check "create under umask 077 by a uid-1000 container: runs, exit 0" bash -c \
    '(umask 077; "$0" create "$1/um.cfg" >/dev/null 2>&1) && timeout 30 "$0" wait um && "$0" logs um | grep -qx umask-ok' "$X" "$T"
"$X" destroy um >/dev/null 2>&1
# A user who is not root was told there is no container (helper-67:
# list printed an empty table, status "no container domain named").
check "list and status by a user who is not root: a permission error, not 'no container'" bash -c \
    'o1=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$0" list 2>&1) && exit 1
     o2=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$0" status p1 2>&1) && exit 1
     for o in "$o1" "$o2"; do
         echo "$o" | grep -q "Permission denied" && ! echo "$o" | grep -q "no container" || { echo "$o1 / $o2"; exit 1; }
     done' "$X"
check "list --json shows it" bash -c \
    '"$0" list --json | jq -e ".[] | select(.name == \"p1\") | .exit_code == 42" >/dev/null' "$X"
check "its root is unmounted once it exited (its writable tmpfs stays for start)" bash -c \
    "! grep -q ' $T/state/domains/p1/rootfs \\| $T/state/domains/p1/lower ' /proc/self/mounts"
# no_new_privs: off by default (Docker's), on with oci_no_new_privileges.
cfg nn0 'oci_cmd = [ "grep NoNewPrivs /proc/self/status" ]'
cfg nn1 'oci_no_new_privileges = 1' 'oci_cmd = [ "grep NoNewPrivs /proc/self/status" ]'
run_to_end nn0; run_to_end nn1
check "no_new_privs off by default, as Docker's; on with oci_no_new_privileges = 1" bash -c \
    '"$0" logs nn0 | grep -qx "NoNewPrivs:.0" && "$0" logs nn1 | grep -qx "NoNewPrivs:.1"' "$X"
"$X" destroy nn0 >/dev/null 2>&1; "$X" destroy nn1 >/dev/null 2>&1
check "status: a uuid of its own (random, version 4), as libxl gives a domain" bash -c \
    '"$0" status --json p1 | jq -e ".uuid | test(\"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\$\")" >/dev/null' "$X"
cfg u1 'uuid = "6E8B5A42-1234-4ABC-8DEF-0123456789AB"' 'oci_cmd = [ "true" ]'
run_to_end u1
check "status: app.cfg's uuid, in lowercase as xl prints it" bash -c \
    '"$0" status --json u1 | jq -e ".uuid == \"6e8b5a42-1234-4abc-8def-0123456789ab\"" >/dev/null' "$X"
"$X" destroy u1 >/dev/null 2>&1
fails_with "a second create of the same name is refused" "a container named p1 already exists" \
    "$X" create "$T/p1.cfg"
check "destroy succeeds" "$X" destroy p1
check "and leaves nothing" nothing_left p1
fails_with "status of a destroyed container" "no container domain named p1" "$X" status p1

# start of a container whose image name was removed (rmi -f keeps the
# volume it uses) runs that volume, as docker start runs the container's
# image: it pulled the name again, under the state lock, and deadlocked
# with a prune (store.lock, then the state lock) queued beside it
# (helper-76).
printf 'name = "sr"\noci_image = "oci:%s:img"\noci_entrypoint = [ "/bin/echo" ]\noci_cmd = [ "ran" ]\n' "$T/layout" >"$T/sr.cfg"
"$X" create "$T/sr.cfg" >/dev/null 2>&1 && "$X" wait sr >/dev/null 2>&1
"$X" rmi -f "oci:$T/layout:img" >/dev/null 2>&1
check "start after rmi -f runs the container's own volume, beside a prune, and pulls nothing" bash -c '
    flock -x "$1/state/lock" sleep 1 & h=$!
    sleep 0.2; timeout 30 "$0" start sr >"$1/sr.out" 2>&1 & s=$!
    sleep 0.2; timeout 30 "$0" prune >/dev/null 2>&1 & p=$!
    wait $h; wait $s; rs=$?; wait $p; rp=$?
    [ $rs = 0 ] && [ $rp = 0 ] && grep -qx "Started sr" "$1/sr.out" &&
        ! "$0" images | grep -q "$1/layout" || { echo "start $rs prune $rp: $(cat "$1/sr.out")"; false; }' "$X" "$T"
"$X" destroy sr >/dev/null 2>&1

# A writable root as in a domain (a read-only one made Debian's nginx fail:
# mkdir() "/tmp/nginx-body" failed (30: Read-only file system)).
cfg w1 'oci_cmd = [ "touch /x && mkdir -p /var/run/app /tmp/nginx-body && echo rw" ]'
run_to_end w1
check "the root is writable (a file in /, directories in /var/run and /tmp)" bash -c \
    '"$0" logs w1 | grep -qx rw' "$X"
"$X" destroy w1 >/dev/null 2>&1
# The runtime's /etc/hosts, /etc/resolv.conf and /etc/hostname are 0644,
# as Docker's and the loader's: a non-root program resolves names (they
# were the state dir's 0600, "Permission denied" for user app).
cfg e1 'oci_user = "app"' 'oci_cmd = [ "cat /etc/hosts /etc/resolv.conf /etc/hostname >/dev/null && echo readable; ls -l /etc/hosts /etc/resolv.conf /etc/hostname" ]'
run_to_end e1
check "/etc/hosts, resolv.conf and hostname: 0644, a non-root user reads them" bash -c \
    '"$0" logs e1 | grep -qx readable && [ "$("$0" logs e1 | grep -c "^-rw-r--r-- ")" = 3 ]' "$X"
"$X" destroy e1 >/dev/null 2>&1
# /etc/hosts as Docker writes it (libnetwork/etchosts): localhost, the
# IPv6 names, then the container's own line.
cfg h1 'oci_cmd = [ "cat /etc/hosts" ]'
run_to_end h1
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n' >"$T/hosts.want"
check "/etc/hosts: Docker's six lines, then the container's" bash -c \
    '"$0" logs h1 >"$1.got" && head -n 6 "$1.got" | cmp -s - "$1" && [ "$(sed -n "7p" "$1.got" | cut -f 2)" = h1 ] && [ "$(wc -l <"$1.got")" = 7 ]' "$X" "$T/hosts.want"
"$X" destroy h1 >/dev/null 2>&1
# stdout and stderr are a pipe the monitor copies into the log, as under
# Docker: on the log file itself `echo two >/dev/stderr` truncated the log
# ("one" was lost) and runc gave the host's log file to user app.
cfg o1 'oci_user = "app"' 'oci_cmd = [ "echo one; echo two >/dev/stderr; echo three >/dev/stdout; case $(ls -l /proc/$$/fd/1) in *pipe:*) echo pipe;; esac" ]'
run_to_end o1
check "stdout and stderr: a pipe; reopening /dev/stderr truncates nothing" bash -c \
    '[ "$("$0" logs o1 | sort | tr "\n" " ")" = "one pipe three two " ]' "$X"
check "the host's log file stays root's" test "$(stat -c %u "$T/log/o1.log")" = 0
"$X" destroy o1 >/dev/null 2>&1
# The console log rotates past XL_OCI_LOG_MAX as a domain's does: 400
# lines of 32 bytes through a 4096-byte cap ("4k", as Docker's max-size
# is written) end in NAME.log and NAME.log.1, neither past the cap, the
# last line in NAME.log.
cfg lr1 'oci_cmd = [ "i=100; while [ $i -lt 500 ]; do echo line-$i-0123456789abcdefghijklm; i=$((i+1)); done" ]'
XL_OCI_LOG_MAX=4k run_to_end lr1
check "NOHYPER console log rotated past XL_OCI_LOG_MAX (4096): NAME.log and NAME.log.1 within it" bash -c \
    's=$(stat -c %s "$0/lr1.log") && o=$(stat -c %s "$0/lr1.log.1") && [ "$s" -le 4096 ] && [ "$o" -le 4096 ] && [ "$o" -gt 3000 ] &&
     tail -n1 "$0/lr1.log" | grep -qx "line-499-0123456789abcdefghijklm" &&
     cat "$0/lr1.log.1" "$0/lr1.log" | awk "NR>1 && \$0 !~ /^line-/ {bad=1} END {exit bad}"' "$T/log"
# logs reads the rotated file first, as docker logs does: all of it, and
# -n 150 across both (NAME.log alone holds 128 of these lines).
check "logs prints NAME.log.1 then NAME.log" bash -c \
    '[ "$("$1" logs lr1 | md5sum)" = "$(cat "$0/lr1.log.1" "$0/lr1.log" | md5sum)" ]' "$T/log" "$X"
check "logs -n 150 takes lines from both files" bash -c \
    '"$0" logs -n 150 lr1 >"$1" && [ "$(wc -l <"$1")" = 150 ] && head -n1 "$1" | grep -qx "line-350-0123456789abcdefghijklm"' "$X" "$T/lr1.tail"
"$X" destroy lr1 >/dev/null 2>&1
# A log past 4 MiB (Docker's usual max-size is 10m) is printed whole and
# streamed: logs printed its last 4 MiB only, the first line a fragment
# (helper-73).
cfg lb 'oci_cmd = [ "yes 0123456789abcdefghijklmnopqrstuvwxyz0123 | head -n 150000; echo last-line" ]'
XL_OCI_LOG_MAX=16m run_to_end lb
check "logs prints a 6 MB log whole (150,001 lines)" bash -c \
    '"$0" logs lb | cmp -s - "$1/lb.log" && [ "$(stat -c %s "$1/lb.log")" -gt 6000000 ]' "$X" "$T/log"
check "logs -n 2 of it: its last two lines" bash -c \
    '[ "$("$0" logs -n 2 lb | tr "\n" " ")" = "0123456789abcdefghijklmnopqrstuvwxyz0123 last-line " ]' "$X"
"$X" destroy lb >/dev/null 2>&1
# logs while the log rotates: each run prints every line once, in order
# (helper-73: NAME.log opened, renamed to NAME.log.1 before logs opened
# that, and the same file came twice).  The log grows as logs reads it:
# its end may be a line the relay has written only part of so far (a pipe
# read ends where the pipe's data does), printed as it is, as cat would;
# that unfinished last line is not part of the sequence checked.
cfg lrace 'oci_cmd = [ "i=0; while :; do i=$((i+1)); echo $i; done" ]'
XL_OCI_LOG_MAX=16k "$X" create "$T/lrace.cfg" >/dev/null 2>&1
sleep 1
check "logs racing rotations (300 runs): each output an increasing sequence" bash -c '
    for k in $(seq 300); do
        "$0" logs lrace 2>/dev/null >"$1/lrace.out"
        [ "$(tail -c 1 "$1/lrace.out" | od -An -tx1 | tr -d " ")" = 0a ] || sed -i "\$d" "$1/lrace.out"
        awk "NR>1 && \$1 <= p {exit 1} {p = \$1}" "$1/lrace.out" || { echo "run $k: $(awk "NR>1 && \$1 <= p {print p \" then \" \$1; exit} {p = \$1}" "$1/lrace.out")"; exit 1; }
    done' "$X" "$T"
"$X" destroy lrace >/dev/null 2>&1
# logs -f held up (a slow pipe, Ctrl-S) while the log rotates twice:
# NAME.log.1 is then a whole file after the one it had open, and it is
# printed before the new NAME.log (helper-73: it was skipped).
cfg lf2 'oci_cmd = [ "echo start; exec sleep 300" ]'
XL_OCI_LOG_MAX=4k "$X" create "$T/lf2.cfg" >/dev/null 2>&1
for _ in $(seq 50); do "$X" logs lf2 2>/dev/null | grep -q start && break; sleep 0.1; done
"$X" logs -f lf2 >"$T/lf2.out" 2>&1 &
lfp=$!
for _ in $(seq 50); do grep -q start "$T/lf2.out" && break; sleep 0.1; done
kill -STOP $lfp
# 2500 numbered lines, about 11 KB: two rotations with a 4 KiB cap.
"$X" exec lf2 sh -c 'seq 1 2500 >/proc/1/fd/1'
sleep 0.5
kill -CONT $lfp
sleep 1
"$X" kill lf2 >/dev/null 2>&1
timeout 20 "$X" wait lf2 >/dev/null 2>&1
wait $lfp
check "logs -f across two rotations while it was held up: every line, in order" bash -c \
    '[ "$(grep -E "^[0-9]+\$" "$0" | tr "\n" " ")" = "$(seq 1 2500 | tr "\n" " ")" ]' "$T/lf2.out"
"$X" destroy lf2 >/dev/null 2>&1
# A log directory that is full: what cannot be written is counted, and
# said in the log on a line of its own once there is room (helper-73: it
# was dropped without a word, and the cut line glued to the next).
mkdir -p "$T/fulllog"
mount -t tmpfs -o size=256k xl-oci-t32-full "$T/fulllog"
dd if=/dev/zero of="$T/fulllog/filler" bs=1k count=200 2>/dev/null
cfg dfull 'oci_cmd = [ "sleep 1; seq 1 100000; echo DONE; sleep 6; echo AFTER" ]'
XL_OCI_LOG_DIR=$T/fulllog "$X" create "$T/dfull.cfg" >/dev/null 2>&1
sleep 4
rm -f "$T/fulllog/filler"
XL_OCI_LOG_DIR=$T/fulllog timeout 30 "$X" wait dfull >/dev/null 2>&1
XL_OCI_LOG_DIR=$T/fulllog "$X" logs dfull >"$T/dfull.out" 2>&1
check "a full log directory: the loss is said on a line of its own, lines stay whole, the output goes on" bash -c '
    grep -B1 "^xl-oci: [0-9]* bytes of the container.s output lost: No space left on device\$" "$0" >"$0.m" &&
    head -n1 "$0.m" | grep -Eqx "[0-9]+" && tail -n1 "$0" | grep -qx AFTER &&
    ! grep -Ev "^([0-9]+|AFTER|DONE|xl-oci: .*)\$" "$0" | grep -q .' "$T/dfull.out"
check "and the monitor's log says how much was lost" \
    grep -q "the console log takes writes again; [0-9]* bytes were lost" "$T/fulllog/dfull.monitor.log"
XL_OCI_LOG_DIR=$T/fulllog "$X" destroy dfull >/dev/null 2>&1
umount "$T/fulllog"
cfg lr2 'oci_cmd = [ "echo never" ]'
check "an XL_OCI_LOG_MAX that is no size: create refuses it, naming it" bash -c \
    '! XL_OCI_LOG_MAX=10X "$0" create "$1/lr2.cfg" 2>"$1/lr2.err" &&
     grep -q "XL_OCI_LOG_MAX=10X: not a size" "$1/lr2.err"' "$X" "$T"
check "and leaves nothing" nothing_left lr2
# Docker's sysctls for a container with a network namespace of its own:
# a non-root program binds port 80 (nginx as www-data), pings without
# CAP_NET_RAW.  runc writes them, as the loader does in a domain.
cfg sc1 'oci_user = "app"' 'oci_cmd = [ "cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/net/ipv4/ping_group_range" ]'
run_to_end sc1
check "Docker's default sysctls: unprivileged ports from 0, ping for every group" bash -c \
    '"$0" logs sc1 | tr "\n\t" "  " | grep -qx "0 0 2147483647 "' "$X"
"$X" destroy sc1 >/dev/null 2>&1
# oci_privileged gives what this host can give, our own bounding set (as
# containerd's WithPrivileged): a host without one capability (this one
# lacks CAP_SYS_RESOURCE) made runc fail with "unable to apply caps".
cfg pv1 'oci_privileged = 1' 'oci_cmd = [ "busybox grep CapBnd: /proc/self/status" ]'
run_to_end pv1
check "oci_privileged: runs, with this host's bounding set" bash -c \
    '[ "$("$0" logs pv1)" = "$(grep CapBnd: /proc/self/status)" ]' "$X"
"$X" destroy pv1 >/dev/null 2>&1
# RLIMIT_NOFILE 1024:524288 by default (docs/decisions.md).  A host that
# does not let create raise its hard limit past its own (this one: no
# CAP_SYS_RESOURCE) gets create's own hard limit, where runc failed the
# container ("error setting rlimit type 7").
cfg nf1 'oci_cmd = [ "echo $(ulimit -n) $(ulimit -Hn)" ]'
"$X" create "$T/nf1.cfg" >/dev/null 2>"$T/nf1.err"
"$X" wait nf1 >/dev/null 2>&1
if prlimit --nofile=1024:524288 true 2>/dev/null; then
    check "RLIMIT_NOFILE 1024:524288 by default" bash -c \
        '[ "$("$0" logs nf1)" = "1024 524288" ]' "$X"
else
    check "RLIMIT_NOFILE 1024 and this host's hard limit, where it cannot give 524288" bash -c \
        '[ "$("$0" logs nf1)" = "1024 $(ulimit -Hn)" ]' "$X"
fi
"$X" destroy nf1 >/dev/null 2>&1
cfg nf2 'oci_rlimits = [ "nofile=2048:4096" ]' 'oci_cmd = [ "echo $(ulimit -n) $(ulimit -Hn)" ]'
run_to_end nf2
check "oci_rlimits' nofile as given" bash -c '[ "$("$0" logs nf2)" = "2048 4096" ]' "$X"
"$X" destroy nf2 >/dev/null 2>&1
# As Docker's --privileged: /sys read-write, /proc/sys and /proc/keys not
# mounts of their own; without it /sys and /proc/sys are read-only and
# /proc/keys masked (/dev/null over it).
mnts="oci_cmd = [ 'for p in /sys /proc/sys /proc/keys; do busybox grep \" \$p \" /proc/self/mounts | busybox cut -d\" \" -f2,4 | busybox cut -d, -f1; done' ]"
cfg pv2 'oci_privileged = 1' "$mnts"
run_to_end pv2
cfg pv3 "$mnts"
run_to_end pv3
check "oci_privileged: /sys read-write, /proc/sys and /proc/keys the host's; else read-only and masked" bash -c \
    '[ "$("$0" logs pv2 | tr "\n" " ")" = "/sys rw " ] &&
     [ "$("$0" logs pv3 | tr "\n" " ")" = "/sys ro /proc/sys ro /proc/keys rw " ]' "$X"
"$X" destroy pv2 >/dev/null 2>&1
"$X" destroy pv3 >/dev/null 2>&1
# A runc create that fails for another reason than the program says runc's
# reason (it said only "its message is in the log").
cfg rf1 'oci_sysctl = [ "kernel.msgmax=notanumber" ]'
check "a failed runc create: create's error says runc's reason" bash -c \
    '! "$0" create "$1" 2>"$1.err" && grep -q "runc create failed (exit 1): .*msgmax: invalid argument" "$1.err"' "$X" "$T/rf1.cfg"
"$X" destroy rf1 >/dev/null 2>&1
check "and left nothing of rf1" nothing_left rf1
# Keys that shape only a Xen domain are said to have no effect, naming
# file and line (a config written for a domain looked honoured).
cfg xw1 'cpus = "0"' 'maxmem = 512' 'on_crash = "preserve"' 'oci_cmd = [ "true" ]'
check "Xen-only keys under NOHYPER: a warning each, naming file, line and key" bash -c \
    '"$0" create "$1" 2>"$1.err" >/dev/null && "$0" wait xw1 >/dev/null &&
     [ "$(grep -c "a Xen domain.s setting, without effect under NOHYPER" "$1.err")" = 3 ] &&
     grep -q "xw1.cfg:3: cpus" "$1.err" && grep -q "xw1.cfg:4: maxmem" "$1.err"' "$X" "$T/xw1.cfg"
"$X" destroy xw1 >/dev/null 2>&1
cfg xw2 "vcpus = $(($(getconf _NPROCESSORS_ONLN) + 2))" 'oci_cmd = [ "true" ]'
check "vcpus past the host's CPUs under NOHYPER: a warning, the container runs" bash -c \
    '"$0" create "$1" 2>"$1.err" >/dev/null && "$0" wait xw2 >/dev/null &&
     grep -q "xw2.cfg:3: vcpus: $(($(getconf _NPROCESSORS_ONLN) + 2)) CPUs, this host has $(getconf _NPROCESSORS_ONLN)" "$1.err"' "$X" "$T/xw2.cfg"
"$X" destroy xw2 >/dev/null 2>&1
# A tmpfs volume is 1777, as Docker's --tmpfs and a domain's: runc gave it
# the mount point's 0755 root and user app could not write to it.
cfg tv1 'oci_user = "app"' 'oci_volumes = [ "tmpfs:/scratch:8m" ]' 'oci_cmd = [ "touch /scratch/x && ls -ld /scratch" ]'
run_to_end tv1
check "a tmpfs volume: mode 1777, a non-root user writes to it" bash -c \
    '"$0" logs tv1 | grep -q "^drwxrwxrwt .* /scratch\$"' "$X"
"$X" destroy tv1 >/dev/null 2>&1
check "create -N on a host without Xen says create would run it through runc" bash -c \
    '"$0" create -N "$1" 2>&1 >/dev/null | grep -q "note: tv1 would run through runc here (NOHYPER)"' "$X" "$T/tv1.cfg"
# The dry run warns of Xen-only keys as create does (helper-93: it said
# nothing, and create itself missed maxvcpus and oci_stdin).
cfg xo1 'oci_mode = "nohyper"' 'maxvcpus = 2' 'oci_stdin = 1' 'cpus = "0"'
check "create -N of a NOHYPER container warns of maxvcpus, oci_stdin and cpus, naming their lines" bash -c \
    '"$0" create -N "$1" 2>&1 >/dev/null | grep -c "a Xen domain.s setting, without effect under NOHYPER" | grep -qx 3 &&
     "$0" create -N "$1" 2>&1 >/dev/null | grep -q "xo1.cfg:4: maxvcpus"' "$X" "$T/xo1.cfg"
# The image's Volumes stay in the writable layer; a target the image lacks
# is made there, as runc makes mount points (the program got ENOENT).
rvv=$T/rvv
cp -a "$rv" "$rvv"
sed -i 's|"WorkingDir": "/"|"WorkingDir": "/", "Volumes": {"/newvol": {}, "/srv": {}}|' "$rvv/image-config.json"
{ echo 'name = "v1"'; echo "oci_root = \"$rvv\""; echo 'oci_cmd = [ "touch /newvol/x && ls -d /newvol /srv && echo vol-ok" ]'; } >"$T/v1.cfg"
run_to_end v1
check "an image volume the image lacks is made in the writable layer" bash -c \
    '"$0" logs v1 | grep -qx vol-ok' "$X"
"$X" destroy v1 >/dev/null 2>&1
# The dry run's runtime spec is what runc gets: no mount for those
# volumes (helper-100: it showed an ext4 mount of a file never made).
{ cat "$T/v1.cfg"; echo 'oci_mode = "nohyper"'; } >"$T/v1n.cfg"
check "create -N --runtime-spec of a NOHYPER container mounts nothing at the image's volumes" bash -c \
    '"$0" create -N --runtime-spec "$1.json" "$1" >/dev/null 2>&1 &&
     jq -e "[.mounts[] | select(.destination == \"/newvol\" or .destination == \"/srv\")] | length == 0" "$1.json" >/dev/null' \
    "$X" "$T/v1n.cfg"
# A WorkingDir through a symlink whose target is missing: made, as in a
# domain and under Docker (runc failed to make it).
rvw=$T/rvw
mkdir -p "$T/treew" && cp -a "$tree/." "$T/treew/" && ln -s /nonexist "$T/treew/dang"
mkdir -p "$rvw" && cp "$rv/passwd" "$rv/group" "$rv/image-config.json" "$rvw/"
mkfs.erofs --quiet "$rvw/rootfs.erofs" "$T/treew" >/dev/null
{ echo 'name = "wd1"'; echo "oci_root = \"$rvw\""; echo 'oci_workdir = "/dang"'; echo 'oci_cmd = [ "pwd; ls -d /nonexist" ]'; } >"$T/wd1.cfg"
run_to_end wd1
check "a working directory through a dangling symlink is made" bash -c \
    '"$0" logs wd1 | grep -qx /nonexist' "$X"
"$X" destroy wd1 >/dev/null 2>&1
# A program that cannot be run is an exit, 127 (not found) or 126 (not
# runnable), as in a domain and under Docker: the container stays, halted,
# with runc's reason (create failed and removed it).
for c in "nf /nosuchprog 127 no such file" "nf2 nosuchprog 127 executable file" "nx /etc/passwd 126 permission denied"; do
    set -- $c
    { echo "name = \"$1\""; echo "oci_root = \"$rv\""; echo "oci_entrypoint = [ \"$2\" ]"; } >"$T/$1.cfg"
    "$X" create "$T/$1.cfg" >"$T/$1.out" 2>&1
    crc=$?
    "$X" wait "$1" >/dev/null 2>&1
    wrc=$?
    if [ $crc = 0 ] && [ $wrc = "$3" ] &&
        "$X" status --json "$1" | jq -e ".state == \"halted\" and .exit_code == $3" >/dev/null &&
        "$X" status "$1" | grep -q "could not be run: exec: .*$4 $5" &&
        "$X" logs "$1" | grep -q "$4 $5"; then
        ok "a program that cannot be run ($2): halted with $3 and runc's reason"
    else
        sed 's/^/# /' "$T/$1.out"; "$X" status "$1" 2>&1 | sed 's/^/# /'
        nok "a program that cannot be run ($2): halted with $3 and runc's reason (create $crc, wait $wrc)"
    fi
    "$X" destroy "$1" >/dev/null 2>&1
    check "and destroy leaves nothing of $1" nothing_left "$1"
done

# args and env are bounded by the stack limit the program starts under:
# without oci_rlimits' that is runc's, inherited from create's caller, not
# the default 8 MiB.  400 KB of env under `ulimit -s 1024` (the kernel
# takes 256 KiB) is refused at create, naming that limit (it passed, and
# runc's execve() failed with E2BIG inside the container).
big=$(head -c 100000 /dev/zero | tr '\0' v)
cfg a1 "oci_env = [ \"B1=$big\", \"B2=$big\", \"B3=$big\", \"B4=$big\" ]" 'oci_cmd = [ "echo env-fits" ]'
fails_with "400 KB of env under ulimit -s 1024: refused at create, naming the limit" \
    "at most 258048 fit: the kernel's 262144 under the stack limit create runs under (ulimit -s), which runc inherits as oci_rlimits sets none (a quarter of 1048576" \
    bash -c 'ulimit -S -s 1024 && exec "$0" create "$1"' "$X" "$T/a1.cfg"
check "and left nothing of a1" nothing_left a1
"$X" destroy a1 >/dev/null 2>&1
check "under the default 8 MiB it runs" bash -c \
    'ulimit -S -s 8192 && "$0" create "$1" >/dev/null && "$0" wait a1 >/dev/null; "$0" logs a1 | grep -qx env-fits' "$X" "$T/a1.cfg"
"$X" destroy a1 >/dev/null 2>&1
cfg a2 "oci_env = [ \"B1=$big\", \"B2=$big\", \"B3=$big\", \"B4=$big\" ]" 'oci_rlimits = [ "stack=8388608" ]' 'oci_cmd = [ "echo env-fits" ]'
check "under ulimit -s 1024 with oci_rlimits' stack of 8 MiB it runs (runc sets it)" bash -c \
    'ulimit -S -s 1024 && "$0" create "$1" >/dev/null && "$0" wait a2 >/dev/null; "$0" logs a2 | grep -qx env-fits' "$X" "$T/a2.cfg"
"$X" destroy a2 >/dev/null 2>&1

# A cgroup namespace as Docker gives one: private on a cgroup v2 host, the
# host's on a v1 or hybrid one (moby's default cgroupns mode).  The v2
# host is this host seen through a mount namespace where /sys/fs/cgroup is
# cgroup2, which runc then takes for a v2 host too; create, wait, logs and
# destroy all run in it.  Before, the container was always in the host's:
# "0::/cg2".
cfg cg2 'oci_cmd = [ "cat /proc/self/cgroup; readlink /proc/self/ns/cgroup" ]'
check "a cgroup v2 host: a cgroup namespace of its own, /proc/self/cgroup says 0::/" \
    unshare -m --propagation private bash -c '
    mount -t cgroup2 cgroup2 /sys/fs/cgroup || exit 1
    "$0" create "$1" >/dev/null && "$0" wait cg2 >/dev/null
    "$0" logs cg2 >"$2.log"; "$0" destroy cg2
    cat "$2.log"; grep -qx "0::/" "$2.log" &&
        ! grep -qxF "$(readlink /proc/self/ns/cgroup)" "$2.log"' "$X" "$T/cg2.cfg" "$T/cg2"
check "and left nothing of cg2" nothing_left cg2
cgfs=$(stat -fc %T /sys/fs/cgroup)
if [ "$cgfs" = cgroup2fs ]; then
    ok "a cgroup v1 host: the host's cgroup namespace # SKIP this host is cgroup v2"
else
    cfg cg1 'oci_cmd = [ "cat /proc/self/cgroup; readlink /proc/self/ns/cgroup" ]'
    run_to_end cg1
    check "a cgroup v1 or hybrid host ($cgfs): the host's cgroup namespace, as Docker's" bash -c \
        '"$0" logs cg1 | grep -qxF "$(readlink /proc/self/ns/cgroup)" && "$0" logs cg1 | grep -qx "0::/xl-oci-[0-9a-f]\{8\}/cg1"' "$X"
    "$X" destroy cg1 >/dev/null 2>&1
fi

# /sys as under Docker: the spec's sysfs "ro" makes runc mount a sysfs of
# the container's network namespace read-only, the superblock too
# (mountinfo "/sys ro,... - sysfs sysfs ro"), not a read-only bind of a
# read-write one as a domain's loader has it.  A guard: so it was before.
cfg sy1 'oci_cmd = [ "grep \" /sys \" /proc/self/mountinfo; touch /sys/x 2>&1" ]'
run_to_end sy1
check "/sys: read-only, the mount and its superblock, as Docker's; a write fails" bash -c \
    '"$0" logs sy1 | grep -q " /sys ro,[^ ]* - sysfs sysfs ro\(,\| *\$\)" &&
        "$0" logs sy1 | grep -q "Read-only file system"' "$X"
"$X" destroy sy1 >/dev/null 2>&1

# oci_writable = "/IMAGE": the upper layer on an ext4 image file, kept
# after the container (as in a domain, where it is a disk).
mke2fs -q -F -t ext4 "$T/upper.ext4" 16M
cfg w2 'oci_writable = "'"$T"'/upper.ext4"' 'oci_cmd = [ "echo kept >/kept && echo wrote" ]'
"$X" create "$T/w2.cfg" >/dev/null 2>"$T/w2.err"
"$X" wait w2 >/dev/null 2>&1
"$X" destroy w2 >/dev/null 2>&1
check "oci_writable on an image file: the write lands in the image's upper/" bash -c \
    'debugfs -R "cat /upper/kept" "$0" 2>/dev/null | grep -qx kept' "$T/upper.ext4"
# An oci_writable image that is missing, or no ext4: refused before
# anything is made, naming the file, the key and the image (the mount said
# "Input/output error").
cfg w5 'oci_writable = "'"$T"'/no-such.img"'
fails_with "oci_writable naming a missing file: refused, naming file and key" \
    "$T/w5.cfg:3: oci_writable: \"$T/no-such.img\": No such file or directory" "$X" create "$T/w5.cfg"
head -c 4M /dev/zero >"$T/zero.img"
cfg w6 'oci_writable = "'"$T"'/zero.img"'
fails_with "oci_writable naming a file that is no ext4 image: refused, saying so" \
    "w6.cfg:3: oci_writable: \"$T/zero.img\": not an ext4 image" "$X" create "$T/w6.cfg"
check "and those left nothing" bash -c '[ ! -e "$0/state/domains/w5" ] && [ ! -e "$0/state/domains/w6" ]' "$T"
if command -v qemu-img >/dev/null; then
    qemu-img create -q -f qcow2 "$T/w.qcow2" 16M
    cfg w7 'oci_writable = "'"$T"'/w.qcow2"'
    fails_with "a qcow2 oci_writable image is refused for NOHYPER, saying why" \
        "a qcow2 oci_writable image (the host mounts it through a loop device" "$X" create "$T/w7.cfg"
else
    ok "qcow2 oci_writable # SKIP no qemu-img"
fi
# One image, two containers: the second is refused (two read-write ext4
# mounts of one file lost the first one's files), as Xen's block script
# refuses to share a disk used read-write; once the first is gone it runs.
cfg w3 'oci_writable = "'"$T"'/upper.ext4"' 'oci_cmd = [ "sleep 30" ]'
cfg w4 'oci_writable = "'"$T"'/upper.ext4"' 'oci_cmd = [ "echo second" ]'
"$X" create "$T/w3.cfg" >/dev/null 2>&1
loops=$(losetup -j "$T/upper.ext4" | wc -l)
fails_with "a second container on one oci_writable image is refused, naming it" \
    "disk image $T/upper.ext4 is attached already as /dev/loop" "$X" create "$T/w4.cfg"
check "the refused create attached nothing and left nothing" bash -c \
    '[ "$(losetup -j "$0" | wc -l)" = "$1" ] && [ "$1" = 1 ]' "$T/upper.ext4" "$loops"
check "and left no record (w3's root volume stays attached)" bash -c \
    '[ ! -e "$0/state/domains/w4" ] && [ ! -e "$0/state/status/tool/xl-oci/w4" ] && ! grep -q " $0/state/domains/w4/" /proc/self/mounts' "$T"
"$X" destroy w3 >/dev/null 2>&1
"$X" create "$T/w4.cfg" >/dev/null 2>"$T/w4.err"
"$X" wait w4 >/dev/null 2>&1
check "once the first is destroyed the image is free again" bash -c \
    '"$0" logs w4 | grep -qx second' "$X"
"$X" destroy w4 >/dev/null 2>&1

# inspect shows the writable layer and tmpfs volumes (it showed neither).
cfg iv 'oci_volumes = [ "tmpfs:/cache:8m" ]' 'oci_cmd = [ "echo iv" ]'
"$X" create "$T/iv.cfg" >/dev/null 2>&1; "$X" wait iv >/dev/null 2>&1
check "inspect: the writable layer and the tmpfs volumes" bash -c \
    '"$0" inspect iv | grep -q "^writable: *tmpfs" && "$0" inspect iv | grep -q "tmpfs:/cache:8m" &&
        "$0" inspect --json iv | jq -e ".config.tmpfs_volumes == [\"tmpfs:/cache:8m\"] and .config.writable == \"tmpfs\"" >/dev/null' "$X"
# Every label is apart from its value (helper-106: "tmpfs volumes:" was one
# column too wide: "tmpfs volumes:tmpfs:/cache:8m").
check "inspect: no label runs into its value" bash -c \
    '"$0" inspect iv >"$1" && grep -q "^tmpfs: *tmpfs:/cache:8m$" "$1" && ! grep -E "^[a-z_ ]+:[^ ]" "$1"' "$X" "$T/iv.inspect"
"$X" destroy iv >/dev/null 2>&1

# A relative --root is the working directory's: the monitor (which works
# from /) once made /relroot/status and create failed ("booting").
cfg r1 'oci_cmd = [ "echo rel" ]'
[ -e /xl-oci-relroot ] && nok "/xl-oci-relroot exists before the test" || true
(cd "$T" && "$X" --root xl-oci-relroot create "$T/r1.cfg") >/dev/null 2>"$T/r1.err"
"$X" --root "$T/xl-oci-relroot" wait r1 >/dev/null 2>&1
check "a relative --root: create runs, under the working directory, nothing in /" bash -c \
    '"$0" --root "$1/xl-oci-relroot" logs r1 | grep -qx rel && [ ! -e /xl-oci-relroot ]' "$X" "$T"
"$X" --root "$T/xl-oci-relroot" destroy r1 >/dev/null 2>&1

# Commands that only read make nothing under a root that does not exist
# (a mistyped --root once got a lock file and a status tree from `list`).
check "read-only commands on a missing --root make nothing there" bash -c '
    for c in "list" "list --json" "status r1" "inspect r1" "wait r1" "images" \
             "network ls" "volume ls" "stats --no-stream"; do
        "$0" --root "$1/typo-root" $c >/dev/null 2>&1
    done
    [ ! -e "$1/typo-root" ]' "$X" "$T"

# A new container of an old name starts a new log; the old one is set
# aside as NAME.log.1 (logs once showed the destroyed one's lines first).
cfg l1 'oci_cmd = [ "echo first-run" ]'
"$X" create "$T/l1.cfg" >/dev/null 2>&1; "$X" wait l1 >/dev/null 2>&1; "$X" destroy l1 >/dev/null 2>&1
cfg l1 'oci_cmd = [ "echo second-run" ]'
"$X" create "$T/l1.cfg" >/dev/null 2>&1; "$X" wait l1 >/dev/null 2>&1
check "logs after destroy and create of one name: only the new container's" bash -c \
    '"$0" logs l1 | grep -qx second-run && ! "$0" logs l1 | grep -q first-run && grep -qx first-run "$1/l1.log.1"' \
    "$X" "$XL_OCI_LOG_DIR"
"$X" destroy l1 >/dev/null 2>&1

# oci_mode = "nohyper" said outright: the same container, no notice.
cfg m1 'oci_mode = "nohyper"' 'oci_cmd = [ "echo explicit" ]'
"$X" create "$T/m1.cfg" >"$T/m1.out" 2>"$T/m1.err"
"$X" wait m1 >/dev/null 2>&1
check "oci_mode = \"nohyper\": runs, and no notice that Xen is missing" bash -c \
    '"$0" logs m1 | grep -qx explicit && grep -q "^Created m1 (nohyper" "$1" && ! grep -q "no Xen on this host" "$2"' \
    "$X" "$T/m1.out" "$T/m1.err"
"$X" destroy m1 >/dev/null 2>&1

# oci_sysctl: runc sets those the kernel keeps per namespace, in the
# container's own; a host-wide one is refused before anything is made.
cfg sc1 'oci_sysctl = [ "net.ipv4.ip_unprivileged_port_start=1024", "kernel.shmmax=7654321" ]' \
    'oci_cmd = [ "cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmax" ]'
"$X" create "$T/sc1.cfg" >/dev/null 2>"$T/sc1.err"
"$X" wait sc1 >/dev/null 2>&1
check "oci_sysctl: runc sets them in the container's namespaces" bash -c \
    '[ "$("$0" logs sc1 | tr "\n" " ")" = "1024 7654321 " ]' "$X"
check "oci_sysctl: ... not in the host's" bash -c \
    '[ "$(cat /proc/sys/kernel/shmmax)" != 7654321 ]'
"$X" destroy sc1 >/dev/null 2>&1
cfg sc2 'oci_sysctl = [ "vm.swappiness=7" ]' 'oci_cmd = [ "true" ]'
check "oci_sysctl: a host-wide one is refused for NOHYPER, naming it" bash -c \
    '! "$0" create "$1" >/dev/null 2>"$2" && grep -q "oci_sysctl: vm.swappiness is the whole host" "$2" && ! "$0" status sc2 >/dev/null 2>&1' \
    "$X" "$T/sc2.cfg" "$T/sc2.err"

# --- logs -f ----------------------------------------------------------------
cfg f1 'oci_cmd = [ "echo one; sleep 2; echo two" ]'
"$X" create "$T/f1.cfg" >/dev/null 2>&1
"$X" logs -f f1 >"$T/f1.follow" 2>&1 &
fpid=$!
for ((i = 0; i < 100; i++)); do grep -qx one "$T/f1.follow" && break; sleep 0.1; done
check "logs -f prints a line while the container still runs" bash -c \
    'grep -qx one "$1" && ! grep -qx two "$1"' _ "$T/f1.follow"
for ((i = 0; i < 300; i++)); do kill -0 "$fpid" 2>/dev/null || break; sleep 0.1; done
check "and returns by itself once it halted, with every line" bash -c \
    '! kill -0 "$2" 2>/dev/null && grep -qx one "$1" && grep -qx two "$1"' _ "$T/f1.follow" "$fpid"
kill "$fpid" 2>/dev/null
"$X" destroy f1 >/dev/null 2>&1

# --- stop ------------------------------------------------------------------
cfg s1 'oci_cmd = [ "trap \"echo got-TERM; exit 7\" TERM; echo up; while :; do sleep 1; done" ]'
check "create a long-running container" "$X" create "$T/s1.cfg"
check "status: running, its pid that of a live process" bash -c \
    'p=$("$0" status --json s1 | jq -r "select(.state == \"running\") | .pid") && [ "$p" -gt 1 ] && [ -d "/proc/$p" ] &&
     "$0" status s1 | grep -qx "pid: *$p"' "$X"
check "status --json of a running container: what is not known yet is null, not \"\"" bash -c \
    '"$0" status --json s1 | jq -e ".finished == null and .error == null and .exit_code == null and (.started | type) == \"string\"" >/dev/null' "$X"
# The container's process has the OOM score its creator had, not its
# monitor's (monitor_spawn.h: -998, where the host lets us lower it).
check "the container's process keeps its creator's oom_score_adj; the monitor's is -998 where lowering is allowed" bash -c \
    'p=$("$0" status --json s1 | jq -r .pid) && [ "$(cat /proc/$p/oom_score_adj)" = "$1" ] &&
     m=$(cat "$2/domains/s1/monitor.lock") && a=$(cat /proc/$m/oom_score_adj) &&
     if (echo -1 >/proc/self/oom_score_adj) 2>/dev/null; then [ "$a" = -998 ]; else [ "$a" = "$1" ]; fi' \
    "$X" "$(cat /proc/self/oom_score_adj)" "$T/state"
# A cgroup per state root: a second root's s1 is not in this one's (a
# pause there froze both, an update limited both); runc's default, /s1,
# is neither's.
mkdir -p "$T/state2"
env -u XL_OCI_LOG_DIR XL_OCI_ROOT="$T/state2" "$X" create "$T/s1.cfg" >/dev/null 2>&1
check "a second state root's container of the same name has a cgroup of its own" bash -c \
    'p1=$("$0" status --json s1 | jq -r .pid) && p2=$(XL_OCI_ROOT=$1 "$0" status --json s1 | jq -r .pid) &&
     c1=$(grep -m1 "/s1\$" /proc/$p1/cgroup) && c2=$(grep -m1 "/s1\$" /proc/$p2/cgroup) &&
     case "$c1" in *:/xl-oci-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]/s1) ;; *) exit 1;; esac &&
     [ "$c1" != "$c2" ]' "$X" "$T/state2"
# Its log too: in ROOT/log without XL_OCI_LOG_DIR (both roots' logs were
# /var/log/xen/oci/s1.log: each create set the other's aside, `logs` mixed
# them).
check "and a log of its own, in ROOT/log; this root's s1 log untouched" bash -c \
    'for _ in $(seq 50); do grep -qx up "$1/log/s1.log" 2>/dev/null && break; sleep 0.1; done
     env -u XL_OCI_LOG_DIR XL_OCI_ROOT="$1" "$0" logs s1 | grep -qx up &&
         [ "$("$0" logs s1 | grep -cx up)" = 1 ] && [ ! -e "$2/s1.log.1" ]' "$X" "$T/state2" "$T/log"
env -u XL_OCI_LOG_DIR XL_OCI_ROOT="$T/state2" "$X" destroy s1 >/dev/null 2>&1
# exec (issue 15): runc exec, with the rules of a domain's exec.
rc=0
"$X" exec s1 sh -c 'exit 7' || rc=$?
if [ "$rc" = 7 ]; then ok "exec returns the command's exit code (7)"; else nok "exec gave $rc, not 7"; fi
# -e KEY alone passes this environment's value, and nothing when it is
# not set here, as docker exec -e KEY.
check "exec -e KEY: the caller's value, or none" bash -c \
    '[ "$(env -u XO_UNSET XO_HOSTVAR=from-host "$0" exec -e XO_HOSTVAR -e XO_UNSET s1 sh -c "echo \$XO_HOSTVAR \${XO_UNSET-unset}")" = "from-host unset" ]' "$X"
# runc exits 255 when it cannot start the process; xl-oci(1) promises the
# shell's codes, as in a domain: 127 not found, 126 not runnable, 1 else;
# the process's own 255 stays 255.
for c in "127 nosuchcmd" "126 /etc" "1 -w /nonexistent s1 true" "255 sh -c 'exit 255'"; do
    want=${c%% *} cmd=${c#* }
    rc=0
    case $cmd in -w*) eval "\"\$X\" exec $cmd" >/dev/null 2>&1 || rc=$? ;;
                 *) eval "\"\$X\" exec s1 $cmd" >/dev/null 2>&1 || rc=$? ;; esac
    if [ "$rc" = "$want" ]; then ok "exec $cmd: exit $want"; else nok "exec $cmd: exit $rc, not $want"; fi
done
# -t without a terminal of our own: a pty of 24x80, as in a domain (runc
# failed: "open /dev/tty: no such device or address").
# runc sizes the process's pty from its console just after the process
# starts: the size is read once runc has set it (a race of runc's own).
check "exec -t without a local terminal: a 24x80 terminal, the exit code kept" bash -c \
    '[ "$("$0" exec -t s1 sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do s=\$(busybox stty size 2>/dev/null) && [ \"\$s\" != \"0 0\" ] && break; sleep 0.3; done; echo \$s" </dev/null | tr -d "\r")" = "24 80" ] &&
        { "$0" exec -t s1 sh -c "exit 4" </dev/null; [ $? = 4 ]; }' "$X"
# A terminal comes with TERM=xterm, as docker exec -t gives (and a
# domain's exec), unless -e names one; none without -t.
check "exec -t: TERM=xterm unless -e sets it, none without -t" bash -c \
    '[ "$("$0" exec -t s1 sh -c "echo term=\$TERM" </dev/null | tr -d "\r")" = term=xterm ] &&
     [ "$("$0" exec -t -e TERM=vt100 s1 sh -c "echo term=\$TERM" </dev/null | tr -d "\r")" = term=vt100 ] &&
     [ "$("$0" exec s1 sh -c "echo term=\$TERM" </dev/null)" = term= ]' "$X"
# A signal sent to xl-oci exec goes to the process (runc exec's proxy).
timeout 30 "$X" exec s1 sh -c 'trap "echo got-int; exit 5" INT; echo ready; while :; do sleep 1; done' >"$T/sig.out" 2>&1 &
sp=$!
for _ in $(seq 50); do grep -q ready "$T/sig.out" && break; sleep 0.1; done
kill -INT "$sp"
rc=0
wait "$sp" || rc=$?
[ "$rc" = 5 ] && grep -qx got-int "$T/sig.out" && ok "exec: SIGINT sent to xl-oci reaches the process (exit 5)" ||
    nok "exec: SIGINT: exit $rc, output '$(tr '\n' ' ' <"$T/sig.out")'"
# Every signal xl-oci(1) lists but PROF, not only INT, TERM, HUP and QUIT
# (helper-85: USR1 killed xl-oci exec and left the process running).
for sig in USR1 PWR; do
    # Not under timeout(1), which passes on only a few signals itself.
    # A file of its own: the wait for "ready" below could read the last
    # round's before this one's redirection empties it, and signal the
    # shell that is still to become xl-oci exec.
    "$X" exec s1 sh -c 'trap "echo got-$0; exit 6" '"$sig"'; echo ready; while :; do sleep 1; done' "$sig" >"$T/sig-$sig.out" 2>&1 &
    sp=$!
    for _ in $(seq 50); do grep -q ready "$T/sig-$sig.out" && break; sleep 0.1; done
    kill -"$sig" "$sp"
    for _ in $(seq 100); do kill -0 "$sp" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$sp" 2>/dev/null # still there after 10 s: the signal went nowhere
    rc=0
    wait "$sp" || rc=$?
    [ "$rc" = 6 ] && grep -qx "got-$sig" "$T/sig-$sig.out" && ok "exec: SIG$sig sent to xl-oci reaches the process (exit 6)" ||
        nok "exec: SIG$sig: exit $rc, output '$(tr '\n' ' ' <"$T/sig-$sig.out")'"
done
# -u "" is the container's own user, as docker exec and a domain take it
# (helper-85: root).
cfg uu 'oci_user = "app"' 'oci_cmd = [ "exec sleep 1000" ]'
"$X" create "$T/uu.cfg" >/dev/null 2>&1
check "exec -u '': the container's user (1234), not root" bash -c \
    '[ "$("$0" exec -u "" uu id -u)" = 1234 ]' "$X"
"$X" destroy uu >/dev/null 2>&1
check "exec -u NAME -w DIR: that user (by the container's /etc/passwd), that cwd" bash -c \
    '[ "$("$0" exec -u app -w /tmp s1 sh -c "id -u; id -g; pwd" | tr "\n" " ")" = "1234 1235 /tmp " ]' "$X"
check "exec: the container's user keeps its supplementary groups (0 50)" bash -c \
    '[ "$("$0" exec s1 id -G)" = "0 50" ]' "$X"
check "exec -u NAME: exactly that user's groups, none of the container user's" bash -c \
    '[ "$("$0" exec -u app s1 id -G)" = 1235 ]' "$X"
# The primary group heads the supplementary list, as the entrypoint's
# (it was left out: "Groups:" empty for exec -u app).
check "exec -u NAME: the kernel's group list is the user's primary group" bash -c \
    '[ "$("$0" exec -u app s1 busybox grep Groups: /proc/self/status | tr -s "\t " "  ")" = "Groups: 1235 " ]' "$X"
check "exec -u UID:GID: that group and no supplementary one" bash -c \
    '[ "$("$0" exec -u 1234:7 s1 sh -c "id -u; id -G" | tr "\n" " ")" = "1234 7 " ]' "$X"
# An unknown name is the container's to lack: the error names its /etc,
# not a bare /etc an admin reads as the host's (helper-106).
fails_with "exec -u of an unknown user names the container's /etc/passwd" \
    "user nosuchuser: no such user in the image's /etc/passwd (read from s1's /etc/passwd)" \
    "$X" exec -u nosuchuser s1 id
fails_with "exec -u of an unknown group names the container's /etc/group" \
    "group nosuchgroup: no such group in s1's /etc/group" "$X" exec -u 0:nosuchgroup s1 id
# exec -u reads the container's /etc as the container shaped it, and only
# inside its root: an absolute link /etc/passwd -> /etc/passwd must not
# reach the host's users (daemon is the host's only), one to /e2/passwd is
# the container's /e2.  (A FIFO there is the unit tier's: runc's own init
# would block on it too.)
"$X" exec s1 busybox sh -c 'busybox cp /etc/passwd /tmp/ && busybox mkdir /e2 &&
    echo "fe:x:4242:4243::/:/bin/sh" >/e2/passwd && busybox ln -sf /e2/passwd /etc/passwd' >/dev/null 2>&1
check "exec -u NAME: an absolute /etc/passwd link resolves inside the container" bash -c \
    '[ "$("$0" exec -u fe s1 id -u)" = 4242 ]' "$X"
"$X" exec s1 busybox ln -sf /etc/passwd /etc/passwd >/dev/null 2>&1
check "exec -u NAME: a link out of the container's root does not reach the host's users" bash -c \
    'getent passwd daemon >/dev/null && ! "$0" exec -u daemon s1 true 2>"$1" &&
        grep -q "daemon: no such user in the image.s /etc/passwd" "$1"' "$X" "$T/exec-u.err"
"$X" exec s1 busybox sh -c 'busybox rm /etc/passwd && busybox cp /tmp/passwd /etc/' >/dev/null 2>&1
# runc's process file holds exec's -e values: an exec killed with SIGKILL
# (no cleanup runs) must leave no copy of them in the state root.
"$X" exec -e XO_SECRET=s3cr3t-value s1 sleep 2 >/dev/null 2>&1 &
ep=$!
for _ in $(seq 50); do pgrep -f "[r]unc .*exec --process=.* s1" >/dev/null && break; sleep 0.1; done
kill -9 "$ep"
wait "$ep" 2>/dev/null
check "an exec killed by SIGKILL leaves no file: none with its -e values, no runc log" bash -c \
    '! grep -rqs s3cr3t-value "$0" && ! ls "$0/runc" | grep -q "^exec-\|^process-\|^runc-log-"' "$T/state"
sleep 2
check "exec -e KEY=VALUE overrides the container's env" bash -c \
    '[ "$("$0" exec -e FOO=exec s1 sh -c "echo \$FOO")" = exec ]' "$X"
# -e KEY that the caller has not set removes KEY, the container's own
# too, as Docker's daemon takes a name without '=' (it stayed).
check "exec -e KEY unset here: the container's KEY removed, as docker exec" bash -c \
    '[ "$(env -u FOO "$0" exec -e FOO s1 sh -c "echo \${FOO-unset}")" = unset ] &&
     [ "$(env -u FOO "$0" exec -e FOO=x -e FOO s1 sh -c "echo \${FOO-unset}")" = unset ]' "$X"
check "exec -i passes stdin on" bash -c '[ "$(echo piped | "$0" exec -i s1 cat)" = piped ]' "$X"
check "exec without -i gives an empty stdin" bash -c '[ -z "$(echo piped | "$0" exec s1 cat)" ]' "$X"
check "exec of an unknown container fails naming it" bash -c \
    '! "$0" exec nosuch true 2>"$1" && grep -q nosuch "$1"' "$X" "$T/exec.err"
check "exec --help" bash -c '"$0" exec --help | grep -q -- "--workdir"' "$X"
check "stop succeeds" "$X" stop s1
check "the stop signal reached it: its trap ran, exit code 7" bash -c \
    '"$0" logs s1 | grep -qx got-TERM && "$0" status --json s1 | jq -e ".exit_code == 7 and .state == \"halted\"" >/dev/null' "$X"
check "stop of a halted container says so" bash -c '"$0" stop s1 | grep -q "already halted"' "$X"
"$X" destroy s1 >/dev/null 2>&1
cfg s2 'oci_stop_signal = "SIGUSR1"' 'oci_stop_timeout = 1' \
    'oci_cmd = [ "trap \"echo ignoring-USR1\" USR1; while :; do sleep 1; done" ]'
"$X" create "$T/s2.cfg" >/dev/null 2>&1
"$X" stop s2 >/dev/null 2>&1
check "a container ignoring its stop signal (SIGUSR1) is killed after oci_stop_timeout: 137" bash -c \
    '"$0" logs s2 | grep -q ignoring-USR1 && "$0" status --json s2 | jq -e ".exit_code == 137" >/dev/null' "$X"
"$X" destroy s2 >/dev/null 2>&1
cfg d1 'oci_cmd = [ "sleep 600" ]'
"$X" create "$T/d1.cfg" >/dev/null 2>&1
check "destroy of a running container" "$X" destroy d1
check "kills it and leaves nothing" nothing_left d1

# tmpfs volumes are runc's mounts, with their size; block volumes are refused.
cfg t1 'oci_volumes = [ "tmpfs:/t:2m" ]' \
    'oci_cmd = [ "echo tmp > /t/f && read l < /t/f && echo $l; while read a b c d e; do [ $b = /t ] && echo \"$a $b $c $d\"; done < /proc/mounts" ]'
run_to_end t1
check "a tmpfs volume is mounted with its size" bash -c \
    '"$0" logs t1 | grep -qx tmp && "$0" logs t1 | grep -q " /t tmpfs rw,nosuid,nodev,.*size=2048k"' "$X"
"$X" destroy t1 >/dev/null 2>&1
# Sizes as a domain reads them, of the container's memory: "50%" and the
# default writable layer are half of memory = 256 (helper-72 and helper-70:
# half of the host's RAM, 12 GB, and a write past the memory limit was an
# OOM kill instead of ENOSPC).  No swap beyond memory, as in a domain.
cfg ts 'memory = 256' 'oci_volumes = [ "tmpfs:/cache:50%" ]' \
    'oci_cmd = [ "while read a b c d e; do [ $b = /cache ] && echo \"$a $b $c $d\"; done < /proc/mounts; sleep 30" ]'
"$X" create "$T/ts.cfg" >/dev/null 2>&1
for _ in $(seq 50); do "$X" logs ts 2>/dev/null | grep -q " /cache " && break; sleep 0.1; done
check "memory = 256: a tmpfs:/cache:50% volume is 128 MiB" bash -c \
    '"$0" logs ts | grep -q " /cache tmpfs .*size=131072k"' "$X"
check "memory = 256: the writable tmpfs is 128 MiB, as a domain's" bash -c \
    'grep " $XL_OCI_ROOT/domains/ts/rw " /proc/self/mounts | grep -q "size=131072k"'
check "memory = 256: memory+swap is 256 MiB too (no swap)" bash -c \
    'jq -e ".linux.resources.memory.limit == 268435456 and .linux.resources.memory.swap == 268435456" "$XL_OCI_ROOT/domains/ts/config.json" >/dev/null'
"$X" destroy ts >/dev/null 2>&1
# A program the OOM killer ended (its cgroup's oom_kill count, as
# containerd reads it for Docker's State.OOMKilled): exit 137, and
# status, status --json and the exited event say oom-killed; one that
# exits by itself does not (p1, 42).
cfg om 'memory = 64' 'oci_cmd = [ "a=$(yes | head -c 400000000); echo survived ${#a}" ]'
run_to_end om
check "memory = 64 and 400 MB held: the OOM killer ends it, exit 137, oom_killed true" bash -c \
    '"$0" status --json om | jq -e ".exit_code == 137 and .oom_killed == true" >/dev/null &&
        "$0" status om | grep -qx "oom-killed: 1" && ! "$0" logs om | grep -q survived' "$X"
check "the exited event says oom-killed" bash -c \
    '"$0" events --until 0s --filter name=om --filter type=exited | grep -q "exit-code=137.*detail=\"oom-killed\""' "$X"
cfg on 'memory = 64' 'oci_cmd = [ "exit 3" ]'
run_to_end on
check "an exit of its own is not oom-killed (status --json, status)" bash -c \
    '"$0" status --json on | jq -e ".exit_code == 3 and .oom_killed == false" >/dev/null && ! "$0" status on | grep -q oom' "$X"
"$X" destroy om >/dev/null 2>&1
"$X" destroy on >/dev/null 2>&1
# oom-killed is the run's (docker's State.OOMKilled is the last run's):
# the restart policy's next run, which exits by itself, is not oom-killed
# (the first run leaves /once in the writable layer).
cfg oc 'memory = 64' 'oci_restart = "on-failure:1"' \
    'oci_cmd = [ "[ -e /once ] && exit 3; touch /once; a=$(yes | head -c 400000000)" ]'
"$X" create "$T/oc.cfg" >/dev/null 2>&1
"$X" wait oc >/dev/null 2>&1
"$X" wait oc >/dev/null 2>&1
check "an OOM-killed run, then the policy's run that exits 3: oom_killed false, one exited event says oom-killed" bash -c \
    '"$0" status --json oc | jq -e ".state == \"halted\" and .restarts == 1 and .exit_code == 3 and .oom_killed == false" >/dev/null &&
        ! "$0" status oc | grep -q oom &&
        [ "$("$0" events --until 0s --filter name=oc --filter type=exited | grep -c "detail=\"oom-killed\"")" = 1 ]' "$X"
"$X" destroy oc >/dev/null 2>&1
# Shares: mounted parent first whatever app.cfg's order (helper-72: B at
# /m mounted over A at /m/sub, A gone and B's sub written), and ":ro"
# read-only, nosuid and nodev down to the mounts below the directory (a
# tmpfs under it stayed writable).
mkdir -p "$T/shA" "$T/shB/sub" "$T/shR/sub"
echo from-A >"$T/shA/a-file"
mount -t tmpfs -o size=1m tmpfs "$T/shR/sub"
cfg mo "oci_volumes = [ \"share:$T/shA:/m/sub:ro\", \"share:$T/shB:/m\", \"share:$T/shR:/r:ro\" ]" \
    'oci_cmd = [ "cat /m/sub/a-file; touch /m/sub/w 2>/dev/null && echo wrote-sub; touch /r/sub/x 2>/dev/null && echo wrote-ro-submount; echo done" ]'
run_to_end mo
check "share:A:/m/sub then share:B:/m: A is at /m/sub, read-only, B's sub untouched" bash -c \
    '"$0" logs mo | grep -qx from-A && ! "$0" logs mo | grep -q wrote-sub && [ ! -e "$1/shB/sub/w" ]' "$X" "$T"
check "share:...:ro: a mount below the directory is read-only too" bash -c \
    '"$0" logs mo | grep -qx done && ! "$0" logs mo | grep -q wrote-ro-submount && [ ! -e "$1/shR/sub/x" ]' "$X" "$T"
"$X" destroy mo >/dev/null 2>&1
umount "$T/shR/sub"
# Targets cleaned before they are ordered and compared (helper-74: "/./m"
# sorted after "/m/sub" and hid it; "/m" and "/m/" were two mounts).
cfg tc 'oci_volumes = [ "tmpfs:/m/sub:1m", "tmpfs:/./m:1m" ]' \
    'oci_cmd = [ "while read a b c d e; do case $b in /m*) echo \"mnt $b\";; esac; done < /proc/mounts" ]'
run_to_end tc
check "tmpfs:/m/sub and tmpfs:/./m: /m is mounted first, /m/sub stays visible" bash -c \
    '[ "$("$0" logs tc | grep "^mnt " | tr "\n" " ")" = "mnt /m mnt /m/sub " ]' "$X"
"$X" destroy tc >/dev/null 2>&1
cfg td 'oci_volumes = [ "tmpfs:/m:1m", "tmpfs:/m/:1m" ]'
fails_with "tmpfs:/m and tmpfs:/m/ are one target, given twice" "target /m is given twice" "$X" create -N "$T/td.cfg"
# One volume twice: two block devices of one file system (helper-72: the
# second use's mode was the one recorded).
cfg v2 'oci_volumes = [ "v1:/a", "v1:/b:ro" ]'
fails_with "a volume given twice in oci_volumes is refused" \
    'volume "v1" is already this container'"'"'s (an earlier item)' "$X" create -N "$T/v2.cfg"
# /dev/pts as runc's default spec mounts it: ptys in the tty group.
cfg tp 'oci_cmd = [ "grep /dev/pts /proc/mounts" ]'
run_to_end tp
check "/dev/pts is mounted with gid=5, as runc's default spec does" bash -c \
    '"$0" logs tp | grep -q " /dev/pts devpts .*gid=5"' "$X"
"$X" destroy tp >/dev/null 2>&1
mke2fs -q -F -t ext4 "$T/block.img" 8M >/dev/null 2>&1
cfg t2 "oci_volumes = [ \"tmpfs:/t\", \"$T/block.img:/d\" ]"
fails_with "a block volume is refused, naming the entry" "volumes other than tmpfs and shares (oci_volumes: $T/block.img at /d): not available for a NOHYPER container" \
    "$X" create "$T/t2.cfg"
cfg t3 'oci_volumes = [ "data1:/d" ]'
fails_with "a managed volume is refused, naming it" "volumes other than tmpfs and shares (oci_volumes: data1 at /d): not available" \
    "$X" create "$T/t3.cfg"

# --- what NOHYPER refuses, leaving nothing ---------------------------------------
cfg e1 'vif = [ "bridge=xenbr0" ]'
fails_with "an xl vif line is refused, naming the key and its line" "e1.cfg:3: vif interfaces (use oci_network): not available for a NOHYPER container" \
    "$X" create "$T/e1.cfg"
check "and leaves nothing" nothing_left e1
cfg e3 'disk = [ "format=raw, vdev=xvdz, access=r, target=/dev/null" ]'
fails_with "an xl disk line is refused, naming the key (helper-65: ignored)" "disk (xl disk specs: use oci_volumes): not available for a NOHYPER container" \
    "$X" create "$T/e3.cfg"
check "and leaves nothing" nothing_left e3
# The dry run refuses what create refuses (helper-84: it took them).
cfg e4 'oci_mode = "nohyper"' 'vif = [ "bridge=xenbr0" ]'
fails_with "create -N of a NOHYPER container refuses an xl vif line too" \
    "e4.cfg:4: vif interfaces (use oci_network): not available for a NOHYPER container" "$X" create -N "$T/e4.cfg"
cfg e5 'oci_mode = "nohyper"' 'oci_sysctl = [ "net.core.somaxconn=512", "kernel.bogus=1" ]'
fails_with "create -N of a NOHYPER container refuses a host-wide sysctl too" \
    "e5.cfg:4: oci_sysctl: kernel.bogus is the whole host's" "$X" create -N "$T/e5.cfg"
# One that leaves the mode to the host is rendered as a domain, but -N
# says what create would refuse here (helper-106: rc 0 and no word, then
# create refused it).
cfg e7 'oci_sysctl = [ "vm.swappiness=10" ]'
# Without a loader, no warning that memory was not checked against it:
# create would not boot one here (helper-106: noise on every -N).
check "create -N on a host without Xen warns of what create would refuse here, and not of a missing loader" bash -c \
    'XL_OCI_LOADER_DIR="$2" "$0" create -N "$1" >/dev/null 2>"$1.err" &&
     grep -q "^xl-oci: warning: create would refuse it here: .*e7.cfg:3: oci_sysctl: vm.swappiness is the whole host" "$1.err" &&
     ! grep -q "not checked against the loader" "$1.err"' \
    "$X" "$T/e7.cfg" "$T/no-loader"
check "and leaves nothing" nothing_left e7
cfg e6 'memory = 64' 'maxmem = 1000'
fails_with "create -N without a loader still refuses a maxmem past 11 times memory, naming its line" \
    "e6.cfg:4: maxmem 1000 MiB: a PV domain of 64 MiB can grow to 704 MiB at most" \
    env XL_OCI_LOADER_DIR="$T/no-loader" "$X" create -N "$T/e6.cfg"
cfg e2 'oci_mode = "xen"'
fails_with "oci_mode = \"xen\" on a host without Xen, naming the line" "e2.cfg:3: oci_mode = \"xen\": Xen is not running on this host" "$X" create "$T/e2.cfg"
# (A program that cannot be run is an exit: above.)  A working directory
# that is a file fails the create, naming it (Docker refuses it too), and
# leaves nothing.
cfg e3 'oci_workdir = "/etc/passwd"'
fails_with "a working directory that is a file: create fails naming it" \
    "working directory (oci_workdir, or the image's WorkingDir): cannot make directory /etc/passwd in the container's root: Not a directory" \
    "$X" create "$T/e3.cfg"
check "and leaves nothing" nothing_left e3
cfg e4
fails_with "no runc: create says what to install" "install Debian's runc" \
    env XL_OCI_RUNC=/nonexistent/runc "$X" create "$T/e4.cfg"
check "and leaves nothing" nothing_left e4
check "no monitor of any container is left" test -z "$(our_monitors)"

# --- managed networks: veth pairs, in a network namespace of their own ----------
if unshare -n true 2>/dev/null && command -v nft >/dev/null && command -v jq >/dev/null &&
    [ -x /usr/sbin/dnsmasq ]; then
    export top X T rv
    unshare -n "$top/tests/nohyper/network.sh" || status=1
    check "no container of the network part is left" nothing_left net1
else
    ok "managed networks # SKIP needs unshare -n, nft, jq and dnsmasq"
fi

# Its monitor killed, the container still running: stop signals it, sees
# the process end with no monitor to record it, and halts it (before, it
# waited 10 s more, said "did not halt", and left it halting).
cfg km 'oci_cmd = [ "sleep 300" ]'
"$X" create "$T/km.cfg" >/dev/null 2>&1
kmpid=$(cat "$T/state/domains/km/monitor.lock" 2>/dev/null)
kill -9 "$kmpid" 2>/dev/null
for _ in $(seq 20); do kill -0 "$kmpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$kmpid" 2>/dev/null && nok "the monitor of km (pid '$kmpid') was not killed"
rc=0
"$X" stop -t 2 km >/dev/null 2>"$T/km.err" || rc=$?
check "stop with the monitor gone: exit 0, halted, its root unmounted (the writable tmpfs kept for start)" bash -c \
    '[ "$1" = 0 ] && [ "$("$0" status --json km | jq -r .state)" = halted ] && ! grep -q " $2/state/domains/km/rootfs \| $2/state/domains/km/lower " /proc/self/mounts' \
    "$X" "$rc" "$T"
"$X" destroy km >/dev/null 2>&1
check "destroyed: nothing of it left mounted" bash -c '! grep -q " $0/state/domains/km/" /proc/self/mounts' "$T"

# --- races an admin meets (helper-85) -------------------------------------------
# A stop racing the container's own exit: the exit stays recorded, halted
# (stop set halting over the monitor's halted, and it stayed so for good).
cfg rs 'oci_cmd = [ "sleep 0.5; exit 3" ]'
"$X" create "$T/rs.cfg" >/dev/null 2>&1
"$X" wait rs >/dev/null 2>&1
race_bad=
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
    "$X" start rs >/dev/null 2>&1 || { race_bad="start $i failed"; break; }
    sleep 0.$((440 + RANDOM % 120))
    "$X" stop -t 2 rs >/dev/null 2>&1
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        [ "$("$X" status --json rs | jq -r .state)" = halted ] && break
        sleep 0.3
    done
    st=$("$X" status --json rs | jq -r .state)
    [ "$st" = halted ] || { race_bad="run $i: $st"; break; }
done
[ -z "$race_bad" ] && ok "stop racing the container's exit, 12 times: always halted, start works again" ||
    nok "stop racing the container's exit: $race_bad"
"$X" destroy rs >/dev/null 2>&1
# wait follows the container it began on, not its name: destroyed (137),
# even when a create of the same name comes at once.
cfg wr 'oci_cmd = [ "exec sleep 1000" ]'
wr_bad=
for i in 1 2; do
    "$X" create "$T/wr.cfg" >/dev/null 2>&1
    timeout 8 "$X" wait wr >/dev/null 2>&1 &
    wp=$!
    sleep 0.5
    "$X" destroy wr >/dev/null 2>&1
    "$X" create "$T/wr.cfg" >/dev/null 2>&1
    rc=0
    wait "$wp" || rc=$?
    [ "$rc" = 137 ] || wr_bad="$wr_bad run $i: $rc"
    "$X" destroy wr >/dev/null 2>&1
done
[ -z "$wr_bad" ] && ok "wait on a container destroyed and created again by name returns 137" ||
    nok "wait followed the new container:$wr_bad (124: still waiting)"
# kill returns once the end is recorded (kill; start found it halting),
# and takes a container a stop is waiting on (refused while halting).
cfg ks 'oci_stop_timeout = 30' 'oci_cmd = [ "trap \"\" TERM; exec sleep 1000" ]'
"$X" create "$T/ks.cfg" >/dev/null 2>&1
check "kill, then start at once: it runs again" bash -c \
    '"$0" kill ks && "$0" start ks >/dev/null && [ "$("$0" status --json ks | jq -r .state)" = running ]' "$X"
"$X" stop ks >/dev/null 2>&1 &
stp=$!
for _ in $(seq 50); do
    [ "$("$X" status --json ks | jq -r .state)" = halting ] && break
    sleep 0.1
done
check "kill while a stop waits out a 30 s grace: taken, and the stop ends with it (137)" bash -c \
    '"$0" kill ks && wait_s=0 && while kill -0 "$1" 2>/dev/null && [ $wait_s -lt 50 ]; do sleep 0.2; wait_s=$((wait_s + 1)); done &&
     ! kill -0 "$1" 2>/dev/null && [ "$("$0" status --json ks | jq -r .exit_code)" = 137 ]' "$X" "$stp"
wait "$stp" 2>/dev/null
"$X" destroy ks >/dev/null 2>&1
# A share's directory missing at start is refused before anything
# changes; with it back, start runs the container, its files kept.
mkdir -p "$T/shS"
cfg sb "oci_volumes = [ \"share:$T/shS:/sh\" ]" 'oci_cmd = [ "exec sleep 1000" ]'
"$X" create "$T/sb.cfg" >/dev/null 2>&1
"$X" exec sb sh -c 'echo precious >/keep'
"$X" stop -t 0 sb >/dev/null 2>&1
rmdir "$T/shS"
fails_with "start with a share's directory gone is refused, naming it" "$T/shS" "$X" start sb
check "and the container stays halted" bash -c '[ "$("$0" status --json sb | jq -r .state)" = halted ]' "$X"
mkdir "$T/shS"
check "with the directory back, start runs it, its writable layer kept" bash -c \
    '"$0" start sb >/dev/null && [ "$("$0" exec sb cat /keep)" = precious ]' "$X"
"$X" destroy sb >/dev/null 2>&1
# Its restart policy meeting the same: halted with the error, and start
# works once the directory is back (it was broken for good).
cfg sr "oci_volumes = [ \"share:$T/shS:/sh\" ]" 'oci_restart = "always"' 'oci_cmd = [ "sleep 1; exit 1" ]'
"$X" create "$T/sr.cfg" >/dev/null 2>&1
rmdir "$T/shS"
for _ in $(seq 60); do
    [ "$("$X" status --json sr | jq -r .state)" = halted ] && break
    sleep 0.5
done
check "a restart that cannot run (share gone): halted, the error says restart failed" bash -c \
    'st=$("$0" status --json sr) && [ "$(echo "$st" | jq -r .state)" = halted ] && echo "$st" | jq -r .error | grep -q "^restart failed: .*shS"' "$X"
check "its events end in exited, restarting, restart-failed (with the error); no next_restart left" bash -c \
    '[ "$("$0" events --until 0s --filter name=sr | awk "{print \$2}" | tail -n 3 | paste -sd" ")" = "exited restarting restart-failed" ] &&
        "$0" events --until 0s --filter name=sr --filter type=restart-failed | grep -q "error=\".*shS" &&
        "$0" status --json sr | jq -e ".next_restart == null" >/dev/null' "$X"
mkdir "$T/shS"
check "and start runs it again once the directory is back" bash -c \
    '"$0" start sr >/dev/null && [ "$("$0" status --json sr | jq -r .state)" != broken ]' "$X"
"$X" destroy sr >/dev/null 2>&1

# --- valgrind: the commands on the file store, and the monitor's path -------
if command -v valgrind >/dev/null; then
    VG=(valgrind -q --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite)
    cfg v1 'oci_cmd = [ "echo under-valgrind; exit 3" ]'
    # With a loop device of someone else's attached, whose status create
    # reads (valgrind does not know that ioctl: "uninitialised value").
    other=$(losetup -f --show -r "$T/zero.img")
    check "valgrind: create (another loop device attached)" "${VG[@]}" "$X" create "$T/v1.cfg"
    losetup -d "$other"
    "$X" wait v1 >/dev/null 2>&1
    check "valgrind: list --json" "${VG[@]}" "$X" list --json
    check "valgrind: status --json" "${VG[@]}" "$X" status --json v1
    check "valgrind: logs" "${VG[@]}" "$X" logs v1
    check "valgrind: logs -f of a halted container" "${VG[@]}" "$X" logs -f v1
    check "valgrind: destroy" "${VG[@]}" "$X" destroy v1
    check "and it left nothing" nothing_left v1
else
    ok "valgrind # SKIP not installed"
fi
# runc removes a container's cgroup, not the root's parent it made; the
# last teardown of the root does (a tier run left one per run).
cgp=xl-oci-$(printf %s "$T/state" | sha256sum | cut -c1-8)
check "the root's parent cgroup ($cgp) is gone with its last container" bash -c \
    '[ "$("$1" list --json | jq length)" = 0 ] && ! ls -d /sys/fs/cgroup/$0 /sys/fs/cgroup/*/$0 2>/dev/null | grep -q .' "$cgp" "$X"
exit $status
