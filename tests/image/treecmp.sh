#!/bin/bash
# treecmp.sh REF OURS [REFNAME OURNAME]: compares two dumps written by
# xl-oci-treedump (tests/image/treedump.c) and prints one line per
# difference, naming the path and the field:
#   ./etc/x: only in umoci (type=f)
#   ./var/run: type: umoci l, xl-oci d
#   ./data/caps: xattr.security.capability: umoci 0100.., xl-oci (none)
# Exits 0 when the trees are the same, 1 when they differ.
set -euo pipefail
ref=$1 ours=$2 rn=${3:-umoci} on=${4:-xl-oci}
awk -F'\t' -v rn="$rn" -v on="$on" '
    function load(line, arr,   i, n, f, k) {
        delete arr
        n = split(line, f, "\t")
        for (i = 2; i <= n; i++) {
            k = index(f[i], "=")
            arr[substr(f[i], 1, k - 1)] = substr(f[i], k + 1)
        }
    }
    FNR == NR { ref[$1] = $0; order[++nref] = $1; next }
    { ours[$1] = $0; if (!($1 in ref)) extra[++nextra] = $1 }
    END {
        diffs = 0
        for (i = 1; i <= nref; i++) {
            p = order[i]
            load(ref[p], a)
            if (!(p in ours)) { print p ": only in " rn " (type=" a["type"] ")"; diffs++; continue }
            load(ours[p], b)
            for (k in a) if (!(k in b)) { print p ": " k ": " rn " " a[k] ", " on " (none)"; diffs++ }
            for (k in b) {
                if (!(k in a)) { print p ": " k ": " rn " (none), " on " " b[k]; diffs++ }
                else if (a[k] != b[k]) { print p ": " k ": " rn " " a[k] ", " on " " b[k]; diffs++ }
            }
        }
        for (i = 1; i <= nextra; i++) {
            load(ours[extra[i]], b)
            print extra[i] ": only in " on " (type=" b["type"] ")"; diffs++
        }
        exit diffs > 0
    }' "$ref" "$ours"
