#!/bin/bash
# mkimage-users.sh DIR: ctr-diff.py's image, built with umoci from Debian's
# busybox-static: every applet, an /etc/passwd and /etc/group with users
# and groups by name (root, daemon, nobody, app in a supplementary group
# "extra"), /home/app; Cmd /bin/sh.  DIR/img.tar is the OCI layout as the
# archive `ctr image import` reads.  Exits non-zero with umoci's output
# on stderr when a step fails.
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
rm -rf img b img.tar
{
    umoci init --layout img &&
        umoci new --image img:latest &&
        umoci unpack --image img:latest b >/dev/null &&
        mkdir -p b/rootfs/bin b/rootfs/etc b/rootfs/home/app b/rootfs/tmp &&
        chmod 1777 b/rootfs/tmp &&
        chown 1000:1000 b/rootfs/home/app &&
        cp /bin/busybox b/rootfs/bin/ &&
        for a in $(/bin/busybox --list); do
            [ -e "b/rootfs/bin/$a" ] || ln -s busybox "b/rootfs/bin/$a"
        done &&
        printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'daemon:x:1:1:daemon:/usr/sbin:/bin/sh' \
            'app:x:1000:1000:app:/home/app:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/sh' \
            >b/rootfs/etc/passwd &&
        printf '%s\n' 'root:x:0:' 'daemon:x:1:' 'app:x:1000:' 'extra:x:2000:app,daemon' \
            'nogroup:x:65534:' >b/rootfs/etc/group &&
        umoci repack --image img:latest b &&
        umoci config --image img:latest --config.cmd /bin/sh \
            --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin &&
        rm -rf b &&
        (cd img && tar -cf ../img.tar .)
} >umoci.log 2>&1 || { cat umoci.log >&2; exit 1; }
