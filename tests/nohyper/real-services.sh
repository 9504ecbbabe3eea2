#!/bin/bash
# real-services.sh: tier 65's two services, the "redis" and "postgres"
# images of tools/realimages/build.sh, as NOHYPER containers on a managed
# network, run by the tier in a private network namespace of their own
# (unshare -n), so the bridge, nftables tables and routes are never the
# host's.  Expects: top, X (xl-oci), T (a scratch directory), REDIS_VOL
# and PG_VOL (the pulled root volumes).  As users run the official images:
#   redis     answers PING through its own redis-cli (xl-oci exec) and,
#             from the namespace's host side, on its published port;
#             runs as redis (the entrypoint dropped root); stop sends
#             SIGTERM and it exits 0 as under runc, having saved; a
#             second start has the key set before;
#   postgres  initdb's its empty PGDATA at the first start, answers
#             `select 1` through psql -U postgres (xl-oci exec, the
#             socket), and over TCP on the lease's address with the
#             POSTGRES_PASSWORD only; runs as postgres; stop sends SIGINT
#             (a fast shutdown) and it exits 0 as under runc; a second
#             start keeps its table and does not initdb again;
# destroy leaves no mount, state directory, runc container or lease.
# Prints TAP lines.
set -u
TIER=real-images
. "$top/tests/tiers/lib.sh"
export XL_OCI_ROOT=$T/state XL_OCI_LOG_DIR=$T/log XL_OCI_NO_XEN=1
ip link set lo up
cleanup_net() {
    local p c
    for c in redis pg; do "$X" destroy "$c" >/dev/null 2>&1; done
    for p in "$XL_OCI_ROOT"/networks/*/dnsmasq.pid; do
        [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
    done
}
trap cleanup_net EXIT
mkdir -p "$XL_OCI_ROOT"
chmod o+x "$T" "$XL_OCI_ROOT" # dnsmasq, as nobody, reads its hosts file
lease() { # lease CONTAINER FIELD
    "$X" network inspect --json n1 | jq -r --arg c "$1" \
        ".leases[] | select(.container == \$c) | .$2 // empty"
}
# until SECONDS COMMAND...: COMMAND succeeds within SECONDS (tenths polled).
until_ok() {
    local n=$(($1 * 5))
    shift
    while ! "$@" >/dev/null 2>&1; do
        n=$((n - 1))
        [ $n -gt 0 ] || return 1
        sleep 0.2
    done
}
# state_is NAME STATE EXIT: status --json says so.
state_is() {
    local got
    got=$("$X" status --json "$1" | jq -r '.state + " " + (.exit_code | tostring)')
    [ "$got" = "$2 $3" ] || { echo "state and exit code: $got, want $2 $3"; return 1; }
}
# nothing_left NAME: no mount, state dir, runc container or lease of NAME.
nothing_left() {
    local left
    for _ in $(seq 20); do
        left=$(
            grep -q " $XL_OCI_ROOT/domains/$1/" /proc/self/mounts && echo "a mount"
            [ -e "$XL_OCI_ROOT/domains/$1" ] && echo "the state dir"
            runc --root "$XL_OCI_ROOT/runc" list -q 2>/dev/null | grep -qx "$1" && echo "runc's container"
            [ -n "$(lease "$1" ipv4)" ] && echo "its lease"
            true)
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    echo "left of $1: $left"
    return 1
}
# pid1_user NAME: the user container NAME's process 1 runs as.
pid1_user() { "$X" exec "$1" stat -c %U /proc/1; }
export X
export -f lease until_ok state_is nothing_left pid1_user

check "network create n1 (nat)" "$X" network create n1 --subnet 10.65.0.0/24
[ $status = 0 ] || exit 1

# --- redis -------------------------------------------------------------
{
    echo 'name = "redis"'
    echo "oci_root = \"$REDIS_VOL\""
    echo 'oci_network = [ "n1" ]'
    echo 'oci_ports = [ "6379:6379" ]'
} >"$T/redis.cfg"
# resp CMD...: the first reply line of redis on the published port.
resp() {
    timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379 || exit 1
        printf "%s\r\n" "$*" >&3; IFS= read -r l <&3; echo "$l"' _ "$@" | tr -d '\r'
}
cli() { "$X" exec redis redis-cli "$@"; }
export -f resp cli
redis_checks() {
    check "redis: its own redis-cli (exec) gets PONG" \
        until_ok 30 bash -c '[ "$("$0" exec redis redis-cli ping)" = PONG ]' "$X"
    check "redis: the published port 6379 answers PING from the host side" \
        bash -c '[ "$(resp PING)" = +PONG ]'
    check "redis: the entrypoint dropped root: redis-server runs as redis" \
        bash -c '[ "$(pid1_user redis)" = redis ]'
    check "redis: a key set" bash -c '[ "$(cli set kept yes)" = OK ]'
    check "redis: stop sends SIGTERM; redis saves and exits 0, as under runc" bash -c '
        "$0" stop redis >/dev/null && state_is redis halted 0 &&
        "$0" logs redis | grep -q "Received SIGTERM scheduling shutdown" &&
        "$0" logs redis | grep -q "DB saved on disk" ||
        { "$0" logs redis | tail -4; false; }' "$X"
    check "redis: a second start has the key (/data, the image's Volume, kept)" bash -c '
        "$0" start redis >/dev/null &&
        until_ok 30 bash -c "[ \"\$(\"$0\" exec redis redis-cli get kept)\" = yes ]"' "$X"
}
if "$X" create "$T/redis.cfg" >"$T/out" 2>&1; then
    ok "redis: create"
    redis_checks
else
    nok "redis: create"
    sed 's/^/# /' "$T/out"
fi
check "redis: destroy leaves nothing" bash -c '"$0" destroy redis; nothing_left redis' "$X"

# --- postgres ----------------------------------------------------------
{
    echo 'name = "pg"'
    echo "oci_root = \"$PG_VOL\""
    echo 'oci_network = [ "n1" ]'
    echo 'oci_ports = [ "5432:5432" ]'
    echo 'oci_env = [ "POSTGRES_PASSWORD=t65-secret" ]'
} >"$T/pg.cfg"
sql() { "$X" exec pg psql -U postgres -XAtc "$1"; }
export -f sql
pg_checks() {
    check "postgres: initdb at the first start, then select 1 through psql -U postgres (exec)" \
        until_ok 60 bash -c '[ "$(sql "select 1")" = 1 ] &&
            [ "$("$0" logs pg | grep -c "PostgreSQL init process complete")" = 1 ]' "$X"
    check "postgres: runs as postgres, PGDATA postgres' and 0700" bash -c '
        [ "$(pid1_user pg)" = postgres ] &&
        [ "$("$0" exec pg stat -c "%U %a" /var/lib/postgresql/data)" = "postgres 700" ]' "$X"
    ip4=$(lease pg ipv4)
    check "postgres: listens on the lease's address; TCP takes the password" bash -c '
        [ "$("$0" exec -e PGPASSWORD=t65-secret pg psql -h "$1" -U postgres -XAtc "select 2")" = 2 ] &&
        ! "$0" exec -e PGPASSWORD=wrong pg psql -h "$1" -U postgres -XAtc "select 2" 2>&1 |
            grep -q "^2$"' "$X" "$ip4"
    check "postgres: a table made" sql "create table t65 (x text); insert into t65 values ('kept')"
    check "postgres: stop sends SIGINT (fast shutdown); it exits 0, as under runc" bash -c '
        "$0" stop pg >/dev/null && state_is pg halted 0 &&
        "$0" logs pg | grep -q "received fast shutdown request" ||
        { "$0" logs pg | tail -4; false; }' "$X"
    check "postgres: a second start keeps the table and does not initdb again" bash -c '
        "$0" start pg >/dev/null &&
        until_ok 60 bash -c "[ \"\$(sql \"select x from t65\")\" = kept ]" &&
        [ "$("$0" logs pg | grep -c "PostgreSQL init process complete")" = 1 ]' "$X"
}
if "$X" create "$T/pg.cfg" >"$T/out" 2>&1; then
    ok "postgres: create"
    pg_checks
else
    nok "postgres: create"
    sed 's/^/# /' "$T/out"
fi
check "postgres: destroy leaves nothing" bash -c '"$0" destroy pg; nothing_left pg' "$X"
check "network rm n1" "$X" network rm n1
exit $status
