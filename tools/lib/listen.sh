# listen.sh: whether a TCP port on 127.0.0.1 is free, and whether the
# server a script started is the one listening on it (sourced by the
# tiers and tools that start test servers on random ports).  A server that
# loses the race for its port exits, but a probe of the port is then
# answered by whoever holds it: CI of 2026-12-07 pulled from another test's
# token realm and read its 404 as the product's fault.  Uses ss(8)
# (iproute2).

# port_free PORT: true when nothing listens on TCP PORT.
port_free() {
    [ -z "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}

# port_listened_by PORT PID: true when the listener on TCP PORT belongs to
# PID or to a child of PID (setsid(1) may fork before it execs).
port_listened_by() {
    local port=$1 pid=$2 p
    for p in $(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2); do
        [ "$p" = "$pid" ] && return 0
        [ "$(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null)" = "$pid" ] && return 0
    done
    return 1
}
