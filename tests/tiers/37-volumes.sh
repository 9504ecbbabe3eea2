#!/bin/bash
# Tier 37: managed volumes on the host (image/volstore.h, `xl-oci volume`):
# every command and each error the seeds' storage API names (collision,
# unknown parent, parent not usable, unknown name, in use naming the
# users, parent naming its children, label keys in annotate); children
# of raw and qcow2 parents see the parent's data and do not change it;
# resize; import/export round trip with the sha256 recorded and checked;
# eight concurrent creates of one name, of which exactly one wins.
#
# Files inside ext4 images are written and read with debugfs, qcow2 data
# with qemu-io and qemu-img convert: no mounts, no Xen.  Installs
# qemu-utils and xfsprogs when missing (as root).
set -u
top=$(pwd)
X=$top/build/xl-oci
TIER=volumes
. "$top/tests/tiers/lib.sh"
[ "$(id -u)" = 0 ] && tier_need qemu-utils xfsprogs e2fsprogs jq
T=$(mktemp -d /tmp/xl-oci-volumes.XXXXXX)
trap 'rm -rf "$T"' EXIT
export XL_OCI_ROOT=$T/root
V=$T/root/storage/volumes

# vol ARGS...: xl-oci volume ARGS, quietly.
vol() { "$X" volume "$@" >"$T/vout" 2>&1; }
# ext4_cat IMAGE PATH: a file's bytes from an ext4 image.
ext4_cat() { debugfs -R "cat $2" "$1" 2>/dev/null; }
ext4_put() { # IMAGE PATH TEXT
    debugfs -w -R "rm $2" "$1" >/dev/null 2>&1
    printf '%s' "$3" >"$T/put" && debugfs -w -R "write $T/put $2" "$1" >/dev/null 2>&1
}
sum() { sha256sum "$1" | cut -c1-64; }

# --- create, ls, inspect -------------------------------------------------
check "create a raw ext4 volume with labels" \
    "$X" volume create --size 64M --fs ext4 --label team=db --label tier=1 base
fails_with "create: a name taken is a collision" 'volume "base" exists' \
    "$X" volume create --size 1M base
fails_with "create: unknown parent" 'unknown parent: no volume named "nope"' \
    "$X" volume create --from nope k
fails_with "create: a bad name" "must begin with a letter or digit" \
    "$X" volume create --size 1M .x
fails_with "create: tmpfs is app.cfg's" 'reserved' \
    "$X" volume create --size 1M tmpfs
fails_with "create: a bad size" 'unit "X" is not K, M, G or T' \
    "$X" volume create --size 1X a
# A fraction as qemu-img and Docker take one ("1.5G"), when it makes
# whole bytes; the error names the option (it said 'unit ".5G"').
fails_with "create: a fraction of no whole bytes, the option named" '--size: size "1.1K" is not a whole number of bytes' \
    "$X" volume create --size 1.1K a
check "create: a size with a fraction (1.5G)" bash -c \
    '"$0" volume create --size 1.5G frac | grep -q "1610612736 bytes" && "$0" volume rm frac >/dev/null' "$X"
fails_with "create: a bad label" 'must begin and end with a letter or digit' \
    "$X" volume create --size 1M --label -a=1 a
fails_with "create: a bad fs" 'is not one of ext4, xfs, none' \
    "$X" volume create --size 1M --fs btrfs a
# mkfs.xfs prints its usage after the error: the error is quoted, not the
# usage's tail.
fails_with "create: xfs too small says mkfs.xfs's reason, not its usage" \
    'mkfs.xfs failed (exit status 1): size ' \
    "$X" volume create --size 1M --fs xfs a
[ ! -e "$V/a" ] && [ -z "$(ls -A "$V" | grep "^\.new-")" ] && ok "refused creates leave nothing" ||
    nok "refused creates leave nothing"
check "create a qcow2 blank volume" "$X" volume create --size 32M --format qcow2 q
check "create an xfs volume" "$X" volume create --size 320M --fs xfs x
[ "$(head -c4 "$V/x/data.raw")" = XFSB ] && ok "xfs is formatted" || nok "xfs is formatted"
"$X" volume ls >"$T/ls"
grep -qE '^base +raw +67108864 ext4 +- +-$' "$T/ls" && ok "ls: a row per volume" ||
    { nok "ls: a row per volume"; cat "$T/ls"; }
"$X" volume ls --json | jq -e 'length == 3 and (map(.name) == ["base","q","x"])' >/dev/null &&
    ok "ls --json" || nok "ls --json"
"$X" volume inspect --json base | jq -e '.labels == {"team":"db","tier":"1"} and
    .fs == "ext4" and .format == "raw" and .size == 67108864 and
    (.path | endswith("/base/data.raw"))' >/dev/null && ok "inspect --json" || nok "inspect --json"
"$X" volume inspect base | grep -qx '  team=db' && ok "inspect text" || nok "inspect text"
# Every label in the value column, an empty map's "-" too.
"$X" volume inspect q | grep -qx 'annotations: -' && "$X" volume inspect q | grep -qx 'labels:      -' &&
    ok "inspect text: labels and annotations in the value column" ||
    nok "inspect text: labels and annotations in the value column"
fails_with "create: a name without --size or --from says which is missing" \
    "xl-oci volume create: k needs --size (a blank volume) or --from PARENT" "$X" volume create k
fails_with "inspect: unknown name" 'no volume named "zz"' "$X" volume inspect zz
for c in create ls inspect annotate resize rm import export; do
    "$X" volume $c --help | grep -q "^Usage: xl-oci .* volume $c" ||
        nok "volume $c --help"
done
ok "every volume command has --help"

# --- annotate --------------------------------------------------------------
check "annotate sets" "$X" volume annotate base note=hello owner=me
check "annotate removes" "$X" volume annotate base owner-
"$X" volume inspect --json base | jq -e '.annotations == {"note":"hello"}' >/dev/null &&
    ok "annotations kept" || nok "annotations kept"
fails_with "annotate: a label's key is refused" '"team" is a label' \
    "$X" volume annotate base x=1 team=web
"$X" volume inspect --json base | jq -e '.annotations == {"note":"hello"}' >/dev/null &&
    ok "annotate: all or nothing" || nok "annotate: all or nothing"
fails_with "annotate: unknown name" 'no volume named "zz"' "$X" volume annotate zz a=1

# --- children ---------------------------------------------------------------
ext4_put "$V/base/data.raw" /hello "parent data"
psum=$(sum "$V/base/data.raw")
check "a raw child" "$X" volume create --from base rawkid
grep -qE '^rawkid: (reflink of base|copied base: this file system has no reflink)' \
    "$T/out" && ok "raw child says reflink or copy" || { nok "raw child says reflink or copy"; cat "$T/out"; }
[ "$(ext4_cat "$V/rawkid/data.raw" /hello)" = "parent data" ] &&
    ok "raw child sees the parent's data" || nok "raw child sees the parent's data"
ext4_put "$V/rawkid/data.raw" /hello "child data"
[ "$(ext4_cat "$V/rawkid/data.raw" /hello)" = "child data" ] &&
    [ "$(sum "$V/base/data.raw")" = "$psum" ] &&
    ok "raw child's writes leave the parent unchanged" || nok "raw child's writes leave the parent unchanged"
check "a qcow2 child" "$X" volume create --from base --format qcow2 --size 128M qkid
grep -q 'qcow2 backed by base' "$T/out" && ok "qcow2 child says backed" || nok "qcow2 child says backed"
qemu-img info --output=json "$V/qkid/data.qcow2" | jq -e '."backing-filename" == "../base/data.raw"' \
    >/dev/null && ok "qcow2 child's backing file is relative" || nok "qcow2 child's backing file is relative"
qemu-img convert -f qcow2 -O raw "$V/qkid/data.qcow2" "$T/qkid.raw"
[ "$(ext4_cat "$T/qkid.raw" /hello)" = "parent data" ] &&
    ok "qcow2 child sees the parent's data" || nok "qcow2 child sees the parent's data"
qemu-io -f qcow2 -c 'write -P 0x55 0 1M' "$V/qkid/data.qcow2" >/dev/null
[ "$(sum "$V/base/data.raw")" = "$psum" ] &&
    qemu-io -f qcow2 -c 'read -P 0x55 0 1M' "$V/qkid/data.qcow2" | grep -q 'read 1048576' &&
    ok "qcow2 child's writes leave the parent unchanged" || nok "qcow2 child's writes leave the parent unchanged"
fails_with "create: smaller than the parent" "smaller than parent" \
    "$X" volume create --from base --size 1M small
fails_with "create: another fs than the parent's" "holds its ext4 file system" \
    "$X" volume create --from base --fs xfs other
fails_with "rm: a parent names its children" 'is the parent of qkid, rawkid' \
    "$X" volume rm base
"$X" volume inspect --json base | jq -e '.children == ["qkid","rawkid"]' >/dev/null &&
    ok "inspect lists children" || nok "inspect lists children"

# --- users (as create and destroy record them) --------------------------------
# create and destroy record a container's use; without containers here,
# the commands' errors are checked on records that name users (the
# unit tier checks how users are added and removed).
jq '.users = [{"container":"web","read_only":false},{"container":"db","read_only":false}]' \
    "$V/x/volume.json" >"$T/rec" && cp "$T/rec" "$V/x/volume.json"
fails_with "rm: in use lists the users" 'volume "x" is in use by web, db' "$X" volume rm x
fails_with "resize: in use" 'in use by web, db: cannot resize' "$X" volume resize x 400M
fails_with "export: written by a user" 'cannot export it while it is written' \
    "$X" volume export x "$T/x.img"
jq '.users = [{"container":"web","read_only":false}]' "$V/rawkid/volume.json" >"$T/rec" &&
    cp "$T/rec" "$V/rawkid/volume.json"
fails_with "create: parent not usable while written" 'parent "rawkid" is not usable: container web writes to it' \
    "$X" volume create --from rawkid gk
jq '.users = []' "$V/x/volume.json" >"$T/rec" && cp "$T/rec" "$V/x/volume.json"
jq '.users = []' "$V/rawkid/volume.json" >"$T/rec" && cp "$T/rec" "$V/rawkid/volume.json"

# --- resize -----------------------------------------------------------------
check "resize a raw ext4 volume" "$X" volume resize rawkid 128M
grep -q 'file system grown' "$T/out" && ok "resize grows raw ext4's file system" || nok "resize grows raw ext4's file system"
blocks=$(dumpe2fs -h "$V/rawkid/data.raw" 2>/dev/null | awk -F: '/^Block count/ {print $2+0}')
bsize=$(dumpe2fs -h "$V/rawkid/data.raw" 2>/dev/null | awk -F: '/^Block size/ {print $2+0}')
[ $((blocks * bsize)) = $((128 << 20)) ] && [ "$(stat -c %s "$V/rawkid/data.raw")" = $((128 << 20)) ] &&
    [ "$(ext4_cat "$V/rawkid/data.raw" /hello)" = "child data" ] &&
    ok "resized: disk and file system 128 MiB, data kept" || nok "resized: disk and file system 128 MiB, data kept ($blocks x $bsize)"
check "resize a qcow2 volume" "$X" volume resize q 64M
qemu-img info --output=json "$V/q/data.qcow2" | jq -e '."virtual-size" == 67108864' >/dev/null &&
    ok "qcow2 grown" || nok "qcow2 grown"
fails_with "resize: no shrinking" "it can grow, not shrink" "$X" volume resize q 1M
fails_with "resize: a parent of children" "is the parent of qkid, rawkid" "$X" volume resize base 1G
fails_with "resize: unknown name" 'no volume named "zz"' "$X" volume resize zz 1G
# A file system e2fsck cannot mend: refused before the file grows (the
# file once stayed grown while the record kept the old size, and export
# then called the volume corrupt).
"$X" volume create --size 16M --fs ext4 broken >/dev/null
dd if=/dev/zero of="$V/broken/data.raw" bs=4096 seek=1 count=1 conv=notrunc 2>/dev/null
fails_with "resize: a damaged ext4 is refused, naming e2fsck" \
    "checking the ext4 file system of $V/broken/data.raw: e2fsck failed" "$X" volume resize broken 32M
[ "$(stat -c %s "$V/broken/data.raw")" = 16777216 ] &&
    "$X" volume inspect --json broken | jq -e '.size == 16777216' >/dev/null &&
    ok "resize: the refused volume's file and record keep their size" ||
    nok "resize: the refused volume's file and record keep their size ($(stat -c %s "$V/broken/data.raw"))"
"$X" volume rm broken >/dev/null
# What e2fsck -p mends (exit 1, as for a volume whose domain was destroyed
# while it was mounted: its counts are stale) does not stop the resize.
"$X" volume create --size 16M --fs ext4 stale >/dev/null
debugfs -w -R "ssv free_blocks_count 12" "$V/stale/data.raw" >/dev/null 2>&1
check "resize: a file system e2fsck -p mends (exit 1) grows" "$X" volume resize stale 32M
"$X" volume inspect --json stale | jq -e '.size == 33554432' >/dev/null &&
    e2fsck -f -n "$V/stale/data.raw" >/dev/null 2>&1 &&
    ok "resize: the mended volume is 32 MiB and clean" || nok "resize: the mended volume is 32 MiB and clean"
"$X" volume rm stale >/dev/null
# resize2fs failing after the file grew, before it wrote the new end
# into the superblock: the file goes back to the size its record says.
mkdir -p "$T/shim" && printf '#!/bin/sh\necho "resize2fs: shim fails" >&2\nexit 1\n' >"$T/shim/resize2fs" &&
    chmod +x "$T/shim/resize2fs"
"$X" volume create --size 16M --fs ext4 rz >/dev/null
fails_with "resize: resize2fs failing is said" "resize2fs: shim fails" \
    env PATH="$T/shim:$PATH" "$X" volume resize rz 32M
[ "$(stat -c %s "$V/rz/data.raw")" = 16777216 ] &&
    "$X" volume inspect --json rz | jq -e '.size == 16777216' >/dev/null &&
    e2fsck -f -n "$V/rz/data.raw" >/dev/null 2>&1 &&
    ok "resize: a failed resize2fs leaves file, record and file system as they were" ||
    nok "resize: a failed resize2fs leaves file, record and file system as they were ($(stat -c %s "$V/rz/data.raw"))"
"$X" volume rm rz >/dev/null

# --- content: a volume filled from a directory (what an anonymous volume
# gets from the image, as Docker copies it) ----------------------------------
mkdir -p "$T/seed/sub" && echo hi >"$T/seed/seed" && ln -s seed "$T/seed/link" &&
    setfattr -n user.a -v 1 "$T/seed/seed" && chown -R 1234:1235 "$T/seed" && chmod 750 "$T/seed"
check "create --content DIR" "$X" volume create --size 32M --fs ext4 --content "$T/seed" filled
img=$V/filled/data.raw
ls_root=$(debugfs -R "ls -l /" "$img" 2>/dev/null)
grep -Eq " 40750 \(2\) +1234 +1235 .* \.$" <<<"$ls_root" && ! grep -q lost+found <<<"$ls_root" &&
    grep -Eq "100644 \(1\) +1234 +1235 +3 .* seed$" <<<"$ls_root" && grep -Eq "120777 .* link$" <<<"$ls_root" &&
    debugfs -R "ea_get /seed user.a" "$img" 2>/dev/null | grep -qF 'user.a (1) = "1"' && e2fsck -fn "$img" >/dev/null 2>&1 &&
    ok "content: files, owners, modes, xattrs; the root is DIR's (1234:1235 0750), no lost+found; clean" ||
    { sed 's/^/# /' <<<"$ls_root"; nok "content: files, owners, modes, xattrs; the root is DIR's (1234:1235 0750), no lost+found; clean"; }
fails_with "content: only a raw ext4 volume" "only a raw ext4 volume is filled from a directory" \
    "$X" volume create --size 32M --fs xfs --content "$T/seed" cx
fails_with "content: a missing directory is named" "content directory $T/nope: No such file or directory" \
    "$X" volume create --size 32M --fs ext4 --content "$T/nope" cy
[ ! -e "$V/cx" ] && [ ! -e "$V/cy" ] && ok "content: nothing left of a refused create" || nok "content: nothing left of a refused create"
"$X" volume rm filled >/dev/null

# --- import / export ----------------------------------------------------------
check "export a raw volume" "$X" volume export rawkid "$T/rk.img"
(cd "$T" && sed "s|$T/||" out | sha256sum -c --status) 2>/dev/null ||
    [ "$(cut -c1-64 "$T/out")" = "$(sum "$T/rk.img")" ] &&
    ok "export prints the sha256 of the file" || nok "export prints the sha256 of the file"
"$X" volume inspect --json rawkid | jq -e --arg s "sha256:$(sum "$T/rk.img")" \
    '.checksum == $s and .modified == false' >/dev/null && ok "export records the checksum" || nok "export records the checksum"
fails_with "export: an existing file is not replaced" "exists; export writes a new file" \
    "$X" volume export rawkid "$T/rk.img"
check "import it back, digest checked" "$X" volume import --sha256 "sha256:$(sum "$T/rk.img")" \
    --label from=rk back "$T/rk.img"
"$X" volume inspect --json back | jq -e --arg s "sha256:$(sum "$T/rk.img")" \
    '.checksum == $s and .fs == "ext4" and .size == 134217728 and .labels.from == "rk"' \
    >/dev/null && ok "import records checksum, fs and size" || nok "import records checksum, fs and size"
[ "$(ext4_cat "$V/back/data.raw" /hello)" = "child data" ] && ok "import round trip keeps the data" ||
    nok "import round trip keeps the data"
check "export the import" "$X" volume export back "$T/back.img"
cmp -s "$T/rk.img" "$T/back.img" && ok "round trip: identical bytes" || nok "round trip: identical bytes"
fails_with "import: a wrong digest" "has digest sha256:" \
    "$X" volume import --sha256 sha256:$(printf 0%.0s {1..64}) bad "$T/rk.img"
[ ! -e "$V/bad" ] && ! ls -a "$V" | grep -q '^\.new-' && ok "a refused import leaves nothing" ||
    nok "a refused import leaves nothing"
fails_with "import: a collision" 'volume "back" exists' "$X" volume import back "$T/rk.img"
# The recorded checksum is checked: change the data behind the record.
printf 'X' | dd of="$V/back/data.raw" bs=1 seek=100000 conv=notrunc status=none
fails_with "export: data not matching its checksum" "does not match its recorded checksum" \
    "$X" volume export back "$T/back2.img"
[ ! -e "$T/back2.img" ] && ok "a refused export leaves no file" || nok "a refused export leaves no file"
check "export a qcow2 child, flattened" "$X" volume export qkid "$T/qk.qcow2"
qemu-img info --output=json "$T/qk.qcow2" | jq -e 'has("backing-filename") | not' >/dev/null &&
    ok "the exported child has no backing file" || nok "the exported child has no backing file"
check "import a qcow2" "$X" volume import --format qcow2 --fs ext4 qback "$T/qk.qcow2"
"$X" volume inspect --json qback | jq -e '.size == 134217728 and .format == "qcow2"' >/dev/null &&
    ok "qcow2 import reads the virtual size" || nok "qcow2 import reads the virtual size"
fails_with "import: a qcow2 with a backing file, naming the file given" \
    "$V/qkid/data.qcow2: a qcow2 with a backing file is refused" \
    "$X" volume import --format qcow2 evil "$V/qkid/data.qcow2"
# What the file holds is read, not taken on trust: a qcow2 without
# --format was once a 1 MiB raw disk of qcow2 metadata, and --fs was
# recorded whatever the bytes were.
fails_with "import: a qcow2 without --format qcow2" \
    "$T/qk.qcow2 is a qcow2 image: import it with --format qcow2" "$X" volume import qraw "$T/qk.qcow2"
head -c 4M /dev/urandom >"$T/junk.img"
fails_with "import: --fs ext4 of bytes that are no ext4" \
    "$T/junk.img: --fs ext4, but its superblock says neither ext4 nor xfs" \
    "$X" volume import --fs ext4 junk "$T/junk.img"
fails_with "import: --fs xfs of an ext4 image" "$T/rk.img: --fs xfs, but its superblock says ext4" \
    "$X" volume import --fs xfs wrongfs "$T/rk.img"
[ ! -e "$V/qraw" ] && [ ! -e "$V/junk" ] && [ ! -e "$V/wrongfs" ] &&
    ok "the refused imports left no volume" || nok "the refused imports left no volume"
truncate -s 1000 "$T/odd.img"
fails_with "import: not a disk size" "is not a disk image size" "$X" volume import odd "$T/odd.img"
ln -s "$T/rk.img" "$T/link.img"
fails_with "import: a symlink is not followed" "cannot open" "$X" volume import lnk "$T/link.img"

# What killed imports and exports leave: a work directory in the store
# and a temporary file beside the export's file (of a PID that no longer
# runs); the next create and the next export to that file remove them.
mkdir -p "$V/.new-gone.Aa0000" && head -c 1M /dev/zero >"$V/.new-gone.Aa0000/data.raw"
sleep 0 & deadpid=$!
wait "$deadpid"
head -c 1M /dev/zero >"$T/again.img.xl-oci-$deadpid"
touch -d '-20 minutes' "$T/again.img.xl-oci-$deadpid"
# Kept: a live PID's, and a dead PID's written to a minute ago (an export
# in another PID namespace, or host, whose PID means nothing here).
head -c 1M /dev/zero >"$T/again.img.xl-oci-$$"
touch -d '-20 minutes' "$T/again.img.xl-oci-$$"
head -c 1M /dev/zero >"$T/again.img.xl-oci-$((deadpid + 1000000))"
touch -d '-1 minutes' "$T/again.img.xl-oci-$((deadpid + 1000000))"
check "a create removes a killed import's work directory" bash -c \
    '"$0" volume create --size 1M leftover >/dev/null && [ ! -e "$1/.new-gone.Aa0000" ]' "$X" "$V"
check "an export removes a killed export's temporary file" bash -c \
    '"$0" volume export leftover "$1/again.img" >/dev/null && [ ! -e "$1/again.img.xl-oci-$2" ] && [ -f "$1/again.img" ] &&
     [ -e "$1/again.img.xl-oci-$3" ] && [ -e "$1/again.img.xl-oci-$(($2 + 1000000))" ]' \
    "$X" "$T" "$deadpid" "$$"
# prune removes them too (helper-92: they stayed, as big as the image,
# until the next create), but not while a volume command holds the store's
# lock: then the work directory may be that command's, and prune says so.
mkdir -p "$V/.new-gone.Bb0000" && head -c 1M /dev/urandom >"$V/.new-gone.Bb0000/data.raw"
check "prune leaves the work directories while a volume command holds storage/lock, and says so" bash -c \
    'flock "$1/../lock" "$0" prune 2>&1 | grep -q "the volume store is in use" && [ -e "$1/.new-gone.Bb0000" ]' "$X" "$V"
check "prune removes a killed import's work directory, and counts it" bash -c \
    '"$0" prune | grep -Eqx "removed 0 root volumes and 0 blobs, and 1 leftover of interrupted volume commands, 1\.[0-9] MB freed" &&
     [ ! -e "$1/.new-gone.Bb0000" ]' "$X" "$V"
"$X" volume rm leftover >/dev/null

# --- concurrent creates of one name -----------------------------------------------
for i in 1 2 3 4 5 6 7 8; do
    ("$X" volume create --size 8M --fs ext4 race >"$T/race.$i" 2>&1; echo $? >"$T/race.$i.rc") &
done
wait
wins=$(grep -lx 0 "$T"/race.*.rc | wc -l)
lost=$(grep -l 'volume "race" exists' "$T"/race.? | wc -l)
[ "$wins" = 1 ] && [ "$lost" = 7 ] && ok "8 concurrent creates of one name: one wins, 7 told it exists" ||
    { nok "concurrent creates: $wins won, $lost refused"; cat "$T"/race.?; }
! ls -a "$V" | grep -q '^\.new-' && ok "no work directory left" || nok "no work directory left"

# --- app.cfg: create -N resolves volumes without changing the store -----------------
mkdir -p "$T/rv"
cp "$top/tests/golden/volumes-ro-rw/image-config.json" "$T/rv/"
: >"$T/rv/rootfs.erofs"
"$X" volume create --size 16M blank >/dev/null
cat >"$T/app.cfg" <<CFG
name = "dry"
oci_root = "$T/rv"
oci_volumes = [ "back:/back:ro", "blank:/blank:mkfs", "tmpfs:/t:4m" ]
CFG
cp "$V/blank/volume.json" "$T/blank.before"
XL_OCI_LOADER_DIR=/nonexistent "$X" create -N "$T/app.cfg" >"$T/dry.json" 2>"$T/dry.err"
jq -e --arg v "$V" --arg t "$T" '[.disks[].pdev_path] == ["\($t)/rv/rootfs.erofs",
    "\($v)/back/data.raw", "\($v)/blank/data.raw"]' "$T/dry.json" >/dev/null &&
    ok "create -N: named volumes are their disk images" ||
    { nok "create -N: named volumes are their disk images"; cat "$T/dry.err" "$T/dry.json"; }
cmp -s "$V/blank/volume.json" "$T/blank.before" && [ "$(head -c 1100 "$V/blank/data.raw" | tr -d '\0' | wc -c)" = 0 ] &&
    "$X" volume inspect --json back | jq -e '.users == []' >/dev/null &&
    ok "create -N formats nothing and records no user" || nok "create -N formats nothing and records no user"
sed -i 's|"blank:/blank:mkfs"|"blank:/blank"|' "$T/app.cfg"
fails_with "create -N: a blank volume needs :mkfs" 'volume "blank" has no file system (--fs none): add ":mkfs"' \
    env XL_OCI_LOADER_DIR=/nonexistent "$X" create -N "$T/app.cfg"
"$X" volume rm blank >/dev/null

# --- rm --------------------------------------------------------------------------
check "rm children, then the parent" "$X" volume rm qkid rawkid base
[ "$(tr '\n' ' ' <"$T/out")" = "qkid rawkid base " ] && ok "rm prints each name removed" ||
    nok "rm prints each name removed: $(cat "$T/out")"
fails_with "rm: unknown name" 'no volume named "base"' "$X" volume rm base
"$X" volume ls --json | jq -e 'map(.name) == ["back","q","qback","race","x"]' >/dev/null &&
    ok "ls after rm" || nok "ls after rm"
# What an rm cut short by an older xl-oci left (the record unlinked, the
# directory not: helper-91): no volume, so ls skips it, and rm of its
# name clears it, after which the name can be created again.  An rm now
# moves the directory away in one rename before it removes anything.
mkdir -p "$V/half"
: >"$V/half/data.img"
check "rm of a directory left without its record clears it" "$X" volume rm half
[ ! -e "$V/half" ] && ok "the half-removed directory is gone" || nok "the half-removed directory is gone"
check "the name can be created again" "$X" volume create --size 8M --fs none half
check "rm moves a volume away whole" "$X" volume rm half
[ -z "$(ls -A "$V" | grep -v '^\.\|^back$\|^q$\|^qback$\|^race$\|^x$')" ] &&
    ok "rm leaves no work directory" || nok "rm leaves: $(ls -A "$V" | tr '\n' ' ')"
exit $status
