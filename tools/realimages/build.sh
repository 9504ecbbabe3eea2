#!/bin/bash
# build.sh: real OCI images built from Debian packages only, for the
# real-image tier (tests/tiers/65-real-images.sh), the demo and the
# benchmarks.
#
# usage: tools/realimages/build.sh
#   Prints the path of an OCI image layout holding five images, building
#   it first unless the cache has it:
#     py     python3-minimal; /app/show.py prints argv, env, uid/gid/groups
#            and cwd, then exits 3; User 1234:1234 (no passwd entry),
#            WorkingDir /work.  Two layers (umoci repack).
#     web    nginx-light serving /srv/www on 8080; User www-data, StopSignal
#            SIGQUIT, logs to stdout/stderr.  Three layers: Debian's tree;
#            one that deletes a file (sites-available/default) and
#            directories (sites-enabled, /var/www/html), replaces
#            nginx.conf and gives /var/lib/nginx to www-data; one written
#            by hand whose only entries are under /var/run (a symlink to
#            /run in the first layer).
#     kinds  busybox-static plus layers that exercise what unpackers get
#            wrong: absolute symlinks written through, whiteouts before and
#            after a same-layer entry of that name, opaque whiteouts before
#            and after new entries, a file replacing a directory,
#            hardlinks within and across layers, file capabilities
#            (security.capability) and a user.* xattr, setuid; User
#            "kinds", resolved from the image's /etc/passwd.
#
# The root trees are `mmdebstrap --variant=extract` (only the named
# packages and their dependencies, no maintainer scripts, like distroless
# images; the hooks do what base-passwd's, base-files', dash's, python3's,
# redis' and postgresql-common's scripts would: passwd/group, /var/run ->
# /run, /bin/sh, .pyc files, the users redis and postgres and their
# directories), made into
# layers with umoci (init, new, raw add-layer, unpack, repack, config).
#
# Cache: $XL_OCI_CACHE/real-images/KEY/layout (XL_OCI_CACHE defaults to
# /var/cache/xl-oci), KEY a hash of this folder's files, umoci's version
# and the candidate versions of the packages the images hold, so a new
# Debian point release or an edit here rebuilds, and nothing else does.
# Downloaded .debs are kept in $XL_OCI_CACHE/real-images/debs.  The
# first build takes a few minutes (apt indices and packages: each tree
# fetches the indices again); a cached one a second.  Needs root
# (mmdebstrap root mode, chown), network access to the Debian mirror for
# the first build, and installs mmdebstrap,
# umoci and libcap2-bin with apt-get when missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${XL_OCI_CACHE:-/var/cache/xl-oci}/real-images
suite=bookworm

die() { echo "realimages: $*" >&2; exit 1; }
say() { echo "realimages: $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap, chown)"

. "$here/../lib/apt.sh"
mapfile -t need < <(apt_missing_commands mmdebstrap:mmdebstrap umoci:umoci \
    setcap:libcap2-bin setfattr:attr)
apt_install "${need[@]}" || die "apt-get install ${need[*]} failed"

# The packages the images are made of (their dependencies follow these).
pkgs_py="python3-minimal base-passwd base-files"
pkgs_web="nginx-light base-passwd base-files"
pkgs_kinds="busybox-static"
# The entrypoints' shell and tools (sh, id, stat, chown, chmod, mkdir,
# chroot): dash and coreutils, Essential packages the extract variant
# leaves out unless named.
# usr-is-merged answers init-system-helpers' "usrmerge | usr-is-merged"
# (usrmerge would bring perl into redis: 56 MB of its 106).
pkgs_redis="redis-server base-passwd base-files dash coreutils usr-is-merged"
pkgs_postgres="postgresql-15 base-passwd base-files dash coreutils usr-is-merged"
# What postgres leaves out of its packages, with dpkg's path-exclude: the
# JIT provider (llvmjit, its bitcode) and the LLVM and Z3 libraries only it
# loads (without the provider PostgreSQL runs every query without JIT, as
# with jit = off), and the locale sources (localedef's input; the image
# uses C.UTF-8, which libc-bin ships built): 350 MB become 176.
excl_postgres="/usr/lib/postgresql/15/lib/llvmjit* /usr/lib/postgresql/15/lib/bitcode/*
    /usr/lib/*/libLLVM-14.so* /usr/lib/*/libz3.so* /usr/share/i18n/*"
# What the key covers: those, plus the libraries every image carries.
key_pkgs="$pkgs_py $pkgs_web $pkgs_kinds $pkgs_redis $pkgs_postgres
    python3.11-minimal libpython3.11-minimal nginx-common libc6 libssl3
    libpcre2-8-0 zlib1g libexpat1 redis-tools libjemalloc2
    postgresql-client-15 postgresql-common postgresql-client-common libpq5
    libllvm14 libicu72 libxml2 tzdata perl-base"

# "PACKAGE=VERSION" lines, one apt-cache call (each call reads apt's
# whole cache: a few seconds on a loaded machine).
candidates() {
    # shellcheck disable=SC2086
    apt-cache policy $key_pkgs 2>/dev/null | awk '
        /^[^ ].*:$/ { p = substr($0, 1, length($0) - 1) }
        /^  Candidate:/ { if ($2 == "(none)") exit 1; print p "=" $2; n++ }
        END { exit n != '"$(echo $key_pkgs | wc -w)"' }'
}
vers=$(candidates) || { apt-get update -qq >/dev/null 2>&1 || true; vers=$(candidates); } ||
    die "no candidate versions for the image packages (apt-get update?)"
key=$({ echo "$vers"; umoci --version; cd "$here" && cat build.sh customize.sh show.py nginx.conf index.html \
    redis.conf redis-entrypoint.sh postgres-entrypoint.sh; } | sha256sum | cut -c1-16)
out=$cache/$key
if [ -f "$out/.done" ]; then
    echo "$out/layout"
    exit 0
fi

mkdir -p "$cache/debs"
exec 9>"$cache/.lock"
flock 9
if [ -f "$out/.done" ]; then
    echo "$out/layout"
    exit 0
fi
tmp=$(mktemp -d "$cache/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
L=$tmp/layout

# rootfs_tar OUT PACKAGES CUSTOMIZE [EXCLUDES]: an mmdebstrap extract
# tree as a tar, without the paths EXCLUDES lists (dpkg path-exclude globs)
# (no device nodes: the image's /dev stays empty, as runtimes mount
# their own), CUSTOMIZE run as a hook on it.  Trees are cached apart from
# the layouts (by the package versions and customize.sh), and so are the
# .debs, so an edit of the later layers does not run mmdebstrap again.
#
# mmdebstrap runs with the system's PATH: it filters each package's files
# (path-exclude) through mmtarfilter, a "#!/usr/bin/env python3" script,
# and a python3 found first on a user's PATH (a pyenv shim starts in
# 1.5 s, not 0.15) cost a minute and more for a tree of 70 packages.
rootfs_tar() {
    local tar=$1 pkgs=$2 hook=$3 tkey x excl=()
    set -f # globs for dpkg, not the host's paths
    for x in ${4:-}; do excl+=("--dpkgopt=path-exclude=$x"); done
    set +f
    tkey=$({ echo "$vers $pkgs $hook ${4:-}"; cat "$here/customize.sh"; } | sha256sum | cut -c1-16)
    if [ ! -f "$cache/trees/$hook-$tkey.tar" ]; then
        say "mmdebstrap $suite: $pkgs"
        mkdir -p "$cache/trees"
        PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        mmdebstrap --quiet --mode=root --variant=extract --format=tar \
            --skip=output/dev --include="${pkgs// /,}" "${excl[@]}" \
            --dpkgopt='path-exclude=/usr/share/doc/*' \
            --dpkgopt='path-exclude=/usr/share/man/*' \
            --dpkgopt='path-exclude=/usr/share/info/*' \
            --dpkgopt='path-exclude=/usr/share/locale/*' \
            --dpkgopt='path-exclude=/usr/share/lintian/*' \
            --setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
            --setup-hook="sync-in $cache/debs /var/cache/apt/archives/" \
            --extract-hook="sync-out /var/cache/apt/archives $cache/debs" \
            --extract-hook="$here/customize.sh $hook \"\$1\"" \
            "$suite" "$tmp/tree.tar" >"$tmp/mmdebstrap.log" 2>&1 ||
            { tail -n 20 "$tmp/mmdebstrap.log" >&2; die "mmdebstrap failed"; }
        rm -f "$cache/trees/$hook-"*.tar
        mv "$tmp/tree.tar" "$cache/trees/$hook-$tkey.tar"
    fi
    ln -s "$cache/trees/$hook-$tkey.tar" "$tar"
}

# hand_layer TAG STAGE NAME...: a layer made by GNU tar of the names under
# STAGE exactly in the order given (umoci repack would sort them and
# never write a whiteout before an entry), appended to L:TAG.
hand_layer() {
    local tag=$1 stage=$2
    shift 2
    tar -C "$stage" --numeric-owner --xattrs --xattrs-include='*' \
        --no-recursion -cf "$tmp/hand.tar" "$@"
    umoci raw add-layer --image "$L:$tag" "$tmp/hand.tar"
}

umoci init --layout "$L"

# --- py ----------------------------------------------------------------
rootfs_tar "$tmp/py.tar" "$pkgs_py" py
umoci new --image "$L:py"
umoci raw add-layer --image "$L:py" "$tmp/py.tar"
umoci unpack --image "$L:py" "$tmp/b" >/dev/null
install -D -m 0755 "$here/show.py" "$tmp/b/rootfs/app/show.py"
install -d -m 0750 -o 1234 -g 1234 "$tmp/b/rootfs/work"
umoci repack --image "$L:py" "$tmp/b"
rm -rf "$tmp/b"
umoci config --image "$L:py" --author "xl-oci tools/realimages" \
    --config.user 1234:1234 --config.workingdir /work \
    --config.entrypoint /usr/bin/python3 --config.entrypoint /app/show.py \
    --config.cmd hello --config.cmd "two words" \
    --config.env PATH=/usr/local/bin:/usr/bin:/bin \
    --config.env "GREETING=hello from py"

# --- web ---------------------------------------------------------------
rootfs_tar "$tmp/web.tar" "$pkgs_web" web
umoci new --image "$L:web"
umoci raw add-layer --image "$L:web" "$tmp/web.tar"
umoci unpack --image "$L:web" "$tmp/b" >/dev/null
r=$tmp/b/rootfs
[ -f "$r/etc/nginx/sites-available/default" ] && [ -d "$r/var/www/html" ] &&
    [ -d "$r/etc/nginx/sites-enabled" ] || die "nginx-light's tree changed: update build.sh"
rm -f "$r/etc/nginx/sites-available/default"
rm -rf "$r/etc/nginx/sites-enabled" "$r/var/www/html"
install -m 0644 "$here/nginx.conf" "$r/etc/nginx/nginx.conf"
install -D -m 0644 "$here/index.html" "$r/srv/www/index.html"
chown 33:33 "$r/var/lib/nginx"
umoci repack --image "$L:web" "$tmp/b"
rm -rf "$tmp/b"
mkdir -p "$tmp/s/var/run/nginx"
chown 33:33 "$tmp/s/var/run/nginx"
hand_layer web "$tmp/s" var/run/nginx
rm -rf "$tmp/s"
umoci config --image "$L:web" --author "xl-oci tools/realimages" \
    --config.user www-data --config.stopsignal SIGQUIT \
    --config.exposedports 8080/tcp \
    --config.entrypoint /usr/sbin/nginx --config.entrypoint -e \
    --config.entrypoint stderr \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# --- kinds -------------------------------------------------------------
rootfs_tar "$tmp/kinds.tar" "$pkgs_kinds" kinds
umoci new --image "$L:kinds"
umoci raw add-layer --image "$L:kinds" "$tmp/kinds.tar"
s=$tmp/s
mkdir -p "$s/data/opq-before" "$s/data/opq-after" "$s/etc/alt" "$s/var/run/kinds"
: > "$s/data/.wh.gone-file"
: > "$s/data/.wh.gone-dir"
: > "$s/data/.wh.redo"
echo "redone in layer 2" > "$s/data/redo"
echo "kept: its whiteout follows it in the same layer" > "$s/data/fresh"
: > "$s/data/.wh.fresh"
: > "$s/data/opq-before/.wh..wh..opq"
echo new > "$s/data/opq-before/n1"
echo new > "$s/data/opq-after/n2"
: > "$s/data/opq-after/.wh..wh..opq"
echo "a file where a directory was" > "$s/data/dir-to-file"
echo "written through the absolute symlink /etc/alt" > "$s/etc/alt/through-abs"
echo 1 > "$s/var/run/kinds/pid"
echo "one inode, two names" > "$s/data/l2-hard-x"
ln "$s/data/l2-hard-x" "$s/data/l2-hard-y"
ln -s /bin/busybox "$s/data/abs-link"
hand_layer kinds "$s" \
    data/.wh.gone-file data/.wh.gone-dir data/.wh.redo data/redo \
    data/fresh data/.wh.fresh \
    data/opq-before data/opq-before/.wh..wh..opq data/opq-before/n1 \
    data/opq-after/n2 data/opq-after/.wh..wh..opq \
    data/dir-to-file etc/alt/through-abs var/run/kinds/pid \
    data/l2-hard-x data/l2-hard-y data/abs-link
# A layer whose only entry is a hardlink to a file of the first layer:
# GNU tar writes hard-c as a link to hard-a, then hard-a is deleted from
# the archive, leaving the link to a name in the layer below.
rm -rf "$s" && mkdir -p "$s/data"
echo "lower" > "$s/data/hard-a"
ln "$s/data/hard-a" "$s/data/hard-c"
tar -C "$s" --numeric-owner --no-recursion -cf "$tmp/hand.tar" \
    data/hard-a data/hard-c
tar --delete -f "$tmp/hand.tar" data/hard-a
umoci raw add-layer --image "$L:kinds" "$tmp/hand.tar"
rm -rf "$s"
# Capabilities, a user.* xattr and a setuid file, through umoci repack.
umoci unpack --image "$L:kinds" "$tmp/b" >/dev/null
r=$tmp/b/rootfs
cp "$r/bin/busybox" "$r/data/caps"
setcap cap_net_bind_service,cap_net_raw+ep "$r/data/caps"
setfattr -n user.xl-oci -v kinds "$r/data/keep"
install -m 4755 -o 4321 -g 4321 /dev/null "$r/data/setuid"
umoci repack --image "$L:kinds" "$tmp/b"
rm -rf "$tmp/b"
umoci config --image "$L:kinds" --author "xl-oci tools/realimages" \
    --config.user kinds --config.workingdir /data \
    --config.entrypoint /bin/sh --config.entrypoint -c \
    --config.cmd 'id; ls -ln /data' \
    --config.env PATH=/usr/bin:/bin

# --- redis -------------------------------------------------------------
rootfs_tar "$tmp/redis.tar" "$pkgs_redis" redis
umoci new --image "$L:redis"
umoci raw add-layer --image "$L:redis" "$tmp/redis.tar"
umoci unpack --image "$L:redis" "$tmp/b" >/dev/null
r=$tmp/b/rootfs
[ -f "$r/etc/redis/redis.conf" ] && [ -x "$r/usr/bin/redis-server" ] ||
    die "redis-server's tree changed: update build.sh"
install -m 0640 -o 999 -g 999 "$here/redis.conf" "$r/etc/redis/redis.conf"
install -D -m 0755 "$here/redis-entrypoint.sh" "$r/usr/local/bin/docker-entrypoint.sh"
install -d -m 0755 -o 999 -g 999 "$r/data"
umoci repack --image "$L:redis" "$tmp/b"
rm -rf "$tmp/b"
umoci config --image "$L:redis" --author "xl-oci tools/realimages" \
    --config.workingdir /data --config.volume /data \
    --config.stopsignal SIGTERM --config.exposedports 6379/tcp \
    --config.entrypoint docker-entrypoint.sh --config.cmd redis-server \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# --- postgres ----------------------------------------------------------
rootfs_tar "$tmp/postgres.tar" "$pkgs_postgres" postgres "$excl_postgres"
umoci new --image "$L:postgres"
umoci raw add-layer --image "$L:postgres" "$tmp/postgres.tar"
umoci unpack --image "$L:postgres" "$tmp/b" >/dev/null
r=$tmp/b/rootfs
sample=$r/usr/share/postgresql/15/postgresql.conf.sample
[ -f "$sample" ] && [ -x "$r/usr/lib/postgresql/15/bin/initdb" ] &&
    [ -d "$r/usr/lib/locale/C.utf8" ] || die "postgresql-15's tree changed: update build.sh"
# As the official image: initdb's postgresql.conf listens on every address.
sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$sample"
grep -q "^listen_addresses = '\*'" "$sample" || die "listen_addresses not in $sample"
install -D -m 0755 "$here/postgres-entrypoint.sh" "$r/usr/local/bin/docker-entrypoint.sh"
# PGDATA as the official image leaves it (the entrypoint makes it 0700).
install -d -m 1777 -o 999 -g 999 "$r/var/lib/postgresql/data"
install -d -m 3777 -o 999 -g 999 "$r/run/postgresql"
umoci repack --image "$L:postgres" "$tmp/b"
rm -rf "$tmp/b"
umoci config --image "$L:postgres" --author "xl-oci tools/realimages" \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/15/bin \
    --config.env PG_MAJOR=15 --config.env LANG=C.UTF-8 \
    --config.env PGDATA=/var/lib/postgresql/data \
    --config.volume /var/lib/postgresql/data \
    --config.stopsignal SIGINT --config.exposedports 5432/tcp \
    --config.entrypoint docker-entrypoint.sh --config.cmd postgres

umoci gc --layout "$L"
printf '%s\n' "$vers" > "$tmp/packages"
# Layouts of older keys are stale: remove them (the trees and .debs stay).
find "$cache" -mindepth 1 -maxdepth 1 -name '????????????????' -type d \
    -exec rm -rf {} +
mv "$tmp" "$out"
trap - EXIT
touch "$out/.done"
say "built $out/layout (py, web, kinds, redis, postgres)"
echo "$out/layout"
