# 11-hostile.sh: a hostile container (tests/hostile) tries to write dom0's
# /tool/xl-oci/ tree and fills its own data/xl-oci/ with garbage.  xenstored
# must refuse the first; DomainStatus must never show the second.  Then
# the exec channel both ways (tests/hostile/exec-hostile): a guest that
# garbles and floods it must not hang or bloat `xl-oci exec`, and a dom0
# client that does must not hurt the guest's PID 1 or its next exec.
# lab-timeout: 900

export XL_OCI_ROOT=$LAB_WORK/state
cp -a /usr/lib/xl-oci-lab/images/probe "$LAB_WORK/probe"
cat >"$LAB_WORK/evil.cfg" <<CFG
name = "evil"
memory = 128
oci_root = "$LAB_WORK/probe"
oci_entrypoint = [ "/bin/hostile", "evil" ]
CFG
lab_check create-hostile xl-oci create "$LAB_WORK/evil.cfg"
rc=0
xl-oci wait evil || rc=$?
log=$(xl-oci logs evil)
echo "$log" | grep 'hostile:' | head -12 >&2
if echo "$log" | grep -q 'hostile: write /tool/xl-oci/evil/state (7 bytes): refused' &&
   echo "$log" | grep -q 'hostile: write /tool/xl-oci/forged/state (7 bytes): refused' &&
   ! echo "$log" | grep -q 'hostile: write /tool.*ALLOWED'; then
    lab_ok tool-tree-refused
else
    lab_fail tool-tree-refused "a write under /tool/xl-oci was allowed or not attempted"
fi
xenstore-exists /tool/xl-oci/forged 2>/dev/null &&
    lab_fail no-forged-status "/tool/xl-oci/forged exists" || lab_ok no-forged-status
status=$(xl-oci status evil)
echo "$status" >&2
# The container exited 0 through the loader: that, and only that, shows.
[ $rc -eq 0 ] && echo "$status" | grep -q '^exit-code:  0$' &&
    lab_ok exit-code-not-forged || lab_fail exit-code-not-forged "wait rc $rc"
len=$(xenstore-read /tool/xl-oci/evil/error 2>/dev/null | wc -c)
[ "$len" -le 257 ] && ! xenstore-read /tool/xl-oci/evil/error | grep -q XXXX &&
    lab_ok oversized-error-ignored || lab_fail oversized-error-ignored "error is $len bytes"
[ "$(xenstore-read /tool/xl-oci/evil/state)" = halted ] &&
    lab_ok state-not-forged || lab_fail state-not-forged "state $(xenstore-read /tool/xl-oci/evil/state)"
! xenstore-list /tool/xl-oci/evil | grep -q junk &&
    lab_ok unknown-keys-ignored || lab_fail unknown-keys-ignored "junk keys copied"
grep -q "ignoring guest value" "$(lab_log_dir)/evil.monitor.log" &&
    lab_ok monitor-logged-garbage || lab_fail monitor-logged-garbage "no warning in the monitor log"
xl-oci destroy evil

# --- the exec channel (issue 15), a hostile guest ----------------------------
# tests/hostile/exec-hostile takes the channel over from inside the
# container and answers each session with one attack.  Each `xl-oci exec`
# must end on its own (no hang: the timeout is the check's), exit 1 or 126,
# say what was wrong, print no escape sequence, and stay small.
cat >"$LAB_WORK/evilx.cfg" <<CFG
name = "evilx"
memory = 128
oci_root = "$LAB_WORK/probe"
oci_entrypoint = [ "/bin/exec-hostile", "server", "5" ]
CFG
lab_check create-exec-hostile xl-oci create "$LAB_WORK/evilx.cfg"
wait_log evilx "^exec-hostile: offering round 0" 120 ||
    lab_fail exec-hostile-runs "$(xl-oci logs evilx 2>&1 | tail -n 5 | tr '\n' ' ')"
for attack in wrong-version length-4GiB flood-32MiB-no-exit exit-999 error-escapes; do
    rc=0
    timeout 120 xl-oci exec evilx true >/dev/null 2>"$LAB_WORK/x.err" &
    p=$!
    hwm=0
    while kill -0 "$p" 2>/dev/null; do
        h=$(awk '/^VmHWM/ { print $2 }' "/proc/$(pgrep -P "$p" -x xl-oci || echo "$p")/status" 2>/dev/null)
        [ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
        sleep 0.2
    done
    wait "$p" || rc=$?
    err=$(tr -d '\n' <"$LAB_WORK/x.err")
    if [ "$rc" = 124 ]; then
        lab_fail "exec-vs-$attack" "xl-oci exec hung"
    elif [ "$rc" != 1 ] && [ "$rc" != 126 ]; then
        lab_fail "exec-vs-$attack" "exit $rc: $err"
    elif grep -q $'\x1b' "$LAB_WORK/x.err"; then
        lab_fail "exec-vs-$attack" "an escape sequence reached the terminal"
    elif [ "$hwm" -gt 65536 ]; then
        lab_fail "exec-vs-$attack" "xl-oci grew to $hwm kB"
    else
        lab_ok "exec-vs-$attack" "exit $rc, ${hwm} kB peak: $err"
    fi
done
xl-oci logs evilx | grep '^exec-hostile: attack' >&2
xl-oci destroy evilx

# --- the exec channel, a hostile dom0 client -------------------------------
# exec-hostile client garbles and floods the guest's own server; PID 1
# (the loader) and the container must go on, and exec must still work.
cat >"$LAB_WORK/target.cfg" <<CFG
name = "target"
memory = 128
oci_root = "$LAB_WORK/probe"
oci_cmd = [ "sleep", "600000" ]
CFG
lab_check create-exec-target xl-oci create "$LAB_WORK/target.cfg"
wait_state target running 120
domid=$(st target domid)
timeout 120 /usr/lib/xl-oci/test/exec-hostile client "$domid" >"$LAB_WORK/client.out" 2>&1
cat "$LAB_WORK/client.out" >&2
grep -q 'client wrong-version: reply type 19' "$LAB_WORK/client.out" &&
    grep -q 'client length-4GiB: reply type 19' "$LAB_WORK/client.out" &&
    grep -q 'client wrong-direction: reply type 19' "$LAB_WORK/client.out" &&
    lab_ok guest-refuses-garbage || lab_fail guest-refuses-garbage "$(tr '\n' ' ' <"$LAB_WORK/client.out")"
rc=0
timeout 60 xl-oci exec target sh -c 'exit 7' || rc=$?
[ "$rc" = 7 ] && [ "$(st target state)" = running ] && lab_ok exec-after-garbage ||
    lab_fail exec-after-garbage "exit $rc, state $(st target state)"
xl-oci logs target | grep -c '^xl-oci-loader: exec: refused from dom0' | grep -qv '^0$' &&
    lab_ok guest-logs-refusals || lab_fail guest-logs-refusals "no refusal on the console"
xl-oci destroy target
