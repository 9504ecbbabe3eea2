#!/bin/bash
# treelist.sh DIR: one line per entry of the tree at DIR -- path, type,
# mode, owner, link count, symlink target, size and sha256 of regular
# files, user.* xattrs -- sorted, for comparing two unpacks of an image.
# Times are left out: umoci and xl-oci both keep them, but directories
# touched by whiteouts legitimately differ.
set -euo pipefail
cd "$1"
find . -mindepth 1 -printf '%p %y %m %U:%G %n %l\n' | sort | while read -r p y m o n l; do
    extra=""
    if [ "$y" = f ]; then
        extra="$(stat -c %s "$p") $(sha256sum < "$p" | cut -c1-16)"
    fi
    x=$(getfattr --absolute-names -d -m '^user\.' "$p" 2>/dev/null | grep -v '^#' | tr '\n' ' ' || true)
    echo "$p $y $m $o $n ${l:+-> $l} $extra $x"
done
