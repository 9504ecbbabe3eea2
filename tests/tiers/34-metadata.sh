#!/bin/bash
# Tier 34: a container's metadata, the seeds' task API, on NOHYPER
# containers (this host has no Xen; tier 32's busybox image): read-only
# labels from the image's Labels and app.cfg's oci_labels (the domain's
# keys winning) kept in the state dir at create; writable annotations
# (`xl-oci annotate`: add, replace, remove, label keys refused, the rules
# and bounds, all or nothing, two concurrent writers losing nothing);
# `xl-oci inspect` in text and --json; destroy removing all of it; and
# annotate and inspect under valgrind.
#
# Needs root (runc, mounts); installs runc and busybox-static when missing.
set -u
top=$(pwd)
X=$top/build/xl-oci

if [ "$(id -u)" != 0 ]; then
    echo "ok - metadata # SKIP needs root"
    exit 0
fi
TIER=metadata
. "$top/tests/tiers/lib.sh"
tier_need runc busybox-static jq
tier_nohyper_scratch

# in_text LINE...: each LINE is a whole line of $T/text.
in_text() {
    local l
    for l in "$@"; do
        grep -qxF -- "$l" "$T/text" || { echo "no line: $l"; cat "$T/text"; return 1; }
    done
}
# jqi NAME FILTER: inspect --json NAME satisfies FILTER.
jqi() { "$X" inspect --json "$1" | jq -e "$2" >/dev/null; }

# The image (tier 32's) with Labels.
tree=$T/tree
mkdir -p "$tree"/{bin,etc,srv,proc,sys,dev,tmp}
cp /bin/busybox "$tree/bin/busybox"
for a in sh echo sleep; do ln -s busybox "$tree/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1234:1235::/srv:/bin/sh\n' >"$tree/etc/passwd"
printf 'root:x:0:\napp:x:1235:\n' >"$tree/etc/group"
rv=$T/rv
mkdir -p "$rv"
cp "$tree/etc/passwd" "$tree/etc/group" "$rv/"
mkfs.erofs --quiet "$rv/rootfs.erofs" "$tree" >/dev/null
cat >"$rv/image-config.json" <<'JSON'
{"architecture": "amd64", "os": "linux",
 "config": {"Env": ["PATH=/bin"], "Entrypoint": ["/bin/sh", "-c"],
            "Cmd": ["sleep 600"], "WorkingDir": "/",
            "Labels": {"org.opencontainers.image.title": "probe",
                       "tier": "image", "maintainer": "Tier <t@example.org>"}},
 "rootfs": {"type": "layers", "diff_ids": []}}
JSON
cfg() { # cfg NAME LINES...: writes $T/NAME.cfg
    local n=$1
    shift
    { echo "name = \"$n\""; echo "oci_root = \"$rv\""; printf '%s\n' "$@"; } >"$T/$n.cfg"
}

# --- labels at create -----------------------------------------------------------
cfg m1 'oci_labels = [ "tier=cfg", "example.com/team=web", "empty=" ]' 'oci_user = "app"'
check "create with oci_labels" "$X" create "$T/m1.cfg"
check "labels.json holds the image's and app.cfg's labels, the domain's key winning" \
    jq -e '. == {"org.opencontainers.image.title": "probe", "tier": "cfg",
        "maintainer": "Tier <t@example.org>", "example.com/team": "web", "empty": ""}' \
    "$T/state/domains/m1/labels.json"
check "inspect --json: the same labels, no annotations" \
    jqi m1 '.labels.tier == "cfg" and .labels["org.opencontainers.image.title"] == "probe" and (.labels | length) == 5 and .annotations == {}'
check "the runtime spec carries the labels as annotations" \
    jq -e '.annotations.tier == "cfg" and .annotations["example.com/team"] == "web"' \
    "$T/state/domains/m1/runtime-spec.json"
cfg m2
"$X" create "$T/m2.cfg" >/dev/null 2>&1
check "without oci_labels a container has the image's labels" \
    jqi m2 '.labels == {"org.opencontainers.image.title": "probe", "tier": "image", "maintainer": "Tier <t@example.org>"}'
"$X" destroy m2 >/dev/null 2>&1

# --- what oci_labels refuses, leaving nothing -------------------------------------
for bad in '"a b=1"|"a b": '"' '"' is not allowed' \
    '"-x=1"|must begin and end with a letter or digit' \
    '"x-=1"|must begin and end with a letter or digit' \
    '"novalue"|"novalue" is not KEY=VALUE' \
    '"org.xl-oci.stop-signal=9"|are xl-oci'"'"'s own' \
    '"a=1", "a=2"|key "a" is given twice' \
    '"ctl=a\tb\x01"|control character 0x01'; do
    entry=${bad%%|*} want=${bad#*|}
    cfg e1 "oci_labels = [ $(printf '%b' "$entry") ]"
    fails_with "oci_labels = [ $entry ] is refused naming app.cfg's line" "e1.cfg:3: oci_labels: " \
        "$X" create "$T/e1.cfg"
    grep -qF -- "$want" "$T/out" || { nok "  ... saying: $want"; sed 's/^/# /' "$T/out"; }
    [ ! -e "$T/state/domains/e1" ] || nok "  ... and left a state dir"
done
long=$(head -c 254 /dev/zero | tr '\0' k)
cfg e2 "oci_labels = [ \"$long=1\" ]"
fails_with "a 254-byte key is refused" "is longer than 253 bytes" "$X" create "$T/e2.cfg"
big=$(head -c 3841 /dev/zero | tr '\0' v)
cfg e3 "oci_labels = [ \"k=$big\" ]"
fails_with "a 3841-byte value is refused" "value is 3841 bytes, at most 3840 allowed" "$X" create "$T/e3.cfg"
cfg e4 "oci_labels = [ \"$(head -c 253 /dev/zero | tr '\0' k)=${big%v}\" ]"
check "a 253-byte key with a 3840-byte value is taken" "$X" --root "$T/dry" create -N "$T/e4.cfg"

# --- annotate ------------------------------------------------------------------
check "annotate adds keys" "$X" annotate m1 owner=alice example.com/ticket=T-1
check "annotations.json holds them" jq -e '. == {"owner": "alice", "example.com/ticket": "T-1"}' \
    "$T/state/domains/m1/annotations.json"
check "annotate replaces and removes in one call" "$X" annotate m1 owner=bob example.com/ticket-
check "inspect --json shows the result" jqi m1 '.annotations == {"owner": "bob"}'
check "removing a key that is not there is no error" "$X" annotate m1 nothere-
fails_with "a label key is refused (set)" 'key "tier" is a label' "$X" annotate m1 tier=x
fails_with "a label key is refused (remove)" 'key "maintainer" is a label' "$X" annotate m1 maintainer-
check "and a refused call changes nothing, not even its valid keys" \
    bash -c '"$0" annotate m1 new=1 tier=x; jq -e ". == {\"owner\": \"bob\"}" "$1"' \
    "$X" "$T/state/domains/m1/annotations.json"
fails_with "a key given twice in one call" 'key "a" is given twice' "$X" annotate m1 a=1 a-
fails_with "a bad key" "'!' is not allowed" "$X" annotate m1 'a!b=1'
fails_with "neither KEY=VALUE nor KEY-" "is neither KEY=VALUE nor KEY-" "$X" annotate m1 justakey
fails_with "a control character in a value" "control character 0x1b" "$X" annotate m1 "$(printf 'k=\033[31m')"
fails_with "a value over 3840 bytes" "value is 3841 bytes" "$X" annotate m1 "k=$big"
fails_with "a container that does not exist" "no container domain named nosuch" "$X" annotate nosuch a=1
fails_with "annotate without a change is a usage error" "Usage" "$X" annotate m1
# Bounds: 256 annotations at most, 256 KiB of keys and values.
args=()
for i in $(seq 1 255); do args+=("n$i=x"); done
check "up to 256 annotations (255 more)" "$X" annotate m1 "${args[@]}"
fails_with "the 257th is refused" "257 annotations, at most 256 allowed" "$X" annotate m1 one=more
check "and nothing of that call was kept" jqi m1 '(.annotations | length) == 256 and (.annotations | has("one") | not)'
rm=()
for i in $(seq 1 255); do rm+=("n$i-"); done
"$X" annotate m1 "${rm[@]}" >/dev/null 2>&1
v4k=$(head -c 3800 /dev/zero | tr '\0' v)
args=()
for i in $(seq 1 70); do args+=("big$i=$v4k"); done
fails_with "more than 256 KiB of annotations is refused" "at most 262144 allowed" "$X" annotate m1 "${args[@]}"
check "leaving the annotations as they were" jqi m1 '.annotations == {"owner": "bob"}'
# Two writers at once, 20 annotates each: no key lost.
(for i in $(seq 1 20); do "$X" annotate m1 "a$i=$i" || echo "a$i failed"; done) >"$T/w1" 2>&1 &
p1=$!
(for i in $(seq 1 20); do "$X" annotate m1 "b$i=$i" || echo "b$i failed"; done) >"$T/w2" 2>&1 &
p2=$!
wait $p1 $p2
check "two concurrent loops of 20 annotates: all 40 keys kept" \
    jqi m1 '[range(1;21) | "a\(.)", "b\(.)"] as $k | (.annotations | keys) as $have | all($k[]; . as $x | $have | index($x)) and (.annotations | length) == 41'
check "and neither loop saw an error" bash -c "! [ -s '$T/w1' ] && ! [ -s '$T/w2' ]"

# --- inspect -------------------------------------------------------------------
check "inspect --json: config, process, status, leases, volumes" jqi m1 '
    .name == "m1" and .config.file == "'"$T"'/state/domains/m1/app.cfg"
    and .config.oci_root == "'"$rv"'" and .config.root_volume == "'"$rv"'"
    and .config.process.args == ["/bin/sh", "-c", "sleep 600"]
    and (.config.process.env | index("PATH=/bin")) != null
    and .config.process.uid == 1234 and .config.process.gid == 1235
    and .config.process.cwd == "/" and .config.hostname == "m1"
    and .status.state == "running" and .status.mode == "nohyper" and .status.pid > 1
    and .leases == [] and .volumes == []'
"$X" inspect m1 >"$T/text" 2>&1
check "inspect: text names the container, its command and user" in_text \
    'name:        m1' "args:        /bin/sh -c 'sleep 600'" 'user:        1234:1235 groups 1235'
check "inspect: text lists labels and annotations, one KEY=VALUE a line" in_text \
    'labels:      org.opencontainers.image.title=probe' '             tier=cfg' \
    '             example.com/team=web'
check "inspect: text shows the state and what it has not" in_text \
    'state:       running' 'mode:        nohyper, pid '"$("$X" status --json m1 | jq .pid)" \
    'leases:      -' 'volumes:     -' 'exit code:   -' 'oom killed:  false'
check "inspect: annotations" grep -q '^annotations: [a-z0-9]*=' "$T/text"
"$X" annotate m1 "multi=$(printf 'line1\nline2\tx')" >/dev/null
check "inspect: a newline and tab in a value stay on one line" \
    bash -c "\"\$0\" inspect m1 | grep -qxF '             multi=line1\\nline2\\tx'" "$X"
check "and --json keeps them as they are" jqi m1 '.annotations.multi == "line1\nline2\tx"'
# Leases: NOHYPER containers get none (no oci_network), so a network's
# state is written here in netback's store format (netback/store.c), with
# a lease of m1's and one of another container's; nothing is brought up.
mkdir -p "$T/state/networks/t34"
cat >"$T/state/networks/t34/network.json" <<'JSON'
{"name": "t34", "bridge": "xloci-t34", "subnet": "10.234.0.0/24",
 "gateway": "10.234.0.1", "ipv6": "fd00:234::/64", "gateway6": "fd00:234::1",
 "mode": "nat", "mtu": 1500, "version": 1}
JSON
cat >"$T/state/networks/t34/leases.json" <<'JSON'
{"version": 1, "last": "10.234.0.3", "leases": [
 {"container": "other", "vif_index": 0, "mac": "00:16:3e:00:00:02",
  "ipv4": "10.234.0.2", "static": false},
 {"container": "m1", "vif_index": 1, "mac": "00:16:3e:00:00:03",
  "ipv4": "10.234.0.3", "ipv6": "fd00:234::3", "static": true, "vif": "vif7.1",
  "ports": ["8080:80/tcp", "127.0.0.1:5353:53/udp"]}]}
JSON
check "inspect --json: m1's lease only, with its ports" jqi m1 '.leases == [{"network": "t34",
    "interface": 1, "mac": "00:16:3e:00:00:03", "ipv4": "10.234.0.3", "ipv6": "fd00:234::3",
    "static": true, "vif": "vif7.1", "ports": ["8080:80/tcp", "127.0.0.1:5353:53/udp"]}]'
"$X" inspect m1 >"$T/text" 2>&1
check "inspect: the lease as text" in_text \
    'leases:      t34 eth1 00:16:3e:00:00:03 10.234.0.3 fd00:234::3 vif vif7.1 ports 8080:80/tcp,127.0.0.1:5353:53/udp'
# (kept: the valgrind runs below read it too)
fails_with "inspect of a container that does not exist" "no container domain named nosuch" "$X" inspect nosuch

# --- valgrind --------------------------------------------------------------------
if command -v valgrind >/dev/null; then
    VG=(valgrind -q --error-exitcode=97 --leak-check=full --errors-for-leak-kinds=definite,indirect)
    check "valgrind: annotate" "${VG[@]}" "$X" annotate m1 vg=1 a1- "x=$v4k"
    check "valgrind: annotate refused (label key)" bash -c '"$@"; [ $? = 1 ]' _ "${VG[@]}" "$X" annotate m1 tier=x
    check "valgrind: inspect" "${VG[@]}" "$X" inspect m1
    check "valgrind: inspect --json" "${VG[@]}" "$X" inspect --json m1
else
    ok "valgrind # SKIP not installed"
fi

# --- destroy removes it all --------------------------------------------------------
check "destroy" "$X" destroy m1
check "leaves no state dir (labels, annotations, their lock)" test ! -e "$T/state/domains/m1"
fails_with "inspect after destroy" "no container domain named m1" "$X" inspect m1
fails_with "annotate after destroy" "no container domain named m1" "$X" annotate m1 a=1
check "a new container of the same name starts with no annotations" bash -c \
    '"$0" create "$1" >/dev/null && "$0" inspect --json m1 | jq -e ".annotations == {}" >/dev/null && "$0" destroy m1' \
    "$X" "$T/m1.cfg"
exit $status
