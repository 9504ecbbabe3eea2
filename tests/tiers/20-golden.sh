#!/bin/bash
# Tier 20: golden tests of domcfg through `xl-oci create -N`.
#
# Each tests/golden/CASE/ holds app.cfg and the root volume's files
# (image-config.json, optional passwd/group; a rootfs.erofs is made empty
# unless the case has a file "no-rootfs"; a file "loader-sizes" with lines
# "FILE SIZE" makes a stand-in loader in @WORK@/loader, as create checks
# memory against it: tests/golden/make-loader.py, a kernel ELF of that load
# size and sparse files for the rest).  In app.cfg, @RV@ stands for the
# root volume directory and @WORK@ for the case's scratch directory.  The
# expected results are libxl.json, runtime.json, boot-spec.dts, or, for an
# error case, error.txt (stderr) with exit status 1.  A case holding a
# net-fixture (managed networks, oci_network) runs build/netfix/golden-net
# instead, which renders through the same domcfg calls with the networks
# resolved from the fixture rather than netback (see its source).  A case
# holding a file "volumes" (lines of `xl-oci volume create` arguments)
# gets those managed volumes made in @WORK@/state, its state root.  A file
# "ext4-images" (lines NAME) gets empty ext4 images @WORK@/NAME made, as
# create checks an oci_writable image is one.
#
# UPDATE_GOLDEN=1 rewrites the expected files from the current output; read
# the diff before committing it.
set -u
top=$(pwd)
xloci=$top/build/xl-oci
export XL_OCI_LOADER_DIR=/golden/loader
status=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

normalize() { sed "s|$1|@WORK@|g"; }

for case in ${GOLDEN_CASES:-tests/golden/*/}; do
    name=$(basename "$case")
    work=$scratch/$name
    mkdir -p "$work/rv" "$work/out"
    for f in image-config.json passwd group; do
        [ -f "$case/$f" ] && cp "$case/$f" "$work/rv/$f"
    done
    [ -f "$case/no-rootfs" ] || : >"$work/rv/rootfs.erofs"
    if [ -f "$case/ext4-images" ]; then
        while read -r img; do
            mke2fs -q -F -t ext4 "$work/$img" 8M >/dev/null 2>&1 ||
                echo "not ok - golden $name: mke2fs $img"
        done <"$case/ext4-images"
    fi
    if [ -f "$case/loader-sizes" ]; then
        python3 "$top/tests/golden/make-loader.py" "$case/loader-sizes" \
            "$work/loader"
    fi
    sed -e "s|@RV@|$work/rv|g" -e "s|@WORK@|$work|g" "$case/app.cfg" \
        >"$work/app.cfg"
    state=/golden/state
    if [ -f "$case/volumes" ]; then
        state=$work/state
        while read -r args; do
            # shellcheck disable=SC2086 # the line is the arguments
            "$xloci" --root "$state" volume create $args >/dev/null ||
                echo "not ok - golden $name: volume create $args"
        done <"$case/volumes"
    fi
    if [ -f "$case/net-fixture" ]; then
        (cd "$work" && "$top/build/netfix/golden-net" "$top/$case/net-fixture" \
            app.cfg out/runtime.json out/boot-spec.dtb \
            >out/libxl.json 2>out/error.txt)
    else
        (cd "$work" && "$xloci" --root "$state" create -N app.cfg \
            --runtime-spec out/runtime.json --boot-spec out/boot-spec.dtb \
            >out/libxl.json 2>out/error.txt)
    fi
    rc=$?
    if [ $rc -eq 0 ]; then
        dtc -q -I dtb -O dts "$work/out/boot-spec.dtb" >"$work/out/boot-spec.dts"
        outs="libxl.json runtime.json boot-spec.dts"
    else
        outs="error.txt"
        [ $rc -eq 1 ] || echo "exit status $rc, expected 1" >>"$work/out/error.txt"
    fi
    if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
        rm -f "$case"/libxl.json "$case"/runtime.json "$case"/boot-spec.dts \
            "$case"/error.txt
        for o in $outs; do normalize "$work" <"$work/out/$o" >"$case/$o"; done
    fi
    fail=
    for o in libxl.json runtime.json boot-spec.dts error.txt; do
        if [ -f "$case/$o" ]; then
            if ! normalize "$work" <"$work/out/$o" 2>/dev/null |
                diff -u "$case/$o" - >"$work/diff" 2>&1; then
                fail="$fail $o"
                sed 's/^/# /' "$work/diff" | head -40
            fi
        elif [[ " $outs " == *" $o "* ]]; then
            fail="$fail $o(unexpected)"
            sed 's/^/# /' "$work/out/$o" | head -10
        fi
    done
    if [ -z "$fail" ]; then
        echo "ok - golden $name"
    else
        echo "not ok - golden $name:$fail"
        status=1
    fi
done
exit $status
