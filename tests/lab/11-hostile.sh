# 11-hostile.sh: a hostile container (tests/hostile) tries to write dom0's
# /tool/xl-oci/ tree and fills its own data/xl-oci/ with garbage.  xenstored
# must refuse the first; DomainStatus must never show the second.
# lab-timeout: 400

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
grep -q "ignoring guest value" /var/log/xen/oci/evil.monitor.log &&
    lab_ok monitor-logged-garbage || lab_fail monitor-logged-garbage "no warning in the monitor log"
xl-oci destroy evil
