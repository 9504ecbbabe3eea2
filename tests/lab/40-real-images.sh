# 40-real-images.sh: real images built from Debian packages (issue 12's lab
# tier, tools/realimages/build.sh) run as Xen domains.  Their root volumes
# are pulled on the host (tests/tiers/90-lab.sh puts them in the lab's
# extra directory), so this boot spends its time running them:
#   py     its output (argv, env, ids, cwd) and exit code 3 reach `logs`
#          and `wait`;
#   py     again, as a probe of what a container sees (issue 11 item 9):
#          PID 1, /etc/hosts, the network's resolver, /dev/stdout
#          reopened by a non-root user, Docker's 14 capabilities, the
#          spec's rlimits, HOSTNAME, cgroup2;
#   web    nginx (User www-data) serves its page to dom0 through a
#          published port on the default network, its access log
#          (/dev/stdout) reaches `logs`, `stop` sends SIGQUIT and nginx
#          exits 0; nothing is left after destroy;
#   redis  (official-image shape: root entrypoint dropping to user redis)
#          answers PING from dom0 through a published port on the default
#          network and through its own redis-cli (exec); `stop` sends
#          SIGTERM and redis exits 0, as under runc;
#   postgres  initdb's its PGDATA (an anonymous volume: the image's
#          Volume) at the first start in the domain, answers `select 1`
#          through psql (exec); `stop` sends SIGINT, a fast shutdown, exit
#          0 as under runc.
# redis' and postgres' volumes are read from the 9p share in place; each
# domain has the memory it needs (its meminfo logged).
# lab-timeout: 900

vols=/usr/lib/xl-oci-lab/extra/volumes
# redis' and postgres' are too big for dom0's root: read from the 9p share.
svols=$LAB_SHARE/extra/volumes
export XL_OCI_ROOT=$LAB_WORK/state
chmod 755 "$LAB_WORK" "$(dirname "$LAB_WORK")" # dnsmasq runs as nobody
for v in py web; do
    [ -f "$vols/$v/rootfs.erofs" ] ||
        { lab_fail setup "no $v root volume in $vols (tests/tiers/90-lab.sh makes them)"; exit 1; }
done
for v in redis postgres; do
    [ -f "$svols/$v/rootfs.erofs" ] ||
        { lab_fail setup "no $v root volume in $svols (tests/tiers/90-lab.sh makes them)"; exit 1; }
done

# --- py: what the image says, and its exit code -----------------------------
printf 'name = "py"\nmemory = 128\noci_root = "%s"\n' "$vols/py" >"$LAB_WORK/py.cfg"
lab_check create-py xl-oci create "$LAB_WORK/py.cfg"
xl-oci wait py >/dev/null 2>&1
rc=$?
xl-oci logs py >"$LAB_WORK/py.log" 2>&1
sed 's/^/  py: /' "$LAB_WORK/py.log" | grep -v 'xl-oci-loader: exec' >&2
# The console is a tty, the program's stdout is not a terminal: its lines
# reach the log as written, without the tty's "\r\n".
grep '^argv:' "$LAB_WORK/py.log" | grep -q $'\r' && lab_fail logs-hold-the-bytes-written "CR added to the program's lines" ||
    lab_ok logs-hold-the-bytes-written
[ $rc -eq 3 ] && lab_ok py-exit-code-3 || lab_fail py-exit-code-3 "wait returned $rc"
# status and list name the image by the volume's own record, for a volume
# outside the store too (this one is a copy under the extra directory).
want=$(sed -n 's/^ *"manifest": "\(sha256:[0-9a-f]*\)".*/\1/p' "$vols/py/volume.json")
listed=$(xl-oci list | awk '$1 == "py" { print $4 }')
[ -n "$want" ] && [ "$(st py image)" = "$want" ] && [ "${want:0:19}" = "$listed" ] &&
    lab_ok image-digest-from-volume-record "$want" ||
    lab_fail image-digest-from-volume-record "record '$want', status '$(st py image)', list '$listed'"
[ "$(st py exit_code)" = 3 ] && lab_ok py-status-exit-code || lab_fail py-status-exit-code "status: $(st py exit_code)"
grep -qx "argv: '/app/show.py' 'hello' 'two words'" "$LAB_WORK/py.log" && lab_ok py-argv ||
    lab_fail py-argv "$(grep '^argv' "$LAB_WORK/py.log")"
grep -qx "env: GREETING=hello from py" "$LAB_WORK/py.log" && lab_ok py-env ||
    lab_fail py-env "$(grep '^env' "$LAB_WORK/py.log" | tr '\n' ' ')"
grep -qx "uid: 1234 gid: 1234 groups: 1234" "$LAB_WORK/py.log" && lab_ok py-user-1234-no-passwd-entry ||
    lab_fail py-user-1234-no-passwd-entry "$(grep '^uid' "$LAB_WORK/py.log")"
grep -qx "cwd: /work" "$LAB_WORK/py.log" && lab_ok py-workingdir || lab_fail py-workingdir "$(grep '^cwd' "$LAB_WORK/py.log")"
lab_check destroy-py xl-oci destroy py

# --- py as a probe of the container's environment ----------------------------
probe="import os; print('pid:', os.getpid()); print('hostname:', os.environ.get('HOSTNAME')); h = open('/etc/hosts').read(); print('hosts-localhost:', '127.0.0.1' in h and 'localhost' in h); print('hosts-self:', os.environ.get('HOSTNAME', '?') in h); print('resolv:', ' '.join(l.split()[1] for l in open('/etc/resolv.conf') if l.startswith('nameserver'))); [print('status:', ' '.join(l.split())) for l in open('/proc/self/status') if l.startswith(('CapEff', 'CapBnd'))]; [print('limit:', ' '.join(l.split()[-3:])) for l in open('/proc/self/limits') if l.startswith('Max open files')]; fd = os.open('/dev/stdout', os.O_WRONLY); os.write(fd, b'devstdout: ok' + bytes([10])); print('stdio:', all(os.path.exists(p) for p in ('/dev/stdin', '/dev/stderr', '/dev/fd', '/dev/null'))); print('cgroup2:', os.path.exists('/sys/fs/cgroup/cgroup.controllers')); print('isatty:', os.isatty(1), os.isatty(2)); print('dangling-dev:', [n for n in os.listdir('/dev') if os.path.islink('/dev/' + n) and not os.path.exists('/dev/' + n)]); print('dev-console:', os.path.exists('/dev/console')); print('probe-done')"
{
    printf 'name = "pyenv"\nmemory = 128\noci_root = "%s"\n' "$vols/py"
    echo 'oci_network = [ "default" ]'
    echo 'oci_entrypoint = [ "/usr/bin/python3", "-c" ]'
    printf 'oci_cmd = [ "%s" ]\n' "$probe"
} >"$LAB_WORK/pyenv.cfg"
lab_check create-pyenv xl-oci create "$LAB_WORK/pyenv.cfg"
xl-oci wait pyenv >/dev/null 2>&1
xl-oci logs pyenv >"$LAB_WORK/pyenv.log" 2>&1
sed 's/^/  pyenv: /' "$LAB_WORK/pyenv.log" | grep -v 'xl-oci-loader: exec' >&2
gw=$(xl-oci network inspect --json default 2>/dev/null | tr -d ' \n' | grep -o '"gateway":"[0-9.]*' | grep -o '[0-9.]*$')
has() { grep -qx -- "$1" "$LAB_WORK/pyenv.log"; }
has "pid: 1" && lab_ok env-pid-1 || lab_fail env-pid-1 "$(grep '^pid' "$LAB_WORK/pyenv.log")"
has "hostname: pyenv" && lab_ok env-hostname || lab_fail env-hostname "$(grep '^hostname' "$LAB_WORK/pyenv.log")"
has "hosts-localhost: True" && has "hosts-self: True" && lab_ok env-etc-hosts ||
    lab_fail env-etc-hosts "$(grep '^hosts' "$LAB_WORK/pyenv.log" | tr '\n' ' ')"
[ -n "$gw" ] && has "resolv: $gw" && lab_ok env-resolver-is-the-network ||
    lab_fail env-resolver-is-the-network "gateway $gw, $(grep '^resolv' "$LAB_WORK/pyenv.log")"
has "status: CapEff: 0000000000000000" && has "status: CapBnd: 00000000a80425fb" &&
    lab_ok env-docker-capabilities-user-1234 ||
    lab_fail env-docker-capabilities-user-1234 "$(grep '^status' "$LAB_WORK/pyenv.log" | tr '\n' ' ')"
has "limit: 1024 524288 files" && lab_ok env-rlimit-nofile || lab_fail env-rlimit-nofile "$(grep '^limit' "$LAB_WORK/pyenv.log")"
has "devstdout: ok" && has "stdio: True" && lab_ok env-dev-stdout-reopened-by-user ||
    lab_fail env-dev-stdout-reopened-by-user "$(grep '^devstdout\|^stdio\|Error' "$LAB_WORK/pyenv.log" | tr '\n' ' ')"
has "cgroup2: True" && lab_ok env-cgroup2 || lab_fail env-cgroup2 "$(grep '^cgroup2' "$LAB_WORK/pyenv.log")"
# No link in /dev points nowhere (/dev/core only with a /proc/kcore).
grep -qxF "dangling-dev: []" "$LAB_WORK/pyenv.log" && lab_ok env-no-dangling-dev-links ||
    lab_fail env-no-dangling-dev-links "$(grep '^dangling-dev' "$LAB_WORK/pyenv.log")"
# As runc: /dev/console only for a container with a terminal (this has none).
grep -qxF "dev-console: False" "$LAB_WORK/pyenv.log" && lab_ok env-no-dev-console-without-terminal ||
    lab_fail env-no-dev-console-without-terminal "$(grep '^dev-console' "$LAB_WORK/pyenv.log")"
# stdout and stderr are pipes as under runc, not the console's terminal.
has "isatty: False False" && lab_ok env-stdout-not-a-terminal ||
    lab_fail env-stdout-not-a-terminal "$(grep '^isatty' "$LAB_WORK/pyenv.log")"
lab_check destroy-pyenv xl-oci destroy pyenv

# --- web: serves through a published port, logs, SIGQUIT ---------------------
{
    printf 'name = "web"\nmemory = 128\noci_root = "%s"\n' "$vols/web"
    echo 'oci_network = [ "default" ]'
    echo 'oci_ports = [ "8080:8080" ]'
} >"$LAB_WORK/web.cfg"
lab_check create-web xl-oci create "$LAB_WORK/web.cfg"
page=
for ((i = 0; i < 120; i++)); do
    page=$(fetch http://127.0.0.1:8080/ 5 2>/dev/null) && [ -n "$page" ] && break
    sleep 2
done
case $page in
*"Hello from nginx in a Xen domain"*) lab_ok web-serves-dom0-through-published-port ;;
*) lab_fail web-serves-dom0-through-published-port "state $(st web state): $(xl-oci logs web 2>&1 | tail -3 | tr '\n' ' ')" ;;
esac
wait_log web '"GET / HTTP/1.1" 200' 20 && lab_ok web-access-log-reaches-logs ||
    lab_fail web-access-log-reaches-logs "$(xl-oci logs web 2>&1 | tail -3 | tr '\n' ' ')"
lab_check stop-web xl-oci stop web
xl-oci wait web >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] && xl-oci logs web 2>&1 | grep -q "gracefully shutting down" &&
    lab_ok web-sigquit-graceful-exit-0 || lab_fail web-sigquit-graceful-exit-0 "wait $rc: $(xl-oci logs web 2>&1 | tail -3 | tr '\n' ' ')"
lab_check destroy-web xl-oci destroy web
# --- redis: PING from dom0 through a published port, SIGTERM -----------------
# rping: redis' first reply line to PING on dom0's published port.
rping() {
    busybox timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379 || exit 1
        printf "PING\r\n" >&3; IFS= read -r l <&3; echo "$l"' 2>/dev/null | tr -d '\r'
}
# meminfo NAME: what the domain's kernel says of its memory, logged.
meminfo() {
    xl-oci exec "$1" head -3 /proc/meminfo 2>&1 | tr -s ' \n' ' ' | sed "s/^/  $1 memory: /" >&2
    echo >&2
}
t0=$(lab_now)
{
    printf 'name = "redis"\nmemory = %s\noci_root = "%s"\n' 64 "$svols/redis"
    echo 'oci_network = [ "default" ]'
    echo 'oci_ports = [ "6379:6379" ]'
} >"$LAB_WORK/redis.cfg"
lab_check create-redis xl-oci create "$LAB_WORK/redis.cfg"
pong=
for ((i = 0; i < 120; i++)); do
    pong=$(rping) && [ "$pong" = +PONG ] && break
    sleep 1
done
[ "$pong" = +PONG ] && lab_ok redis-pong-dom0-through-published-port ||
    lab_fail redis-pong-dom0-through-published-port "got '$pong'; state $(st redis state): $(xl-oci logs redis 2>&1 | tail -3 | tr '\n' ' ')"
[ "$(xl-oci exec redis redis-cli ping 2>&1)" = PONG ] && lab_ok redis-cli-ping-through-exec ||
    lab_fail redis-cli-ping-through-exec "$(xl-oci exec redis redis-cli ping 2>&1 | tail -1)"
[ "$(xl-oci exec redis stat -c %U /proc/1 2>&1)" = redis ] && lab_ok redis-runs-as-redis ||
    lab_fail redis-runs-as-redis "process 1: $(xl-oci exec redis stat -c %U /proc/1 2>&1)"
meminfo redis
lab_check stop-redis xl-oci stop redis
xl-oci wait redis >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] && xl-oci logs redis 2>&1 | grep -q "Received SIGTERM scheduling shutdown" &&
    lab_ok redis-sigterm-exit-0 || lab_fail redis-sigterm-exit-0 "wait $rc: $(xl-oci logs redis 2>&1 | tail -3 | tr '\n' ' ')"
lab_check destroy-redis xl-oci destroy redis
lab_log "redis: $(lab_elapsed "$t0") s"

# --- postgres: initdb at the first start, select 1, SIGINT ---------------------
t0=$(lab_now)
{
    printf 'name = "pg"\nmemory = %s\noci_root = "%s"\n' 96 "$svols/postgres"
    # initdb's fsyncs are most of its time under TCG, and prove nothing
    # here; the official image's POSTGRES_INITDB_ARGS passes --no-sync.
    echo 'oci_env = [ "POSTGRES_PASSWORD=lab", "POSTGRES_INITDB_ARGS=--no-sync" ]'
} >"$LAB_WORK/pg.cfg"
lab_check create-postgres xl-oci create "$LAB_WORK/pg.cfg"
# The log says when the server is up (after initdb): psql (a perl
# wrapper, seconds under TCG) asked only then, not to take the one vCPU
# from initdb.
for ((i = 0; i < 150; i++)); do
    xl-oci logs pg 2>/dev/null | grep -q "database system is ready to accept connections" && break
    case $(st pg state) in booting | running) ;; *) break ;; esac
    sleep 2
done
one=
for ((i = 0; i < 10; i++)); do
    one=$(xl-oci exec pg psql -U postgres -XAtc 'select 1' 2>&1) && [ "$one" = 1 ] && break
    sleep 1
done
[ "$one" = 1 ] && xl-oci logs pg 2>&1 | grep -q "PostgreSQL init process complete" &&
    lab_ok postgres-initdb-then-select-1-through-exec ||
    lab_fail postgres-initdb-then-select-1-through-exec "got '$(echo "$one" | tail -1)'; state $(st pg state): $(xl-oci logs pg 2>&1 | tail -3 | tr '\n' ' ')"
meminfo pg
lab_check stop-postgres xl-oci stop pg
xl-oci wait pg >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] && xl-oci logs pg 2>&1 | grep -q "received fast shutdown request" &&
    lab_ok postgres-sigint-exit-0 || lab_fail postgres-sigint-exit-0 "wait $rc: $(xl-oci logs pg 2>&1 | tail -3 | tr '\n' ' ')"
lab_check destroy-postgres xl-oci destroy pg
lab_log "postgres: $(lab_elapsed "$t0") s"

xl list | grep -q '^web\|^py\|^redis\|^pg' && lab_fail nothing-left "$(xl list)" ||
    { losetup -a | grep -q "$vols\|$svols" && lab_fail nothing-left "$(losetup -a)" || lab_ok nothing-left; }
xl-oci network rm default >/dev/null 2>&1
true
