#!/bin/sh
# docker-entrypoint.sh of the "postgres" image (tools/realimages/build.sh),
# a POSIX sh cut of the official image's: an option as the first argument
# goes to postgres; postgres started as root gets PGDATA (the image's
# Volume) and /var/run/postgresql made postgres', PGDATA mode 0700, and
# runs as postgres, dropped with coreutils' chroot --userspec to / (the
# official image's gosu).  An empty PGDATA is initialised first (initdb,
# superuser "postgres", locale from LANG): local (socket) connections are
# trusted; TCP ones from any address need POSTGRES_PASSWORD (the
# superuser's password, scram-sha-256), or take POSTGRES_HOST_AUTH_METHOD
# (trust, md5, ...) as the official image does; with neither it refuses
# to start, as the official image does.  Not here: POSTGRES_USER,
# POSTGRES_DB, POSTGRES_INITDB_WALDIR, /docker-entrypoint-initdb.d.
set -e
case ${1:-} in -*) set -- postgres "$@" ;; esac
if [ "${1:-}" = postgres ]; then
    if [ "$(id -u)" = 0 ]; then
        mkdir -p "$PGDATA" /var/run/postgresql
        [ "$(stat -c %U "$PGDATA")" = postgres ] || chown -R postgres:postgres "$PGDATA"
        chmod 0700 "$PGDATA"
        chown postgres:postgres /var/run/postgresql
        chmod 3775 /var/run/postgresql
        exec chroot --userspec=postgres:postgres --skip-chdir / "$0" "$@"
    fi
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
        auth=${POSTGRES_HOST_AUTH_METHOD:-}
        if [ -n "${POSTGRES_PASSWORD:-}" ]; then
            : "${auth:=scram-sha-256}"
        elif [ -z "$auth" ]; then
            echo "postgres: the database is uninitialized and no superuser password is given:" >&2
            echo "  set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust to allow every" >&2
            echo "  connection without one, not recommended)" >&2
            exit 1
        fi
        if [ -n "${POSTGRES_PASSWORD:-}" ]; then
            # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS: words, as the official image
            printf '%s\n' "$POSTGRES_PASSWORD" |
                initdb --username=postgres --pwfile=/dev/stdin ${POSTGRES_INITDB_ARGS:-}
        else
            # shellcheck disable=SC2086
            initdb --username=postgres ${POSTGRES_INITDB_ARGS:-} </dev/null
        fi
        printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
        echo "PostgreSQL init process complete; ready for start up."
    fi
fi
exec "$@"
