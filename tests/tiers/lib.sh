# lib.sh: what the shell tiers share (sourced).  Before sourcing set TIER,
# the word each result line names ("ok - $TIER: ..."); T, the tier's
# scratch directory, must be set before check/fails_with run.  `status`
# becomes 1 at the first failure, for the tier's exit code.
status=0

ok() { echo "ok - $TIER: $*"; }
nok() {
    echo "not ok - $TIER: $*"
    status=1
}

# check DESCRIPTION COMMAND...: ok when COMMAND succeeds; else its output.
check() {
    local d=$1
    shift
    if "$@" >"$T/out" 2>&1; then ok "$d"; else nok "$d"; sed 's/^/# /' "$T/out"; fi
}

# fails_with DESCRIPTION TEXT COMMAND...: COMMAND must fail saying TEXT.
fails_with() {
    local d=$1 text=$2
    shift 2
    if "$@" >"$T/out" 2>&1; then
        nok "$d (succeeded)"
    elif grep -qF -- "$text" "$T/out"; then
        ok "$d"
    else
        nok "$d (no \"$text\")"
        sed 's/^/# /' "$T/out"
    fi
}

# apt_install and apt_missing_commands.
. "${BASH_SOURCE[0]%/*}/../../tools/lib/apt.sh"

# tier_need PACKAGE...: installs the Debian packages that are missing, or
# reports the tier failed and exits.
tier_need() {
    local missing=() p
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    apt_install "${missing[@]}" && return 0
    echo "not ok - $TIER: install ${missing[*]}"
    exit 1
}

# tier_nohyper_scratch: T, a scratch state root for NOHYPER containers
# (XL_OCI_ROOT, XL_OCI_LOG_DIR, XL_OCI_NO_XEN=1), removed at exit with
# whatever runc containers and mounts the tier left in it.
tier_nohyper_scratch() {
    T=$(mktemp -d "/tmp/xl-oci-$TIER.XXXXXX")
    export XL_OCI_ROOT=$T/state XL_OCI_LOG_DIR=$T/log XL_OCI_NO_XEN=1
    trap tier_nohyper_cleanup EXIT
}
# tier_sweep RUNC_ROOT DIR: what NOHYPER containers left: runc's
# containers under RUNC_ROOT deleted, mounts under DIR unmounted.
tier_sweep() {
    local c m
    for c in $(runc --root "$1" list -q 2>/dev/null); do
        runc --root "$1" delete -f "$c" >/dev/null 2>&1
    done
    for m in $(grep -o " $2/[^ ]*" /proc/self/mounts | sort -r); do
        umount -l "$m" 2>/dev/null
    done
}
tier_nohyper_cleanup() {
    tier_sweep "$T/state/runc" "$T"
    rm -rf "$T"
}
