# containerd.sh: a private containerd for tests (sourced, bash).
#
# Debian's containerd on a socket, root and state of its own, never the
# host's: tier 33 and tests/image/{random-config,bundle-vs-pull}.sh start
# it on the host, tests/lab/lib.sh's ctrd_start in the lab's dom0 (where
# tools/lab/lab stages this file next to lib.sh; busybox tools and bash
# only there, so nothing here needs more than grep, sort, pgrep and
# umount -l).  No CRI plugin, so no CNI and no network of its own.
#
# ctrd_start DIR NS [TRIES [INTERVAL]]
#   In:  DIR, a scratch directory (made if missing) holding everything of
#        this containerd: DIR/config.toml, DIR/root, DIR/state, the
#        sockets DIR/c.sock and DIR/c.sock.ttrpc, DIR/containerd.log;
#        NS, the containerd namespace the caller's containers live in.
#   Out: CTRD_DIR, CTRD_NS, CTRD_SOCK (DIR/c.sock), CTRD_PID; the
#        function C (ctr on that socket and namespace: `C task ls`).
#   Returns 0 once `ctr version` answers, polled TRIES times (100) every
#   INTERVAL seconds (0.1); else 1, with containerd left running for
#   ctrd_stop and its log in DIR/containerd.log.
# ctrd_up [TRIES [INTERVAL]] / ctrd_down: start containerd again with
#   ctrd_start's config (its log appended to) and wait as ctrd_start does;
#   stop it (SIGTERM, then wait for it), its shims and tasks running on.
# ctrd_stop [SWEEP-DIR]: the clean-up, for an EXIT trap, safe to call
#   when ctrd_start was not or only half reached (then only the sweep): every task of NS killed
#   (SIGKILL) and deleted and every container of NS removed while
#   containerd still answers; containerd stopped; shims of NS whose task
#   never started (they outlive containerd) killed; every mount below
#   SWEEP-DIR (default DIR) lazily unmounted, deepest first; runc's state
#   of NS (/run/containerd/runc/NS, the shim's runc root) and containerd's
#   task directory of NS under /run removed.  DIR itself is left for the
#   caller to remove (it is usually inside the caller's scratch dir).

ctrd_start() {
    CTRD_DIR=$1 CTRD_NS=$2 CTRD_SOCK=$1/c.sock CTRD_PID=
    mkdir -p "$CTRD_DIR" || return 1
    cat >"$CTRD_DIR/config.toml" <<TOML
version = 2
root = "$CTRD_DIR/root"
state = "$CTRD_DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CTRD_SOCK"
[ttrpc]
  address = "$CTRD_SOCK.ttrpc"
TOML
    ctrd_up "${3:-100}" "${4:-0.1}"
}

C() { ctr -a "$CTRD_SOCK" -n "$CTRD_NS" "$@"; }

ctrd_up() {
    local i
    containerd --config "$CTRD_DIR/config.toml" >>"$CTRD_DIR/containerd.log" 2>&1 &
    CTRD_PID=$!
    for ((i = 0; i < ${1:-100}; i++)); do
        C version >/dev/null 2>&1 && return 0
        sleep "${2:-0.1}"
    done
    return 1
}

ctrd_down() {
    [ -n "${CTRD_PID:-}" ] || return 0
    kill "$CTRD_PID" 2>/dev/null && wait "$CTRD_PID" 2>/dev/null
    CTRD_PID=
}

ctrd_stop() {
    local t m sweep=${1:-${CTRD_DIR:-}}
    if [ -n "${CTRD_PID:-}" ]; then
        for t in $(C task ls -q 2>/dev/null); do
            C task kill -s SIGKILL "$t" >/dev/null 2>&1
            C task delete -f "$t" >/dev/null 2>&1
        done
        for t in $(C container ls -q 2>/dev/null); do C container rm "$t" >/dev/null 2>&1; done
    fi
    ctrd_down
    if [ -n "${CTRD_NS:-}" ]; then
        # A shim whose task never started (ctr timed out) outlives containerd.
        for t in $(pgrep -f -- "containerd-shim-runc-v2 -namespace $CTRD_NS -id " 2>/dev/null); do
            kill -9 "$t" 2>/dev/null
        done
    fi
    if [ -n "$sweep" ]; then
        for m in $(grep -o " $sweep/[^ ]*" /proc/self/mounts | sort -r); do
            umount -l "$m" 2>/dev/null
        done
    fi
    [ -z "${CTRD_NS:-}" ] || rm -rf "/run/containerd/runc/$CTRD_NS" \
        "/run/containerd/io.containerd.runtime.v2.task/$CTRD_NS"
}
