#!/bin/bash
# 55-hotplug: hotplug/block-loop, the hotplug script libxl runs
# for the loop devices create attaches, against a stand-in xenstore (a
# directory of files, read and written by xenstore-read/-write shims first
# in PATH).  The lab runs it for real on every create.  Prints TAP lines.
set -u
top=$(pwd)
script=$top/hotplug/block-loop
T=$(mktemp -d /tmp/xl-oci-t55.XXXXXX)
trap 'rm -rf "$T"' EXIT
ok() { echo "ok - block-loop: $*"; }
nok() { echo "not ok - block-loop: $*"; }

mkdir -p "$T/bin" "$T/store"
cat >"$T/bin/xenstore-read" <<'SH'
#!/bin/bash
f="$XS_DIR/$(echo "$1" | tr / _)"
[ -f "$f" ] && cat "$f"
SH
cat >"$T/bin/xenstore-write" <<'SH'
#!/bin/bash
while [ $# -ge 2 ]; do
    printf '%s' "$2" >"$XS_DIR/$(echo "$1" | tr / _)"
    shift 2
done
SH
chmod +x "$T/bin/"*
export XS_DIR=$T/store PATH=$T/bin:$PATH
be=/local/domain/0/backend/vbd/3/51712
key() { cat "$XS_DIR/$(echo "$be/$1" | tr / _)" 2>/dev/null; }
reset() { rm -f "$XS_DIR"/*; printf '%s' "$1" >"$XS_DIR/$(echo "$be/params" | tr / _)"; }

# A block device: major 7 (loop), minor 5; hex major:minor, as Xen's
# block script writes it.
if [ "$(id -u)" -eq 0 ] && mknod "$T/loopdev" b 7 5 2>/dev/null; then
    reset "$T/loopdev"
    if XENBUS_PATH=$be bash "$script" add && [ "$(key physical-device)" = 7:5 ] &&
        [ "$(key physical-device-path)" = "$T/loopdev" ] &&
        [ "$(key hotplug-status)" = connected ]; then
        ok "add writes physical-device 7:5 and hotplug-status connected"
    else
        nok "add: physical-device '$(key physical-device)' status '$(key hotplug-status)'"
    fi
else
    echo "ok - block-loop: add on a block device # SKIP mknod needs root"
fi

# Not a block device: refused, and libxl is told why.
reset /dev/null
if ! XENBUS_PATH=$be bash "$script" add 2>/dev/null &&
    [ "$(key hotplug-status)" = error ] && [ -z "$(key physical-device)" ] &&
    key hotplug-error | grep -q "not a block device"; then
    ok "a non-block params is refused with hotplug-status error"
else
    nok "non-block params: status '$(key hotplug-status)' error '$(key hotplug-error)'"
fi

reset "$T/loopdev"
XENBUS_PATH=$be bash "$script" remove && [ -z "$(key hotplug-status)" ] &&
    ok "remove does nothing" || nok "remove wrote '$(key hotplug-status)'"
if ! XENBUS_PATH=$be bash "$script" frob 2>/dev/null && [ "$(key hotplug-status)" = error ]; then
    ok "an unknown command is an error"
else
    nok "unknown command accepted"
fi
if ! env -u XENBUS_PATH bash "$script" add 2>/dev/null; then
    ok "refuses to run without XENBUS_PATH"
else
    nok "ran without XENBUS_PATH"
fi
