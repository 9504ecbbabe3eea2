#!/bin/bash
# mkimage.sh DIR: the busybox test image that containerd runs (tier 33 on
# the host, lab 36-containerd in Xen), built from Debian's busybox-static
# with umoci: DIR/img (an OCI image layout, tag "latest") and DIR/img.tar
# (the same layout as the archive `ctr image import` reads).  One layer:
# /bin/busybox and the applets the tests call; Cmd /bin/sh.  Exits non-zero
# with umoci's output on stderr when a step fails.
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
rm -rf img b img.tar
{
    umoci init --layout img &&
        umoci new --image img:latest &&
        umoci unpack --image img:latest b >/dev/null &&
        mkdir -p b/rootfs/bin &&
        cp /bin/busybox b/rootfs/bin/ &&
        for a in sh echo sleep cat ip ping wget nc httpd ifconfig route; do
            ln -s busybox "b/rootfs/bin/$a"
        done &&
        umoci repack --image img:latest b &&
        umoci config --image img:latest --config.cmd /bin/sh &&
        rm -rf b &&
        (cd img && tar -cf ../img.tar .)
} >umoci.log 2>&1 || { cat umoci.log >&2; exit 1; }
