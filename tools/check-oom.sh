#!/bin/bash
# check-oom.sh: one allocation-failure policy (common/alloc.h).  In the
# folders converted to it, a failed allocation calls xo_oom() through the
# xo_x* helpers; a size that comes from outside input is refused with an
# error naming what was too large.  So a new "out of memory" message there
# is a hand-written branch that the policy replaces.  Flagged: a string
# literal holding "out of memory" in the C files of CONVERTED.  Allowed
# only with a comment, on its line or in the comment just above it, that
# says why: "oom kept: REASON" (the policy's own messages and the guest
# init's handler, loader_oom).  Prints FILE:LINE for each and
# exits 1 when there is any.  Run by tier 95.
set -u
cd "$(dirname "$0")/.." || exit 2
CONVERTED=(common domcfg image verifier xl-plugin netback loader)
pats=()
for d in "${CONVERTED[@]}"; do
    pats+=("$d/*.[ch]")
done
git ls-files -- "${pats[@]}" | xargs awk '
    function is_comment(s) {
        return s ~ /^[[:space:]]*(\/\*|\*|\/\/)/ || s ~ /\*\/[[:space:]]*$/
    }
    function commented(i,    k) {
        if (line[i] ~ /oom kept:/)
            return 1
        for (k = i - 1; k > 0 && is_comment(line[k]); k--)
            if (line[k] ~ /oom kept:/)
                return 1
        return 0
    }
    function check(file,    i) {
        for (i = 1; i <= n; i++)
            if (line[i] ~ /"[^"]*out of memory/ && !is_comment(line[i]) &&
                !commented(i)) {
                print "# " file ":" i ": " line[i]
                bad++
            }
    }
    FNR == 1 && NR > 1 { check(prev) ; n = 0 }
    { line[++n] = $0; prev = FILENAME }
    END {
        if (n)
            check(prev)
        if (bad) {
            print "# " bad " hand-written \"out of memory\" branch(es): use"
            print "# common/alloc.h (xo_x*), or refuse an outside size with"
            print "# an error naming it, or say why with \"oom kept: REASON\""
            exit 1
        }
    }'
