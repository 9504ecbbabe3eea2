#!/bin/bash
# customize.sh IMAGE ROOT: mmdebstrap extract hook of build.sh.  The
# extract variant runs no maintainer scripts, so this does the part of
# them an image needs, and lays out the "kinds" image's first layer.
set -euo pipefail
img=$1 root=$2
cd "$root"

# base-files' postinst: /var/run and /var/lock are symlinks into /run
# (absolute ones, as on every Debian system).
if [ -d usr/share/base-files ]; then
    rm -rf var/run var/lock
    ln -s /run var/run
    ln -s /run/lock var/lock
fi
# base-passwd's postinst: the initial passwd and group.
if [ -f usr/share/base-passwd/passwd.master ]; then
    install -m 0644 usr/share/base-passwd/passwd.master etc/passwd
    install -m 0644 usr/share/base-passwd/group.master etc/group
fi

# dash's postinst: /bin/sh (dpkg-divert'ed, not in the package).
if [ -x bin/dash ] && [ ! -e bin/sh ]; then
    ln -s dash bin/sh
fi
# sysuser NAME HOME SHELL: a system user and its group, id 999 (the
# official images' groupadd -r -g 999 / useradd -r -u 999).
sysuser() {
    echo "$1:x:999:999:$1:$2:$3" >>etc/passwd
    echo "$1:x:999:" >>etc/group
}

case $img in
py)
    # python3's postinst (py3compile): byte-compile the standard library,
    # so a read-only rootfs does not recompile it at every start.
    chroot . /usr/bin/python3 -m compileall -q -j 1 /usr/lib/python3.11 >/dev/null
    ;;
web)
    # nginx-common's postinst: the default site enabled, its page, the
    # log directory.
    ln -sf /etc/nginx/sites-available/default etc/nginx/sites-enabled/default
    mkdir -p var/www/html
    cp usr/share/nginx/html/index.html var/www/html/index.nginx-debian.html
    mkdir -p var/log/nginx
    chown 33:4 var/log/nginx
    ;;
redis)
    # redis-server's and redis-tools' postinst: the user, its data and
    # log directories.
    sysuser redis /var/lib/redis /usr/sbin/nologin
    install -d -m 0750 -o 999 -g 999 var/lib/redis var/log/redis
    ;;
postgres)
    # postgresql-common's postinst: the user (home /var/lib/postgresql),
    # its run and log directories (as its tmpfiles.d and logrotate set
    # them up); postgresql-15's leaves no cluster when told not to make
    # one (the entrypoint makes one in PGDATA).
    sysuser postgres /var/lib/postgresql /bin/sh
    install -d -m 0755 -o 999 -g 999 var/lib/postgresql etc/postgresql
    install -d -m 2775 -o 999 -g 999 run/postgresql
    install -d -m 1775 -o 0 -g 999 var/log/postgresql
    ;;
kinds)
    mkdir -p etc run tmp var data
    chmod 1777 tmp
    printf 'root:x:0:0:root:/root:/bin/sh\nkinds:x:4321:4321:kinds test user:/data:/bin/sh\n' > etc/passwd
    printf 'root:x:0:\nstaff:x:50:kinds\nkinds:x:4321:\n' > etc/group
    ln -s /run var/run
    ln -s /data etc/alt
    ln -sf /bin/busybox bin/sh
    for a in id ls cat; do ln -sf busybox bin/$a; done
    echo "one inode" > data/hard-a
    ln data/hard-a data/hard-b
    echo "deleted by a whiteout" > data/gone-file
    mkdir -p data/gone-dir/sub data/opq-before data/opq-after data/dir-to-file
    echo x > data/gone-dir/x
    echo y > data/gone-dir/sub/y
    echo "old" > data/redo
    echo a > data/opq-before/a
    echo b > data/opq-before/b
    echo c > data/opq-after/c
    echo z > data/dir-to-file/z
    echo "kept" > data/keep
    ;;
*) echo "customize.sh: unknown image $img" >&2; exit 1 ;;
esac
