#!/bin/bash
# mkimage.sh: builds the OCI test images from Debian packages, offline.
#
# usage: tools/mkimage/mkimage.sh build OUT
#   Builds OUT/layout, an OCI image layout, from the busybox-static Debian
#   package (fetched with tools/debcache.sh, never installed) using umoci
#   (Debian 12's 0.4.7):
#     small    one layer: busybox and applet symlinks, /etc/passwd and
#              group, a hardlink pair, a setuid file owned 1234:5678,
#              /tmp 1777, a fifo, a user.* xattr
#     multi    three layers (umoci repack --refresh-bundle): the second
#              deletes a file and a directory (whiteouts), the third
#              replaces a file with a symlink
#     insert   one layer written by `umoci insert`, which in 0.4.7 lacks
#              the tar end-of-archive footer (umoci#436)
#   and OUT/multiarch, a layout whose "latest" is an OCI index: linux/amd64
#   is "small", linux/arm64 is "insert" (labelled so, to tell them apart).
#   Skipped when OUT/.done exists.
#
# usage: tools/mkimage/mkimage.sh layout DIR TAG LAYER...
#   Writes an image made of the given layer files (plain .tar or .tar.gz,
#   possibly hostile) into the OCI layout DIR (created if needed), tagged
#   TAG; other tags made this way are kept.  Prints the manifest digest.
#
#   MKIMAGE_DIFF_IDS, when set, is written as the config's diff_ids array
#   instead of the layers' (a config that does not describe its layers).
#   MKIMAGE_LAYER_MEDIA_TYPE, when set, is every layer's media type instead
#   of the OCI one its compression calls for.  MKIMAGE_ARCH, when set, is
#   the config's architecture instead of amd64.
#
# usage: tools/mkimage/mkimage.sh wrap DIR TAG SRCTAG DEPTH [PLATFORM]
#   Makes DIR:TAG an OCI index of one entry, SRCTAG's manifest, nested
#   DEPTH indexes deep; the entries name PLATFORM ("linux/amd64") or, when
#   it is "-", none (the spec makes it optional).  MKIMAGE_INDEX_EXTRA, when
#   set, is JSON of more entries written before SRCTAG's in the outermost
#   index, ending in a comma.
#
# usage: tools/mkimage/mkimage.sh index DIR TAG SRCDIR AMD64TAG [ARM64TAG]
#   Makes DIR:TAG an OCI index whose linux/amd64 entry is SRCDIR:AMD64TAG's
#   manifest and whose linux/arm64 entry is ARM64TAG's (a dangling
#   placeholder without it), copying SRCDIR's blobs.
#
# usage: tools/mkimage/mkimage.sh sign DIR DIGEST KEY.pem [DOCKER-REFERENCE]
#   Adds a cosign-format signature of DIGEST (sha256:...) made with the
#   EC private key KEY.pem to the layout DIR, as tag sha256-<hex>.sig
#   (what `cosign sign --key` pushes), using only openssl.
#
# usage: tools/mkimage/mkimage.sh big OUT [MB]
#   A multi-layer image of about MB (default 200) megabytes of Debian
#   package content (for `make bench`), as OUT/big-layout:big.
#
# Needs: umoci, skopeo, sha256sum, apt-get (for debcache.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

die() { echo "mkimage: $*" >&2; exit 1; }

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# blob_put DIR FILE: stores FILE as a blob of layout DIR; prints "HEX SIZE".
blob_put() {
    local h
    h=$(sha "$2")
    mkdir -p "$1/blobs/sha256"
    cp "$2" "$1/blobs/sha256/$h"
    echo "$h $(size "$2")"
}

# write_index DIR: index.json from DIR/.tags ("TAG MEDIATYPE HEX SIZE").
write_index() {
    local dir=$1 first=1 tag mt h s
    {
        printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":['
        while read -r tag mt h s; do
            [ $first = 1 ] || printf ','
            first=0
            printf '{"mediaType":"%s","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}' \
                "$mt" "$h" "$s" "$tag"
        done < "$dir/.tags"
        printf ']}'
    } > "$dir/index.json"
    printf '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
}

set_tag() { # DIR TAG MEDIATYPE HEX SIZE
    # A layout written by another tool (umoci): take over its tags first.
    if [ ! -f "$1/.tags" ] && [ -f "$1/index.json" ]; then
        grep -o '{"mediaType":"[^"]*","digest":"sha256:[0-9a-f]*","size":[0-9]*,"annotations":{"org.opencontainers.image.ref.name":"[^"]*"}}' \
            "$1/index.json" |
        sed 's/.*"mediaType":"\([^"]*\)","digest":"sha256:\([0-9a-f]*\)","size":\([0-9]*\).*ref.name":"\([^"]*\)".*/\4 \1 \2 \3/' \
            > "$1/.tags"
    fi
    touch "$1/.tags"
    grep -v "^$2 " "$1/.tags" > "$1/.tags.new" || true
    echo "$2 $3 $4 $5" >> "$1/.tags.new"
    mv "$1/.tags.new" "$1/.tags"
    write_index "$1"
}

cmd_layout() {
    local dir=$1 tag=$2; shift 2
    mkdir -p "$dir"
    local tmp layers="" diffs="" l h s mt d
    tmp=$(mktemp -d)
    for l in "$@"; do
        read -r h s < <(blob_put "$dir" "$l")
        if gzip -t "$l" 2>/dev/null; then
            mt=application/vnd.oci.image.layer.v1.tar+gzip
            d=$(zcat "$l" | sha256sum | cut -d' ' -f1)
        else
            mt=application/vnd.oci.image.layer.v1.tar
            d=$h
        fi
        mt=${MKIMAGE_LAYER_MEDIA_TYPE:-$mt}
        layers+="${layers:+,}{\"mediaType\":\"$mt\",\"digest\":\"sha256:$h\",\"size\":$s}"
        diffs+="${diffs:+,}\"sha256:$d\""
    done
    printf '{"architecture":"%s","os":"linux","config":{"Entrypoint":["/bin/sh"],"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
        "${MKIMAGE_ARCH:-amd64}" "${MKIMAGE_DIFF_IDS-$diffs}" > "$tmp/config"
    read -r h s < <(blob_put "$dir" "$tmp/config")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
        "$h" "$s" "$layers" > "$tmp/manifest"
    read -r h s < <(blob_put "$dir" "$tmp/manifest")
    set_tag "$dir" "$tag" application/vnd.oci.image.manifest.v1+json "$h" "$s"
    rm -rf "$tmp"
    echo "sha256:$h"
}

cmd_wrap() {
    local dir=$1 tag=$2 src=$3 depth=$4 plat=${5:--} mt h sz i entry tmp
    read -r _ mt h sz < <(grep "^$src " "$dir/.tags") || die "wrap: no tag $src in $dir"
    tmp=$(mktemp)
    for ((i = 0; i < depth; i++)); do
        entry="{\"mediaType\":\"$mt\",\"digest\":\"sha256:$h\",\"size\":$sz"
        [ "$plat" = - ] || entry+=",\"platform\":{\"os\":\"${plat%/*}\",\"architecture\":\"${plat#*/}\"}"
        printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s%s}]}' \
            "$([ $((i + 1)) = "$depth" ] && printf %s "${MKIMAGE_INDEX_EXTRA:-}")" "$entry" > "$tmp"
        read -r h sz < <(blob_put "$dir" "$tmp")
        mt=application/vnd.oci.image.index.v1+json
    done
    rm -f "$tmp"
    set_tag "$dir" "$tag" "$mt" "$h" "$sz"
}

cmd_index() {
    local dir=$1 tag=$2 src=$3 srctag=$4 armtag=${5:-} tmp h s ah as
    mkdir -p "$dir/blobs/sha256"
    cp -a "$src/blobs/sha256/." "$dir/blobs/sha256/"
    tmp=$(mktemp -d)
    skopeo inspect --raw "oci:$src:$srctag" > "$tmp/manifest"
    h=$(sha "$tmp/manifest"); s=$(size "$tmp/manifest")
    if [ -n "$armtag" ]; then
        skopeo inspect --raw "oci:$src:$armtag" > "$tmp/arm"
        ah=$(sha "$tmp/arm"); as=$(size "$tmp/arm")
    else
        ah=$(printf '%064d' 0 | tr 0 a); as=1234
    fi
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"}}]}' \
        "$ah" "$as" "$h" "$s" > "$tmp/index"
    read -r h s < <(blob_put "$dir" "$tmp/index")
    set_tag "$dir" "$tag" application/vnd.oci.image.index.v1+json "$h" "$s"
    rm -rf "$tmp"
    echo "sha256:$h"
}

cmd_sign() {
    local dir=$1 digest=$2 key=$3 ref=${4:-xl-oci/test} tmp h s ph ps sig
    tmp=$(mktemp -d)
    printf '{"critical":{"identity":{"docker-reference":"%s"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
        "$ref" "$digest" > "$tmp/payload"
    sig=$(openssl dgst -sha256 -sign "$key" "$tmp/payload" | base64 -w0)
    read -r ph ps < <(blob_put "$dir" "$tmp/payload")
    printf '{}' > "$tmp/config"
    read -r h s < <(blob_put "$dir" "$tmp/config")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"sha256:%s","size":%s,"annotations":{"dev.cosignproject.cosign/signature":"%s"}}]}' \
        "$h" "$s" "$ph" "$ps" "$sig" > "$tmp/manifest"
    read -r h s < <(blob_put "$dir" "$tmp/manifest")
    set_tag "$dir" "sha256-${digest#sha256:}.sig" application/vnd.oci.image.manifest.v1+json "$h" "$s"
    rm -rf "$tmp"
    echo "sha256-${digest#sha256:}.sig"
}

# small_rootfs DIR: the "small" tree.
small_rootfs() {
    local r=$1 bb
    bb=$("$top/tools/debcache.sh" busybox-static | cut -d' ' -f2)
    mkdir -p "$r/bin" "$r/etc" "$r/data" "$r/home/user" "$r/tmp" "$r/root"
    cp "$bb/bin/busybox" "$r/bin/busybox"
    for a in sh echo ls cat id stat sleep true; do ln -s busybox "$r/bin/$a"; done
    printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1234:5678:user:/home/user:/bin/sh\n' > "$r/etc/passwd"
    printf 'root:x:0:\nusers:x:5678:user\n' > "$r/etc/group"
    echo hello > "$r/data/hello.txt"
    ln "$r/data/hello.txt" "$r/data/hello-hardlink.txt"
    echo secret > "$r/home/user/f"
    chown 1234:5678 "$r/home/user/f" "$r/home/user"
    chmod 4750 "$r/home/user/f"
    chmod 1777 "$r/tmp"
    mkfifo "$r/data/fifo"
    setfattr -n user.test -v hello "$r/data/hello.txt" 2>/dev/null ||
        python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.test", b"hello")' "$r/data/hello.txt" 2>/dev/null || true
}

cmd_build() {
    local out=$1
    [ -f "$out/.done" ] && return 0
    command -v umoci >/dev/null || die "umoci is not installed"
    rm -rf "$out"
    mkdir -p "$out"
    local L=$out/layout w=$out/work
    mkdir -p "$w"
    umoci init --layout "$L"

    # small
    umoci new --image "$L:small"
    umoci unpack --image "$L:small" "$w/b-small" >/dev/null
    small_rootfs "$w/b-small/rootfs"
    umoci repack --image "$L:small" "$w/b-small"
    umoci config --image "$L:small" --config.entrypoint /bin/sh \
        --config.env PATH=/bin --architecture amd64 --os linux

    # multi: layer 1 = small tree, 2 = deletions, 3 = file -> symlink
    umoci new --image "$L:multi"
    umoci unpack --image "$L:multi" "$w/b-multi" >/dev/null
    small_rootfs "$w/b-multi/rootfs"
    mkdir -p "$w/b-multi/rootfs/opt/gone" "$w/b-multi/rootfs/opt/keep"
    echo x > "$w/b-multi/rootfs/opt/gone/x"
    echo y > "$w/b-multi/rootfs/opt/keep/y"
    echo v1 > "$w/b-multi/rootfs/opt/file"
    umoci repack --refresh-bundle --image "$L:multi" "$w/b-multi"
    rm -rf "$w/b-multi/rootfs/opt/gone" "$w/b-multi/rootfs/data/hello-hardlink.txt"
    echo v2 > "$w/b-multi/rootfs/opt/keep/y2"
    umoci repack --refresh-bundle --image "$L:multi" "$w/b-multi"
    rm "$w/b-multi/rootfs/opt/file"
    ln -s keep/y "$w/b-multi/rootfs/opt/file"
    umoci repack --refresh-bundle --image "$L:multi" "$w/b-multi"
    umoci config --image "$L:multi" --config.entrypoint /bin/sh \
        --architecture amd64 --os linux

    # insert: footer-less layer
    mkdir -p "$w/ins"
    small_rootfs "$w/ins"
    umoci new --image "$L:insert"
    umoci insert --image "$L:insert" "$w/ins" /
    umoci config --image "$L:insert" --config.entrypoint /bin/sh \
        --architecture amd64 --os linux

    umoci gc --layout "$L"
    cmd_index "$out/multiarch" latest "$L" small insert >/dev/null
    rm -rf "$w"
    touch "$out/.done"
}

cmd_big() {
    local out=$1 mb=${2:-200}
    [ -f "$out/.big-done" ] && return 0
    local L=$out/big-layout w=$out/big-work pkg dir total=0
    rm -rf "$L" "$w"
    umoci init --layout "$L"
    umoci new --image "$L:big"
    umoci unpack --image "$L:big" "$w" >/dev/null
    small_rootfs "$w/rootfs"
    umoci repack --refresh-bundle --image "$L:big" "$w"
    # Large Debian packages, unpacked (never installed), one layer each.
    for pkg in libllvm15 python3.11-minimal libpython3.11-stdlib vim-runtime \
               locales libicu72 libgl1-mesa-dri; do
        [ "$total" -ge "$mb" ] && break
        dir=$("$top/tools/debcache.sh" "$pkg" | cut -d' ' -f2) || continue
        cp -a "$dir/." "$w/rootfs/"
        rm -f "$w/rootfs/.done"
        total=$(( $(du -sm "$w/rootfs" | cut -f1) ))
        umoci repack --refresh-bundle --image "$L:big" \
            --history.created_by "$pkg" "$w"
    done
    umoci config --image "$L:big" --config.entrypoint /bin/sh \
        --architecture amd64 --os linux
    umoci gc --layout "$L"
    rm -rf "$w"
    touch "$out/.big-done"
}

case "${1:-}" in
build) shift; [ $# = 1 ] || die "usage: mkimage.sh build OUT"; cmd_build "$@" ;;
layout) shift; [ $# -ge 2 ] || die "usage: mkimage.sh layout DIR TAG LAYER..."; cmd_layout "$@" ;;
wrap) shift; [ $# -ge 4 ] || die "usage: mkimage.sh wrap DIR TAG SRCTAG DEPTH [PLATFORM]"; cmd_wrap "$@" ;;
index) shift; [ $# -ge 4 ] || die "usage: mkimage.sh index DIR TAG SRCDIR AMD64TAG [ARM64TAG]"; cmd_index "$@" ;;
sign) shift; [ $# -ge 3 ] || die "usage: mkimage.sh sign DIR DIGEST KEY.pem [REF]"; cmd_sign "$@" ;;
big) shift; [ $# -ge 1 ] || die "usage: mkimage.sh big OUT [MB]"; cmd_big "$@" ;;
*) sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//;$d' >&2; exit 2 ;;
esac
