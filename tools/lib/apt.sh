# apt.sh: installing what a test or tool needs from Debian's apt (sourced
# by the tiers and tools that install their own tools: CI is a fresh
# Debian 12, whose package lists may be missing or stale).

# apt_missing_commands COMMAND:PACKAGE...: prints, one a line, the
# PACKAGE of each COMMAND that is not on PATH.
apt_missing_commands() {
    local p
    for p in "$@"; do
        command -v "${p%%:*}" >/dev/null || echo "${p#*:}"
    done
}

# apt_install PACKAGE...: apt-get install, non-interactive, without
# recommends and with its output dropped; once more after apt-get update
# when that fails.  Status 0 when the packages are installed.
apt_install() {
    [ $# -gt 0 ] || return 0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "$@" >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
              --no-install-recommends "$@" >/dev/null 2>&1; }
}
