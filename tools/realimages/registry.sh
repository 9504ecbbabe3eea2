#!/bin/bash
# registry.sh: a throwaway local registry (Debian's docker-registry) for
# the real images, used by tier 65, tools/bench.sh and the demo.
#
# usage: registry.sh start DIR     starts one on 127.0.0.1 (a free port),
#                                  storage under DIR/data; prints HOST:PORT
# usage: registry.sh push DIR LAYOUT NAME...
#                                  copies LAYOUT:NAME to HOST:PORT/NAME:1
#                                  with skopeo (plain HTTP)
# usage: registry.sh stop DIR      stops it (the pid in DIR/pid)
set -euo pipefail

die() { echo "registry: $*" >&2; exit 1; }

cmd=${1:-}
dir=${2:-}
[ -n "$dir" ] || die "usage: registry.sh start|push|stop DIR ..."

case $cmd in
start)
    command -v docker-registry >/dev/null || die "docker-registry is not installed"
    mkdir -p "$dir/data"
    . "$(dirname "$0")/../lib/listen.sh"
    for _ in 1 2 3 4 5 6 7 8; do
        port=$(shuf -i 20000-60000 -n 1)
        port_free "$port" || continue
        printf 'version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s}\n  delete: {enabled: true}\nhttp:\n  addr: 127.0.0.1:%s\n  secret: xl-oci-realimages\n' \
            "$dir/data" "$port" > "$dir/config.yml"
        setsid docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 < /dev/null &
        pid=$!
        echo "$pid" > "$dir/pid"
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            if curl -s -o /dev/null "http://127.0.0.1:$port/v2/" &&
               port_listened_by "$port" "$pid"; then
                echo "127.0.0.1:$port" > "$dir/address"
                echo "127.0.0.1:$port"
                exit 0
            fi
            sleep 0.1
        done
        kill "$pid" 2>/dev/null || true
    done
    die "docker-registry did not start (see $dir/log)"
    ;;
push)
    layout=$3
    shift 3
    addr=$(cat "$dir/address")
    for name in "$@"; do
        skopeo copy -q --dest-tls-verify=false "oci:$layout:$name" \
            "docker://$addr/$name:1" ||
            die "skopeo copy of $name to $addr failed"
    done
    ;;
stop)
    if [ -f "$dir/pid" ]; then
        kill "$(cat "$dir/pid")" 2>/dev/null || true
        rm -f "$dir/pid"
    fi
    ;;
*) die "unknown command $cmd" ;;
esac
