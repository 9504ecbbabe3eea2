#!/bin/bash
# Tier 61: OCI bundle rootfs directories to root volumes
# (image/bundle_rootfs.h), through build/tests/xl-oci-bundle: a plain
# directory, an overlay made here as containerd's overlay snapshotter makes
# one (lower layers with a whiteout and an opaque directory, an upper),
# whiteouts overlayfs lists but cannot find (image/bundle_ghosts.h),
# 50 layers mounted by relative lowerdirs as containerd does when the
# options pass a page (keyed, staged over the rootfs mount with ghosts),
# the cache (a second container of the same layers runs no mkfs.erofs,
# counted by a wrapper given as XL_OCI_MKFS_EROFS), a new snapshot at a
# reused path, a non-empty upper, concurrent and killed builds, prune and
# release.  Every image is mounted and compared with its source tree
# (tests/image/treedump.c, treecmp.sh), file times dated after the build
# included.  Needs root (mount).
set -u
top=$(pwd)
fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }
skip() { echo "ok - $1 # SKIP $2"; }
if [ "$(id -u)" != 0 ]; then skip "bundle tier" "needs root"; exit 0; fi
# Tools from Debian's apt, installed once (CI is a fresh Debian 12).
. "$top/tools/lib/apt.sh"
mapfile -t need < <(apt_missing_commands mkfs.erofs:erofs-utils setfattr:attr)
apt_install "${need[@]}" || { notok "apt-get install ${need[*]}"; exit 1; }
B=$top/build/tests/xl-oci-bundle
DUMP=$top/build/tests/xl-oci-treedump
[ -x "$B" ] && [ -x "$DUMP" ] || { notok "build/tests/xl-oci-bundle and xl-oci-treedump (run make)"; exit 1; }

W=$(mktemp -d /tmp/xl-oci-t61.XXXXXX)
ST=$W/store
cleanup() {
    for m in "$W"/merged* "$W"/mc1 "$W"/mc2 "$W"/mbare "$W"/mghost "$W"/mmany* "$W"/mnt "$ST"/tmp/*; do
        mountpoint -q "$m" 2>/dev/null && umount -l "$m"
    done
    rm -rf "$W"
}
trap cleanup EXIT

# mkfs.erofs, counted: one line in $W/mkfs.count per run; BT_SLEEP delays.
cat > "$W/mkfs" <<EOS
#!/bin/sh
echo run >> "$W/mkfs.count"
if [ -n "\${BT_SLEEP:-}" ]; then
    echo \$\$ > "$W/mkfs.pid"; sleep "\$BT_SLEEP" & echo \$! > "$W/sleep.pid"; wait
fi
exec mkfs.erofs "\$@"
EOS
chmod +x "$W/mkfs"
export XL_OCI_MKFS_EROFS=$W/mkfs
runs() { [ -f "$W/mkfs.count" ] && wc -l < "$W/mkfs.count" || echo 0; }

# same_tree DESC VOLUME TREE [DROP...]: the volume's rootfs.erofs mounted
# holds what TREE holds (DROP: mount points the build added).
same_tree() {
    local d=$1 vol=$2 tree=$3; shift 3
    mkdir -p "$W/mnt"
    if ! mount -t erofs -o ro,loop "$vol/rootfs.erofs" "$W/mnt" 2>"$W/err"; then
        sed 's/^/# /' "$W/err"; notok "$d (mount)"; return; fi
    "$DUMP" "$W/mnt" > "$W/ours"; umount "$W/mnt"
    "$DUMP" "$tree" > "$W/ref" 2>/dev/null # ghosts: said on stderr
    for m in "$@"; do sed -i "\|^\./$m	type=d	mode=0755	owner=0:0$|d" "$W/ours"; done
    if tests/image/treecmp.sh "$W/ref" "$W/ours" source erofs > "$W/diff"; then
        ok "$d ($(wc -l < "$W/ref") entries identical)"
    else sed 's/^/#   /' "$W/diff" | head -30; notok "$d"; fi
}

# A small tree with what images hold: modes, owners, links, xattrs.
mklayer() {
    local l=$1 tag=$2
    mkdir -p "$l"/{etc,bin,var/lib/app,proc,sys,dev}
    echo "root:x:0:0:root:/root:/bin/sh" > "$l/etc/passwd"
    echo "root:x:0:" > "$l/etc/group"
    echo "$tag" > "$l/etc/version"
    head -c 300000 /dev/urandom > "$l/bin/big"
    printf '#!/bin/sh\necho %s\n' "$tag" > "$l/bin/tool"; chmod 4755 "$l/bin/tool"
    ln -s tool "$l/bin/alias"; ln "$l/bin/tool" "$l/bin/hard"
    echo data > "$l/var/lib/app/state"; chown 33:33 "$l/var/lib/app/state"
    setfattr -n user.tag -v "$tag" "$l/etc/version" 2>/dev/null
    touch -d '2020-01-02 03:04:05' "$l/etc/version"
    # Dated after the build: kept as it is (a pull keeps it too).
    echo later > "$l/etc/future" && touch -d '2100-01-02 03:04:05' "$l/etc/future"
}

# 1. A plain directory: built each time, never cached.
mklayer "$W/plain" plain
out=$("$B" --root "$ST" volume "$W/plain" 2>"$W/err")
set -- $out
if [ "${3:-}" = directory ] && [ "${2:-}" = built ]; then ok "plain directory: built"; else cat "$W/err"; notok "plain directory: built ($out)"; fi
same_tree "plain directory: the image holds the tree" "$1" "$W/plain"
pdir=$1
out2=$("$B" --root "$ST" volume "$W/plain")
[ "$(runs)" = 2 ] && [ "${out2%% *}" != "$pdir" ] && ok "plain directory: a second create builds its own volume" ||
    notok "plain directory: a second create builds its own volume (runs $(runs), $out2)"
"$B" --root "$ST" release "$pdir" && [ ! -e "$pdir" ] && ok "release removes an uncached volume" ||
    notok "release removes an uncached volume"
"$B" --root "$ST" release /etc 2>"$W/err" && notok "release refuses a directory outside the store" ||
    { grep -q "not a volume of the store" "$W/err" && ok "release refuses a directory outside the store" ||
      { cat "$W/err"; notok "release refuses a directory outside the store (message)"; }; }

# 2. An overlay as containerd's snapshotter mounts it: two committed
# layers (the top one deletes a file and makes a directory opaque) and an
# empty upper.
mklayer "$W/l1" one
mkdir -p "$W/l1/opt/old" && echo gone > "$W/l1/opt/old/x" && echo del > "$W/l1/etc/remove-me"
mkdir -p "$W/l2/etc" "$W/l2/opt/old"
echo two > "$W/l2/etc/version"
mknod "$W/l2/etc/remove-me" c 0 0
setfattr -n trusted.overlay.opaque -v y "$W/l2/opt/old"
echo new > "$W/l2/opt/old/y"
mount_ovl() { # NAME LOWERS: overlay at $W/NAME with upper $W/NAME.up
    mkdir -p "$W/$1" "$W/$1.up" "$W/$1.work"
    mount -t overlay overlay -o "lowerdir=$2,upperdir=$W/$1.up,workdir=$W/$1.work" "$W/$1"
}
mount_ovl merged "$W/l2:$W/l1"
before=$(runs)
out=$("$B" --root "$ST" volume "$W/merged" 2>"$W/err"); set -- $out
[ "${2:-}" = built ] && [ "${3:-}" = overlay ] && [ "$(runs)" = $((before + 1)) ] &&
    ok "overlay: built once" || { cat "$W/err"; notok "overlay: built once ($out)"; }
ovol=$1
same_tree "overlay: the image holds the merged tree (whiteout, opaque dir)" "$ovol" "$W/merged"
[ ! -e "$W/mnt/etc/remove-me" ] || notok "overlay: whiteout applied"
grep -q '"cached": true' "$ovol/bundle.json" && grep -q "$W/l2" "$ovol/bundle.json" &&
    ok "overlay: the record names the layers" || notok "overlay: the record names the layers"
out=$("$B" --root "$ST" volume "$W/merged"); set -- $out
[ "${2:-}" = hit ] && [ "$1" = "$ovol" ] && [ "$(runs)" = $((before + 1)) ] &&
    ok "overlay: a second container hits the cache, no mkfs.erofs run" ||
    notok "overlay: a second container hits the cache ($out, runs $(runs))"
# Another container's overlay of the same layers: the same volume.
mount_ovl merged2 "$W/l2:$W/l1"
out=$("$B" --root "$ST" volume "$W/merged2"); set -- $out
[ "${2:-}" = hit ] && [ "$1" = "$ovol" ] && ok "overlay: another mount of the same layers hits" ||
    notok "overlay: another mount of the same layers hits ($out)"
"$B" --root "$ST" release "$ovol" && [ -d "$ovol" ] && ok "release keeps a cached volume" ||
    notok "release keeps a cached volume"

# 2b. Whiteouts in directories no lower layer merges with (a layer's new
# directory, one over a lower symlink, the bottom layer): overlayfs lists
# them but finds nothing there; containerd writes them for a layer's
# ".wh.NAME" whatever is below.  mkfs.erofs failed on them.
mkdir -p "$W/g1/d" "$W/g1/etc" "$W/g2/d" "$W/g2/new/sub"
mknod "$W/g1/etc/.gone" c 0 0            # the bottom layer's own
ln -s nowhere "$W/g1/over-link"
mkdir -p "$W/g2/over-link" && echo kept > "$W/g2/over-link/f" && mknod "$W/g2/over-link/x" c 0 0
mknod "$W/g2/new/sub/y" c 0 0 && echo n > "$W/g2/new/sub/z"
chown 7:8 "$W/g2/new" && chmod 0750 "$W/g2/new" && setfattr -n user.k -v v "$W/g2/new"
touch -d '2021-03-04 05:06:07' "$W/g2/new"
mount_ovl mghost "$W/g2:$W/g1"
out=$("$B" --root "$ST" volume "$W/mghost" 2>"$W/err"); set -- $out
[ "${2:-}" = built ] && [ "${3:-}" = overlay ] && ok "overlay listing whiteouts it cannot find: built" ||
    { sed 's/^/# /' "$W/err"; notok "overlay listing whiteouts it cannot find: built ($out)"; }
[ -n "${1:-}" ] && same_tree "overlay listing whiteouts it cannot find: the image holds the tree without them" \
    "$1" "$W/mghost" proc sys dev
[ -n "${1:-}" ] && mount -t erofs -o ro,loop "$1/rootfs.erofs" "$W/mnt" && {
    [ "$(stat -c %a.%u.%g.%Y "$W/mnt/new")" = "750.7.8.$(stat -c %Y "$W/g2/new")" ] &&
        ! ls -A "$W/mnt/new/sub" "$W/mnt/etc" "$W/mnt/over-link" | grep -qx 'y\|.gone\|x' &&
        ok "the directories keep their mode, owner and times; the names are gone" ||
        notok "the directories keep their attributes, the names are gone ($(stat -c %a.%u.%g.%Y "$W/mnt/new"))"
    umount "$W/mnt"; }
# The same with files in the upper (a container started again): its own
# volume, from the upper and lowers stacked.
echo mine > "$W/mghost/new/sub/own"
out=$("$B" --root "$ST" volume "$W/mghost" 2>"$W/err"); set -- $out
[ "${2:-}" = built ] && [ "${3:-}" = overlay-upper ] &&
    same_tree "overlay-upper listing whiteouts it cannot find: the image holds the tree without them" \
        "$1" "$W/mghost" proc sys dev ||
    { sed 's/^/# /' "$W/err"; notok "overlay-upper listing whiteouts it cannot find: built ($out)"; }
umount "$W/mghost"

# 2c. Many layers, as containerd 1.6 mounts them when the options pass a
# page: from the snapshots directory, lowerdir relative ("50/fs:49/fs:...",
# mount_linux.go compactLowerdirOption), upper and work absolute.  Keyed
# by the absolute layers (a second container hits), and the staging
# overlay (mount points, ghosts) of a chain too long for a page stacks
# the rootfs mount, whose ghosts the staging layer whites out.
sn=$W/snapshots-$(printf 's%.0s' $(seq 100))
for i in $(seq 1 50); do
    l=$sn/$i/fs; mkdir -p "$l/l"; echo "$i" > "$l/l/$i"
    [ $((i % 10)) = 5 ] && mkdir -p "$l/g$i" && mknod "$l/g$i/never" c 0 0 && echo k > "$l/g$i/kept"
done
mknod "$sn/1/fs/l/.bottom" c 0 0   # the bottom layer's own whiteout
mkdir -p "$sn/1/fs/etc" "$sn/51/fs" "$sn/51/work" "$sn/52/fs" "$sn/52/work" "$W/mmany" "$W/mmany2"
rel=$(seq 50 -1 1 | sed 's|$|/fs|' | paste -sd:)
(cd "$sn" && mount -t overlay overlay -o "lowerdir=$rel,upperdir=$sn/51/fs,workdir=$sn/51/work" "$W/mmany") &&
    (cd "$sn" && mount -t overlay overlay -o "lowerdir=$rel,upperdir=$sn/52/fs,workdir=$sn/52/work" "$W/mmany2") &&
    grep -q " $W/mmany .*lowerdir=50/fs:49" /proc/self/mountinfo ||
    notok "50 layers mounted by relative lowerdirs"
before=$(runs)
out=$("$B" --root "$ST" volume "$W/mmany" 2>"$W/err"); set -- $out
[ "${2:-}" = built ] && [ "${3:-}" = overlay ] && grep -q "\"$sn/50/fs\"" "$1/bundle.json" &&
    ok "50 layers by relative lowerdirs: keyed by the absolute layers" ||
    { sed 's/^/# /' "$W/err"; notok "50 layers by relative lowerdirs: keyed ($out)"; }
[ -n "${1:-}" ] && same_tree "50 layers with ghosts, staged over the rootfs mount: the image holds the tree without them" \
    "$1" "$W/mmany" proc sys dev
mvol=${1:-}
out=$("$B" --root "$ST" volume "$W/mmany2" 2>"$W/err"); set -- $out
[ "${2:-}" = hit ] && [ "$1" = "$mvol" ] && [ "$(runs)" = $((before + 1)) ] &&
    ok "50 layers: a second container of the same image hits, no mkfs.erofs run" ||
    { sed 's/^/# /' "$W/err"; notok "50 layers: a second container hits ($out, runs $((before - $(runs))))"; }
umount "$W/mmany2"
[ -n "$mvol" ] && "$B" --root "$ST" release "$mvol"
# The same layers from another directory under other names: nothing
# says which directories they are, so not keyed, built as a directory,
# and its ghosts are still found (it is an overlay).
umount "$W/mmany"
mkdir -p "$W/other"
for i in 50 45 1; do mv "$sn/$i/fs" "$W/other/L$i"; done
(cd "$W/other" && mount -t overlay overlay -o "lowerdir=L50:L45:L1,upperdir=$sn/51/fs,workdir=$sn/51/work" "$W/mmany") ||
    notok "an overlay of relative lowerdirs not laid out as containerd's"
out=$("$B" --root "$ST" volume "$W/mmany" 2>"$W/err"); set -- $out
[ "${2:-}" = built ] && [ "${3:-}" = directory ] &&
    same_tree "relative lowerdirs not containerd's: built as a directory, without its ghosts" "$1" "$W/mmany" proc sys dev ||
    { sed 's/^/# /' "$W/err"; notok "relative lowerdirs not containerd's: built ($out)"; }
umount "$W/mmany"

# 3. A non-empty upper: the container's own files go into its own image.
echo mine > "$W/merged2/etc/container-file"
out=$("$B" --root "$ST" volume "$W/merged2"); set -- $out
[ "${2:-}" = built ] && [ "${3:-}" = overlay-upper ] && [ "$1" != "$ovol" ] &&
    ok "overlay with files in the upper: its own volume" || notok "overlay with files in the upper ($out)"
same_tree "overlay with files in the upper: the image holds them" "$1" "$W/merged2"
umount "$W/merged2"

# 4. A new snapshot at a reused path (containerd's state rebuilt): a miss.
umount "$W/merged"
rm -rf "$W/l1" "$W/merged.up" "$W/merged.work"
mklayer "$W/l1" one-again
mount_ovl merged "$W/l2:$W/l1"
before=$(runs)
out=$("$B" --root "$ST" volume "$W/merged"); set -- $out
[ "${2:-}" = built ] && [ "$1" != "$ovol" ] && [ "$(runs)" = $((before + 1)) ] &&
    ok "overlay: new content at the same layer path misses the cache" ||
    notok "overlay: new content at the same layer path misses the cache ($out)"
same_tree "overlay: the rebuilt image holds the new content" "$1" "$W/merged"
nvol=$1
umount "$W/merged"

# 5. Mount points the tree lacks are added (a read-only overlay on top).
mkdir -p "$W/bare/etc" && echo x > "$W/bare/etc/f" && chmod 0750 "$W/bare"
out=$("$B" --root "$ST" volume "$W/bare" 2>"$W/err"); set -- $out
[ "${2:-}" = built ] && ok "a tree without /proc /sys /dev: built" || { cat "$W/err"; notok "bare tree ($out)"; }
same_tree "a tree without /proc /sys /dev: they are added, the rest identical" "$1" "$W/bare" proc sys dev
mount -t erofs -o ro,loop "$1/rootfs.erofs" "$W/mnt" && {
    [ "$(stat -c %a "$W/mnt")" = 750 ] && [ -d "$W/mnt/proc" ] && ok "the added layer keeps the root's mode" ||
        notok "the added layer keeps the root's mode ($(stat -c %a "$W/mnt"))"
    umount "$W/mnt"; }
# The same for an overlay: the added layer goes on top of its lowers.
mount_ovl mbare "$W/bare"
out=$("$B" --root "$ST" volume "$W/mbare" 2>"$W/err"); set -- $out
[ "${2:-}" = built ] && [ "${3:-}" = overlay ] && ok "an overlay without /proc /sys /dev: built, cached" ||
    { cat "$W/err"; notok "bare overlay ($out)"; }
same_tree "an overlay without /proc /sys /dev: they are added, the rest identical" "$1" "$W/mbare" proc sys dev
umount "$W/mbare"
[ -z "$(ls "$ST/tmp" | grep -v '\.lock$')" ] && ! grep -q " $ST/tmp" /proc/self/mountinfo &&
    ok "builds leave nothing in tmp/ but key locks" || { ls -la "$ST/tmp"; notok "builds leave nothing in tmp/"; }

# 6. Two creates of new layers at once: one build, one volume.
mklayer "$W/c1" conc
mount_ovl mc1 "$W/c1"; mount_ovl mc2 "$W/c1"
before=$(runs)
BT_SLEEP=1 "$B" --root "$ST" volume "$W/mc1" > "$W/o1" 2>&1 &
p1=$!
BT_SLEEP=1 "$B" --root "$ST" volume "$W/mc2" > "$W/o2" 2>&1 &
p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
v1=$(cut -d' ' -f1 "$W/o1"); v2=$(cut -d' ' -f1 "$W/o2")
[ $r1 = 0 ] && [ $r2 = 0 ] && [ "$v1" = "$v2" ] && [ "$(runs)" = $((before + 1)) ] &&
    ok "two concurrent creates of the same layers build once" ||
    { cat "$W/o1" "$W/o2"; notok "two concurrent creates build once (runs $(( $(runs) - before )))"; }
cvol=$v1
umount "$W/mc1" "$W/mc2"

# 7. A build killed in mkfs.erofs leaves no volume; prune clears tmp/.
mkdir -p "$W/k/etc" && echo k > "$W/k/etc/f"   # no /proc: a staging mount too
BT_SLEEP=30 "$B" --root "$ST" volume "$W/k" > "$W/ok" 2>&1 &
kp=$!
for _ in $(seq 50); do grep -q . "$W/mkfs.count" && [ "$(runs)" -gt "$before" ] && break; sleep 0.1; done
sleep 0.3
kill -9 $kp; wait $kp 2>/dev/null
# The wrapper and its sleep outlive the killed tool: end them by their pids.
kill "$(cat "$W/mkfs.pid")" "$(cat "$W/sleep.pid")" 2>/dev/null
nvols=$(ls "$ST/volumes/sha256" | wc -l)
"$B" --root "$ST" prune "$ovol" "$nvol" "$cvol" > "$W/pr" 2>&1 &&
    [ "$(ls "$ST/volumes/sha256" | sort)" = "$(printf '%s\n' "${ovol##*/}" "${nvol##*/}" "${cvol##*/}" | sort)" ] &&
    [ -z "$(ls "$ST/tmp")" ] && ! grep -q " $ST/tmp" /proc/self/mountinfo &&
    ok "prune keeps volumes in use, removes the rest and a killed build's work ($nvols volumes before)" ||
    { cat "$W/pr"; ls "$ST/volumes/sha256" "$ST/tmp"; notok "prune after a killed build"; }
"$B" --root "$ST" prune > /dev/null && [ -z "$(ls "$ST/volumes/sha256")" ] &&
    ok "prune with no container left removes every bundle volume" || notok "prune removes unused bundle volumes"

echo "# tier 61: $fails failed"
[ $fails = 0 ]
