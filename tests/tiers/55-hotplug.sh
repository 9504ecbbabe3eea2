#!/bin/bash
# 55-hotplug: hotplug/block-loop, the hotplug program libxl runs for the
# loop devices create attaches, against a stand-in xenstored
# (build/tests/xs-standin: a directory of files, one per key).  The lab
# runs it for real on every create.  Prints TAP lines.
set -u
top=$(pwd)
prog=$top/build/hotplug/block-loop
T=$(mktemp -d /tmp/xl-oci-t55.XXXXXX)
xs_pid=
trap '[ -n "$xs_pid" ] && kill "$xs_pid" 2>/dev/null; rm -rf "$T"' EXIT
ok() { echo "ok - block-loop: $*"; }
nok() { echo "not ok - block-loop: $*"; }
[ -x "$prog" ] && [ -x "$top/build/tests/xs-standin" ] ||
    { nok "build/hotplug/block-loop and build/tests/xs-standin (run make)"; exit 1; }

mkdir -p "$T/store"
"$top/build/tests/xs-standin" "$T/xs.sock" "$T/store" &
xs_pid=$!
for ((i = 0; i < 50; i++)); do [ -S "$T/xs.sock" ] && break; sleep 0.05; done
export XENSTORED_PATH=$T/xs.sock
# libxl gives XENBUS_PATH relative to dom0's home, /local/domain/0.
be_rel=backend/vbd/3/51712
be=/local/domain/0/$be_rel
XS_DIR=$T/store
key() { cat "$XS_DIR/$(echo "$be/$1" | tr / _)" 2>/dev/null; }
reset() { rm -f "$XS_DIR"/*; printf '%s' "$1" >"$XS_DIR/$(echo "$be/params" | tr / _)"; }
script() { XENBUS_PATH=$be_rel "$prog" "$@"; }
# What blkback makes once it has opened the device (block-loop waits for
# it): a stand-in sysfs.
export XL_OCI_SYSFS=$T/sys
opened=$T/sys/bus/xen-backend/devices/vbd-3-51712/physical_device
mkdir -p "$(dirname "$opened")"
: >"$opened"

# A block device: major 7 (loop), minor 5; hex major:minor, as Xen's
# block script writes it.
if [ "$(id -u)" -eq 0 ] && mknod "$T/loopdev" b 7 5 2>/dev/null; then
    reset "$T/loopdev"
    if script add && [ "$(key physical-device)" = 7:5 ] &&
        [ "$(key physical-device-path)" = "$T/loopdev" ] &&
        [ "$(key hotplug-status)" = connected ]; then
        ok "add writes physical-device 7:5 and hotplug-status connected"
    else
        nok "add: physical-device '$(key physical-device)' status '$(key hotplug-status)'"
    fi
    # Minors past 255 (loop300): hex too, as blkback parses "%x:%x".
    mknod "$T/loop300" b 7 300
    reset "$T/loop300"
    script add && [ "$(key physical-device)" = 7:12c ] &&
        ok "add writes a minor past 255 in hex (7:12c)" ||
        nok "minor 300: physical-device '$(key physical-device)'"
else
    echo "ok - block-loop: add on a block device # SKIP mknod needs root"
fi

# blkback opens the device from a watch, in its own time: "connected"
# (on which libxl returns and create closes its hold, which autoclear
# follows) only once it has; never, and libxl hears why.
if [ "$(id -u)" -eq 0 ] && [ -b "$T/loopdev" ]; then
    reset "$T/loopdev"
    rm -f "$opened"
    script add 2>/dev/null &
    sp=$!
    sleep 0.5
    early=$(key hotplug-status)
    pd=$(key physical-device)
    : >"$opened"
    wait $sp
    rc=$?
    [ $rc = 0 ] && [ -z "$early" ] && [ "$pd" = 7:5 ] && [ "$(key hotplug-status)" = connected ] &&
        ok "add says connected only once blkback has opened the device" ||
        nok "add before blkback: rc $rc, status '$early' then '$(key hotplug-status)', physical-device '$pd'"
    reset "$T/loopdev"
    rm -f "$opened"
    if ! script add 2>/dev/null && [ "$(key hotplug-status)" = error ] &&
        key hotplug-error | grep -q "blkback did not open $T/loopdev within 10 s"; then
        ok "add fails naming the device when blkback never opens it"
    else
        nok "blkback never: status '$(key hotplug-status)' error '$(key hotplug-error)'"
    fi
    : >"$opened"
else
    echo "ok - block-loop: add waits for blkback # SKIP mknod needs root"
fi

# No params, or a relative one: refused, libxl told why, nothing written.
rm -f "$XS_DIR"/*
if ! script add 2>/dev/null && [ "$(key hotplug-status)" = error ] &&
    key hotplug-error | grep -q "cannot read $be_rel/params"; then
    ok "a vbd without params is refused naming the key"
else
    nok "no params: status '$(key hotplug-status)' error '$(key hotplug-error)'"
fi
reset dev/loop5
if ! script add 2>/dev/null && [ "$(key hotplug-status)" = error ] &&
    [ -z "$(key physical-device)" ] && key hotplug-error | grep -q "dev/loop5 is not a block device"; then
    ok "a relative params is refused"
else
    nok "relative params: status '$(key hotplug-status)' error '$(key hotplug-error)'"
fi

# Not a block device: refused, and libxl is told why.
reset /dev/null
if ! script add 2>/dev/null &&
    [ "$(key hotplug-status)" = error ] && [ -z "$(key physical-device)" ] &&
    key hotplug-error | grep -q "not a block device"; then
    ok "a non-block params is refused with hotplug-status error"
else
    nok "non-block params: status '$(key hotplug-status)' error '$(key hotplug-error)'"
fi

reset "$T/loopdev"
script remove && [ -z "$(key hotplug-status)" ] &&
    ok "remove does nothing" || nok "remove wrote '$(key hotplug-status)'"
if ! script frob 2>/dev/null && [ "$(key hotplug-status)" = error ]; then
    ok "an unknown command is an error"
else
    nok "unknown command accepted"
fi
if ! env -u XENBUS_PATH "$prog" add 2>/dev/null; then
    ok "refuses to run without XENBUS_PATH"
else
    nok "ran without XENBUS_PATH"
fi
