#!/bin/bash
# mkprobe-volume.sh: builds the "probe" root volume used by the lab
# scenarios and the demo, from the project's own static probe and Debian's
# busybox-static, with nothing downloaded.
#
# usage: tests/images/mkprobe-volume.sh PROBE_BINARY OUT_DIR [EXTRA_BINARY...]
#   EXTRA_BINARY files (static) are installed in /bin too.
#   OUT_DIR gets rootfs.erofs, image-config.json, passwd and group: a root
#   volume as DESIGN.md describes it (what `xl-oci pull` makes).  It is
#   built in a temporary directory and renamed into place, so a half-built
#   volume is never left under OUT_DIR.
set -euo pipefail

probe=${1:?usage: mkprobe-volume.sh PROBE_BINARY OUT_DIR}
out=${2:?usage: mkprobe-volume.sh PROBE_BINARY OUT_DIR}
busybox=/bin/busybox
[ -x "$busybox" ] && file -L "$busybox" | grep -q "statically linked" ||
    { echo "mkprobe-volume: need busybox-static (apt-get install busybox-static)" >&2; exit 1; }
command -v mkfs.erofs >/dev/null ||
    { echo "mkprobe-volume: need mkfs.erofs (apt-get install erofs-utils)" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$(dirname "$out")/.probe-volume.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/rootfs
mkdir -p "$root"/{bin,etc,tmp,data,srv,proc,sys,dev,run,var/log}
chmod 1777 "$root/tmp"
install -m 0755 "$busybox" "$root/bin/busybox"
install -m 0755 "$probe" "$root/bin/probe"
for extra in "${@:3}"; do
    install -m 0755 "$extra" "$root/bin/$(basename "$extra")"
done
for app in sh cat ls echo sleep id env hostname mount ps kill true false; do
    ln -s busybox "$root/bin/$app"
done
cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:probe app:/srv:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat >"$root/etc/group" <<'GR'
root:x:0:
app:x:1000:
audio:x:29:app
nogroup:x:65534:
GR
echo "probe rootfs built by xl-oci tests" >"$root/etc/probe-release"

mkdir "$tmp/vol"
# -T0 and --all-root keep the image reproducible and root-owned.
mkfs.erofs --quiet -T0 -UCAFEBABE-0000-4000-8000-000000000001 --all-root \
    "$tmp/vol/rootfs.erofs" "$root" >/dev/null
cp "$root/etc/passwd" "$tmp/vol/passwd"
cp "$root/etc/group" "$tmp/vol/group"
cat >"$tmp/vol/image-config.json" <<'JSON'
{
  "architecture": "amd64",
  "os": "linux",
  "config": {
    "Env": ["PATH=/bin", "PROBE_IMAGE=1"],
    "Entrypoint": ["/bin/probe"],
    "Cmd": ["args", "env", "cwd", "ids", "hostname", "exit", "0"],
    "WorkingDir": "/srv",
    "StopSignal": "SIGUSR1",
    "Labels": {"org.opencontainers.image.title": "xl-oci probe"}
  },
  "rootfs": {"type": "layers", "diff_ids": []}
}
JSON
rm -rf "$out"
mv "$tmp/vol" "$out"
