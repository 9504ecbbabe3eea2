#!/bin/bash
# mkimage.sh [--users] DIR: a busybox test image for containerd, built from
# Debian's busybox-static with umoci: DIR/img (an OCI image layout, tag
# "latest") and DIR/img.tar (the same layout as the archive `ctr image
# import` reads).  One layer; Cmd /bin/sh.  Exits non-zero with umoci's
# output on stderr when a step fails.
#   (plain)  /bin/busybox and the applets the tests call: tier 33 on the
#            host, lab 36-containerd in Xen (tools/lab/lab stages it).
#   --users  ctr-diff.py's image: every applet, an /etc/passwd and
#            /etc/group with users and groups by name (root, daemon,
#            nobody, app in a supplementary group "extra"), /home/app
#            (app's), /tmp (1777), and Env PATH.
set -eu
users=
if [ "${1-}" = --users ]; then
    users=1
    shift
fi
dir=$1
mkdir -p "$dir"
cd "$dir"
rm -rf img b img.tar

# users_tree ROOTFS: what --users adds to the plain image's /bin/busybox.
users_tree() {
    local r=$1 a
    mkdir -p "$r/etc" "$r/home/app" "$r/tmp" &&
        chmod 1777 "$r/tmp" &&
        chown 1000:1000 "$r/home/app" &&
        for a in $(/bin/busybox --list); do
            [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
        done &&
        printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'daemon:x:1:1:daemon:/usr/sbin:/bin/sh' \
            'app:x:1000:1000:app:/home/app:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/sh' \
            >"$r/etc/passwd" &&
        printf '%s\n' 'root:x:0:' 'daemon:x:1:' 'app:x:1000:' 'extra:x:2000:app,daemon' \
            'nogroup:x:65534:' >"$r/etc/group"
}

config=(--config.cmd /bin/sh)
[ -z "$users" ] ||
    config+=(--config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
{
    umoci init --layout img &&
        umoci new --image img:latest &&
        umoci unpack --image img:latest b >/dev/null &&
        mkdir -p b/rootfs/bin &&
        cp /bin/busybox b/rootfs/bin/ &&
        if [ -n "$users" ]; then
            users_tree b/rootfs
        else
            for a in sh echo sleep cat ip ping wget nc httpd ifconfig route; do
                ln -s busybox "b/rootfs/bin/$a"
            done
        fi &&
        umoci repack --image img:latest b &&
        umoci config --image img:latest "${config[@]}" &&
        rm -rf b &&
        (cd img && tar -cf ../img.tar .)
} >umoci.log 2>&1 || { cat umoci.log >&2; exit 1; }
