#!/bin/bash
# Tier 65: real images built from Debian packages (tools/realimages/
# build.sh: py, web, kinds, redis, postgres), pushed to a local docker-registry, pulled with
# xl-oci and compared entry by entry with `umoci unpack` of the same image:
# paths, types, modes, owners, symlink targets, hardlinks, sizes, content
# hashes, file times and every xattr (file capabilities included).  Each
# difference is printed as "PATH: FIELD: umoci X, xl-oci Y".  Deliberate
# differences are listed in docs/decisions.md and named below.  Also
# checks what each image's layers mean, independently of umoci, what
# `create -N` makes of each image config, and that two pulls of an image
# give the same bytes, and that each image through containerd's overlay
# snapshotter and the bundle path (xl-oci-runc's) gives the same tree
# (tests/image/bundle-vs-pull.sh).  The two services, redis and postgres, then run
# as users run the official images, as NOHYPER containers on a managed
# network in a network namespace of their own (tests/nohyper/
# real-services.sh).  Needs root (mount, mmdebstrap, runc).  The images are
# cached (first build: a few minutes of apt downloads).
set -u
top=$(pwd)
# tier_sweep only; this tier's own ok/check follow.
TIER=real-images
. "$top/tests/tiers/lib.sh"
fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }
skip() { echo "ok - $1 # SKIP $2"; }
check() { local d=$1; shift; if "$@" >"$W/out" 2>&1; then ok "$d"; else sed 's/^/# /' "$W/out" | head -20; notok "$d"; fi; }

if [ "$(id -u)" != 0 ]; then
    skip "real-image tier" "needs root"
    exit 0
fi

mapfile -t need < <(apt_missing_commands umoci:umoci skopeo:skopeo runc:runc \
    mkfs.erofs:erofs-utils docker-registry:docker-registry curl:curl jq:jq \
    containerd:containerd)
apt_install "${need[@]}" || { notok "apt-get install ${need[*]}"; exit 1; }

XO=$top/build/xl-oci
DUMP=$top/build/tests/xl-oci-treedump
[ -x "$XO" ] && [ -x "$DUMP" ] || { notok "build/xl-oci and build/tests/xl-oci-treedump (run make)"; exit 1; }

W=$(mktemp -d /tmp/xl-oci-t65.XXXXXX)
MNT=$W/mnt
mkdir -p "$MNT"
cleanup() {
    mountpoint -q "$MNT" && umount "$MNT"
    tier_sweep "$W/svc/state/runc" "$W"
    tools/realimages/registry.sh stop "$W/reg" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT

t0=$(date +%s)
if ! L=$(tools/realimages/build.sh 2>"$W/build.log"); then
    sed 's/^/# /' "$W/build.log" | tail -20
    notok "build the real images (tools/realimages/build.sh)"
    exit 1
fi
ok "real images py, web, kinds, redis, postgres in $L ($(( $(date +%s) - t0 )) s)"

if ! HP=$(tools/realimages/registry.sh start "$W/reg" 2>"$W/reg.err") ||
   ! tools/realimages/registry.sh push "$W/reg" "$L" py web kinds redis postgres 2>>"$W/reg.err"; then
    sed 's/^/# /' "$W/reg.err" "$W/reg/log" 2>/dev/null | tail -20
    notok "docker-registry with the real images"
    exit 1
fi
ok "docker-registry on $HP serves py, web, kinds, redis and postgres"

R=$W/root
xo() { "$XO" --root "$R" "$@"; }

# pull NAME: pulls HP/NAME:1 and sets V to its root volume.
pull() {
    local d
    V=
    d=$(xo pull -q --plain-http "docker://$HP/$1:1" 2>"$W/pull.err") ||
        { sed 's/^/# /' "$W/pull.err" | tail -5; return 1; }
    V=$R/volumes/sha256/${d#sha256:}
}

# dump_ours NAME: our tree (the mounted erofs) into $W/NAME.ours.
dump_ours() {
    mount -t erofs -o loop,ro "$V/rootfs.erofs" "$MNT" || return 1
    "$DUMP" "$MNT" > "$W/$1.ours"
    umount "$MNT"
}

# The mount points xl-oci adds when an image lacks them (DESIGN.md: the
# loader needs them on a read-only rootfs), as docs/decisions.md lists.
drop_added_mountpoints() {
    local m
    for m in dev proc sys; do
        grep -q "^\./$m	" "$W/$1.umoci" ||
            sed -i "\|^\./$m	type=d	mode=0755	owner=0:0$|d" "$W/$1.ours"
    done
}

for img in py web kinds redis postgres; do
    t=$(date +%s.%N)
    if ! pull "$img"; then notok "$img: xl-oci pull"; continue; fi
    pt=$(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    rm -rf "$W/u"
    umoci unpack --image "$L:$img" "$W/u" >/dev/null 2>"$W/umoci.err" ||
        { sed 's/^/# /' "$W/umoci.err"; notok "$img: umoci unpack"; continue; }
    "$DUMP" "$W/u/rootfs" > "$W/$img.umoci"
    if ! dump_ours "$img"; then notok "$img: mount the root volume"; continue; fi
    drop_added_mountpoints "$img"
    n=$(wc -l < "$W/$img.umoci")
    if tests/image/treecmp.sh "$W/$img.umoci" "$W/$img.ours" > "$W/$img.diff"; then
        ok "$img: root volume identical to umoci unpack ($n entries; pull ${pt}s)"
    else
        echo "# $(wc -l < "$W/$img.diff") differences from umoci unpack:"
        sed 's/^/#   /' "$W/$img.diff" | head -60
        notok "$img: root volume identical to umoci unpack ($n entries)"
    fi
    cp "$V/volume.json" "$W/$img.volume.json"
    echo "$V" > "$W/$img.vol"
done

# has NAME PATH FIELD...: our tree of NAME has PATH with every FIELD
# (key=value) -- what the layers mean, checked without umoci.
has() {
    local img=$1 p=$2 line f
    shift 2
    line=$(grep -m1 "^$p	" "$W/$img.ours" 2>/dev/null) || { echo "$p missing"; return 1; }
    for f in "$@"; do
        [[ "	$line	" == *"	$f	"* ]] || { echo "$p: want $f in: $line"; return 1; }
    done
}
only_children() {
    local got
    got=$(grep -o "^$2/[^/	]*	" "$W/$1.ours" | tr -d '\t' | tr '\n' ' ')
    [ "$got" = "$3 " ] || { echo "$2 holds: $got, want: $3"; return 1; }
}
if [ -f "$W/kinds.ours" ]; then
    check "kinds: whiteouts remove a file and a directory of a lower layer" \
        sh -c "! grep -q '^\./data/gone-file	' '$W/kinds.ours' && ! grep -q '^\./data/gone-dir' '$W/kinds.ours'"
    check "kinds: a whiteout before a same-layer entry removes only the lower one" \
        has kinds ./data/redo size=18
    check "kinds: a whiteout after a same-layer entry leaves that entry" \
        has kinds ./data/fresh type=f
    check "kinds: opaque whiteout before new entries: only the new ones" \
        only_children kinds ./data/opq-before ./data/opq-before/n1
    check "kinds: opaque whiteout after new entries: only the new ones" \
        only_children kinds ./data/opq-after ./data/opq-after/n2
    check "kinds: a file replaces a lower directory" has kinds ./data/dir-to-file type=f
    check "kinds: a write through an absolute symlink lands inside the rootfs" \
        has kinds ./data/through-abs type=f
    check "kinds: a write under /var/run lands in /run" has kinds ./run/kinds/pid type=f
    check "kinds: absolute symlinks kept as written" has kinds ./var/run type=l target=/run
    check "kinds: hardlink within a layer" has kinds ./data/l2-hard-y hardlink=./data/l2-hard-x
    check "kinds: hardlink to a lower layer's file" has kinds ./data/hard-c hardlink=./data/hard-a
    check "kinds: file capabilities (security.capability)" \
        has kinds ./data/caps xattr.security.capability=0100000200240000000000000000000000000000
    check "kinds: user.* xattr" has kinds ./data/keep xattr.user.xl-oci=6b696e6473
    check "kinds: setuid file owned 4321:4321" has kinds ./data/setuid mode=4755 owner=4321:4321
fi
if [ -f "$W/web.ours" ]; then
    check "web: later layers deleted sites-enabled, /var/www/html and sites-available/default" \
        sh -c "! grep -Eq '^\./(etc/nginx/sites-enabled|var/www/html|etc/nginx/sites-available/default)	' '$W/web.ours'"
    check "web: nginx.conf replaced" \
        has web ./etc/nginx/nginx.conf "sha256=$(sha256sum < tools/realimages/nginx.conf | cut -d' ' -f1)"
    check "web: /var/run/nginx (through the /var/run -> /run symlink) is www-data's" \
        has web ./run/nginx type=d owner=33:33
fi
redis_tree() {
    has redis ./bin/sh type=l target=dash &&
        has redis ./data type=d owner=999:999 &&
        has redis ./etc/redis/redis.conf owner=999:999 \
            "sha256=$(sha256sum < tools/realimages/redis.conf | cut -d' ' -f1)" &&
        grep -q '^redis:x:999:999:' "$(cat "$W/redis.vol")/passwd"
}
postgres_tree() {
    has postgres ./var/lib/postgresql/data type=d mode=1777 owner=999:999 &&
        has postgres ./usr/local/bin/docker-entrypoint.sh mode=0755 \
            "sha256=$(sha256sum < tools/realimages/postgres-entrypoint.sh | cut -d' ' -f1)" &&
        grep -q '^postgres:x:999:999:' "$(cat "$W/postgres.vol")/passwd" &&
        ! grep 'libLLVM\|llvmjit' "$W/postgres.ours"
}
if [ -f "$W/redis.vol" ]; then
    check "redis: /bin/sh is dash, user redis 999:999, /data redis', redis.conf replaced" redis_tree
fi
if [ -f "$W/postgres.vol" ]; then
    check "postgres: user postgres 999:999, PGDATA postgres' (1777), the entrypoint, no JIT" postgres_tree
fi
if [ -f "$W/py.ours" ]; then
    check "py: the standard library is byte-compiled" \
        grep -q '^\./usr/lib/python3.11/__pycache__/os\.cpython-311\.pyc	' "$W/py.ours"
fi

# --- the same images through containerd -------------------------------------
# Each image imported into a containerd of the test's own (private socket,
# root and state; no task, no network), a container's rootfs mounted as
# the runc shim mounts it, made a root volume as xl-oci-runc does, and
# compared with the pulled one (tests/image/bundle-vs-pull.sh, its
# allow-list of what containerd's applier does otherwise); with a few
# random layer stacks that draw ghost whiteouts, hardlink headers and
# whiteouts in missing directories, and an image of 60 layers with ghosts,
# which the shim mounts by relative lowerdirs (too long for a page).
t=$(date +%s)
seeds="random:5 random:6 random:8 random:17 random:19 random:29 random:30 random:37 many:60"
tests/image/bundle-vs-pull.sh "$L:py" "$L:web" "$L:kinds" "$L:redis" "$L:postgres" $seeds \
    >"$W/bvp.out" 2>"$W/bvp.err"
for img in "$L:py" "$L:web" "$L:kinds" "$L:redis" "$L:postgres" $seeds; do
    n=${img#"$L:"}
    if line=$(grep -m1 "^$img: OK" "$W/bvp.out"); then
        ok "$n through containerd and the bundle path: the pulled root volume's tree ${line#*: OK }"
    else
        awk -v i="$img: " 'index($0, i) == 1 { p = 1; next } /^[^ ]/ { p = 0 } p' "$W/bvp.out" |
            head -20 | sed 's/^/# /'
        tail -3 "$W/bvp.err" | sed 's/^/# /'
        notok "$n through containerd and the bundle path: the pulled root volume's tree"
    fi
done
echo "# the same images through containerd: $(( $(date +%s) - t )) s"

# --- image configs through create -N ---------------------------------------
# spec NAME: the runtime spec create -N renders for the image's volume.
spec() {
    [ -f "$W/$1.vol" ] || { echo "# $1: no root volume (the pull failed)"; return 1; }
    mkdir -p "$W/cfg"
    printf 'name = "%s"\nmemory = 128\noci_root = "%s"\n' "$1" "$(cat "$W/$1.vol")" > "$W/cfg/$1.cfg"
    xo create -N "$W/cfg/$1.cfg" --runtime-spec "$W/cfg/$1.json" >/dev/null 2>"$W/cfg/$1.err" ||
        { cat "$W/cfg/$1.err"; return 1; }
}
jqcheck() { # NAME FILTER: the filter over NAME's runtime spec is true
    jq -e "$2" "$W/cfg/$1.json" >/dev/null || { jq -c '.process' "$W/cfg/$1.json"; return 1; }
}
if spec py; then
    check "py config: args, cwd, uid 1234:1234 without a passwd entry, env" \
        jqcheck py '.process.args == ["/usr/bin/python3","/app/show.py","hello","two words"] and .process.cwd == "/work" and .process.user.uid == 1234 and .process.user.gid == 1234 and (.process.env | index("GREETING=hello from py") != null)'
else
    notok "py config: create -N"
fi
if spec web; then
    check "web config: User www-data resolved to 33:33 from the image's passwd" \
        jqcheck web '.process.user.uid == 33 and .process.user.gid == 33 and .process.args == ["/usr/sbin/nginx","-e","stderr"]'
else
    notok "web config: create -N"
fi
if spec kinds; then
    check "kinds config: User kinds resolved to 4321:4321, supplementary group 50 from /etc/group" \
        jqcheck kinds '.process.user.uid == 4321 and .process.user.gid == 4321 and (.process.user.additionalGids // [] | index(50) != null) and .process.cwd == "/data"'
else
    notok "kinds config: create -N"
fi

if spec redis; then
    check "redis config: docker-entrypoint.sh redis-server as root in /data" \
        jqcheck redis '.process.args == ["docker-entrypoint.sh","redis-server"] and .process.cwd == "/data" and .process.user.uid == 0'
else
    notok "redis config: create -N"
fi
if spec postgres; then
    check "postgres config: docker-entrypoint.sh postgres as root, PGDATA, LANG" \
        jqcheck postgres '.process.args == ["docker-entrypoint.sh","postgres"] and .process.user.uid == 0 and (.process.env | index("PGDATA=/var/lib/postgresql/data") != null) and (.process.env | index("LANG=C.UTF-8") != null)'
else
    notok "postgres config: create -N"
fi

# --- pull progress ---------------------------------------------------------
# Byte counts per layer and in total on a terminal (script(1) gives the
# pull one), none in a pipe, nothing at all with -q.
if command -v script >/dev/null; then
    script -qec "'$XO' --root '$W/rootp1' pull --plain-http docker://$HP/web:1" "$W/tty.log" >/dev/null 2>&1
    check "pull progress on a terminal: bytes per layer and in total" \
        sh -c "grep -aq 'layer 1/3 sha256:[0-9a-f]\{12\} .* / ' '$W/tty.log' && grep -aq 'total  *done / .* 100%' '$W/tty.log'"
    script -qec "'$XO' --root '$W/rootp2' pull -q --plain-http docker://$HP/web:1" "$W/ttyq.log" >/dev/null 2>&1
    check "pull -q on a terminal: only the digest" \
        sh -c "! grep -aq 'total\|fetching\|unpacking' '$W/ttyq.log' && grep -aq '^sha256:[0-9a-f]\{64\}' '$W/ttyq.log'"
else
    skip "pull progress on a terminal" "no script(1)"
fi
"$XO" --root "$W/rootp3" pull --plain-http "docker://$HP/web:1" > "$W/pipe.log" 2>&1
check "pull progress in a pipe: event lines, no byte counts" \
    sh -c "grep -q '^unpacking layer 1/3' '$W/pipe.log' && ! grep -q 'total' '$W/pipe.log'"

# --- reproducible root volumes ---------------------------------------------
if [ -f "$W/web.vol" ]; then
    v=$(cat "$W/web.vol")
    (umask 077 && "$XO" --root "$W/root2" pull -q --plain-http "docker://$HP/web:1" >/dev/null 2>&1)
    check "web: a second pull into another root gives byte-identical rootfs.erofs" \
        cmp "$v/rootfs.erofs" "$W/root2/volumes/sha256/$(basename "$v")/rootfs.erofs"
    # The scratch tree: on disk, and on a tmpfs too small for it (the pull
    # says so and unpacks again on disk); same bytes either way.
    XL_OCI_SCRATCH=disk "$XO" --root "$W/root3" pull -q --plain-http "docker://$HP/web:1" >/dev/null 2>&1
    check "web: a pull with its scratch tree on disk gives the same rootfs.erofs" \
        cmp "$v/rootfs.erofs" "$W/root3/volumes/sha256/$(basename "$v")/rootfs.erofs"
    XL_OCI_SCRATCH=tmpfs:200000 "$XO" --root "$W/root4" pull --plain-http "docker://$HP/web:1" >"$W/small.log" 2>&1
    check "web: a scratch tmpfs too small: the pull says so, unpacks on disk, same bytes, nothing mounted or left" \
        sh -c "grep -q 'scratch tmpfs failed (No space left on device): unpacking on disk' '$W/small.log' &&
               cmp '$v/rootfs.erofs' '$W/root4/volumes/sha256/$(basename "$v")/rootfs.erofs' &&
               ! grep -q '$W/root4' /proc/mounts && [ -z \"\$(ls -A '$W/root4/tmp')\" ]"
    check "web: volume.json records the rootfs image's sha256" \
        test "$(jq -r .rootfs_digest "$W/web.volume.json")" = "sha256:$(sha256sum < "$v/rootfs.erofs" | cut -d' ' -f1)"
fi

# --- the services, as NOHYPER containers on a managed network -------------
# In a network namespace of their own (the bridge, nftables and routes are
# never the host's); they run from the root volumes pulled above.
t=$(date +%s)
if [ ! -f "$W/redis.vol" ] || [ ! -f "$W/postgres.vol" ]; then
    notok "redis and postgres as NOHYPER containers (no root volumes: the pulls failed)"
elif ! unshare -n true 2>/dev/null || ! command -v nft >/dev/null ||
     ! [ -x /usr/sbin/dnsmasq ]; then
    skip "redis and postgres as NOHYPER containers" "needs unshare -n, nft and dnsmasq"
else
    mkdir -p "$W/svc"
    chmod o+x "$W" # dnsmasq, as nobody, reads the hosts file below
    top=$top X=$XO T=$W/svc REDIS_VOL=$(cat "$W/redis.vol") \
        PG_VOL=$(cat "$W/postgres.vol") unshare -n tests/nohyper/real-services.sh ||
        fails=$((fails + 1))
    echo "# redis and postgres as NOHYPER containers: $(( $(date +%s) - t )) s"
fi

exit $((fails > 0))
