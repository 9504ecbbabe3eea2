#!/bin/bash
# random-config.sh: differential runs of "what process starts" for images
# whose Entrypoint, Cmd, User, Env and WorkingDir random-config.py draws.
# Each image runs through
#   ctr     Debian's containerd (a private one: its own socket, root and
#           state under the scratch dir) and plain runc: `ctr run --rm`;
#   xl      `xl-oci create` (NOHYPER, XL_OCI_NO_XEN=1) of an app.cfg with
#           only name and oci_image, then wait and logs;
#   xlrunc  (XLRUNC=1) ctr run with --runc-binary xl-oci-runc;
# and `xl-oci create -N --runtime-spec --boot-spec` checks that the boot
# spec (what the loader runs in Xen) holds the runtime spec's args, env
# and cwd.  random-config.py --compare then prints, per case, where ctr,
# xl-oci and the Docker model (random-config.py's docker_expect) differ,
# with a summary line "N passed, N failed" (xl-oci against the Docker
# model; ctr's differences are reported, not counted).
#
# usage: tests/image/random-config.sh [SEED...]   (default: 1)
#   COUNT=N cases per seed (10), CONFIGS=FILE runs the configs of FILE
#   (JSON, one a line) instead, KEEP=DIR keeps the scratch dir there,
#   XLRUNC=1 adds the xl-oci-runc column, APPCFG=1 draws app.cfg's
#   process keys too (oci_entrypoint, oci_cmd, oci_user, oci_env,
#   oci_workdir: the Docker model reads them as docker run's flags; ctr
#   does not run those cases).  Run from the top of a built
#   tree, as root.  A tier can run a fixed set of seeds (a few seconds a
#   case: `COUNT=20 tests/image/random-config.sh 1 2 3`), and fail on
#   the summary's failed count.
set -u
top=$(pwd)
X=$top/build/xl-oci
RC=$top/tests/image/random-config.py
[ "$(id -u)" = 0 ] || { echo "random-config: needs root" >&2; exit 2; }
for p in containerd ctr runc busybox cc fdtget jq; do
    command -v $p >/dev/null || { echo "random-config: needs $p" >&2; exit 2; }
done
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(1)
COUNT=${COUNT:-10}
if [ -n "${KEEP:-}" ]; then
    T=$KEEP
    rm -rf "$T"
    mkdir -p "$T"
else
    T=$(mktemp -d /tmp/xl-oci-random-config.XXXXXX)
fi
NS=rc$$
export XL_OCI_NO_XEN=1 XL_OCI_LOG_DIR=$T/log
XR=("$X" --root "$T/state")
. "$top/tests/lib/containerd.sh"
cleanup() {
    local c
    for c in $("${XR[@]}" list 2>/dev/null | awk 'NR > 1 { print $1 }'); do "${XR[@]}" destroy "$c" >/dev/null 2>&1; done
    for c in $(runc --root "$T/state/runc" list -q 2>/dev/null); do
        runc --root "$T/state/runc" delete -f "$c" >/dev/null 2>&1
    done
    # ctr's tasks and containers, containerd, its shims, every mount in $T.
    ctrd_stop "$T"
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

cc -static -O2 -std=c11 -Wall -Wextra -Werror -o "$T/show" "$top/tests/image/show-process.c" ||
    exit 2
tags=()
if [ -n "${CONFIGS:-}" ]; then
    mapfile -t tags < <(python3 "$RC" --show "$T/show" \
        --busybox "$(command -v busybox)" --out "$T" --configs "$CONFIGS")
    seeds=()
fi
for s in "${seeds[@]}"; do
    mapfile -t -O ${#tags[@]} tags < <(python3 "$RC" --show "$T/show" \
        --busybox "$(command -v busybox)" --out "$T" --seed "$s" --count "$COUNT" \
        ${APPCFG:+--app-cfg})
done
(cd "$T/layout" && tar -cf ../img.tar .)

ctrd_start "$T/containerd" "$NS"
C image import --base-name localhost/rc "$T/img.tar" >/dev/null ||
    { echo "random-config: ctr image import failed" >&2; exit 2; }

mkdir -p "$T/out"
for t in "${tags[@]}"; do
    o=$T/out/$t
    start=$(date +%s.%N)
    # ctr cannot say what app.cfg's keys say (its args replace the whole
    # command): a case with keys runs through xl-oci only.
    [ -s "$o.keys" ] || timeout 30 ctr -a "$CTRD_SOCK" -n "$NS" run --rm "localhost/rc:$t" "k$t" \
        >"$o.ctr.out" 2>"$o.ctr.err" </dev/null
    echo $? >"$o.ctr.rc"
    C task kill -s SIGKILL "k$t" >/dev/null 2>&1
    C task delete -f "k$t" >/dev/null 2>&1
    C container rm "k$t" >/dev/null 2>&1
    if [ -n "${XLRUNC:-}" ] && [ ! -s "$o.keys" ]; then
        timeout 30 ctr -a "$CTRD_SOCK" -n "$NS" run --rm --runc-binary "$top/build/xl-oci-runc" \
            "localhost/rc:$t" "r$t" >"$o.xlrunc.out" 2>"$o.xlrunc.err" </dev/null
        echo $? >"$o.xlrunc.rc"
        C task kill -s SIGKILL "r$t" >/dev/null 2>&1
        C task delete -f "r$t" >/dev/null 2>&1
        C container rm "r$t" >/dev/null 2>&1
    fi
    { printf 'name = "x%s"\noci_image = "oci:%s/layout:%s"\n' "$t" "$T" "$t"
      cat "$o.keys" 2>/dev/null; } >"$o.cfg"
    if timeout 60 "${XR[@]}" create "$o.cfg" >"$o.xl.create" 2>"$o.xl.err" </dev/null; then
        timeout 30 "${XR[@]}" wait "x$t" >/dev/null 2>&1
        echo $? >"$o.xl.rc"
        "${XR[@]}" logs "x$t" >"$o.xl.out" 2>/dev/null
        "${XR[@]}" status --json "x$t" >"$o.xl.status" 2>/dev/null
        "${XR[@]}" destroy "x$t" >/dev/null 2>&1
    else
        echo create-failed >"$o.xl.rc"
        : >"$o.xl.out"
    fi
    # The rendered boot spec against the runtime spec (no Xen needed; a
    # dry run pulls nothing: after create, the image is in the store).
    if "${XR[@]}" create -N --runtime-spec "$o.rs.json" --boot-spec "$o.bs.dtb" "$o.cfg" \
        >/dev/null 2>"$o.dry.err"; then
        for k in args env; do
            fdtget -t bx "$o.bs.dtb" /process $k 2>/dev/null >"$o.bs.$k"
        done
        fdtget -t s "$o.bs.dtb" /process cwd >"$o.bs.cwd" 2>/dev/null
    fi
    end=$(date +%s.%N)
    echo "$t $(echo "$end - $start" | bc)" >>"$T/times"
done
python3 "$RC" --compare "$T"
