#!/bin/sh
# docker-entrypoint.sh of the "redis" image (tools/realimages/build.sh),
# as the official image's: an option or a .conf as the first argument
# goes to redis-server; redis-server started as root gets /data (its
# working directory and Volume) made redis' and runs as redis, dropped
# with coreutils' chroot --userspec to / (the official image's gosu; no
# chroot(2) is made for /), the working directory kept.  redis-server is
# given /etc/redis/redis.conf (all addresses, protected mode off, the
# foreground) unless the arguments name a .conf.
set -e
case ${1:-} in -* | *.conf) set -- redis-server "$@" ;; esac
if [ "${1:-}" = redis-server ]; then
    case ${2:-} in
    *.conf) ;;
    *) shift; set -- redis-server /etc/redis/redis.conf "$@" ;;
    esac
    if [ "$(id -u)" = 0 ]; then
        [ "$(stat -c %U .)" = redis ] || chown -R redis:redis .
        exec chroot --userspec=redis:redis --skip-chdir / "$0" "$@"
    fi
    # as the official image: no umask given (0022), files only redis'
    [ "$(umask)" != 0022 ] || umask 0077
fi
exec "$@"
