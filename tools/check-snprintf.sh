#!/bin/bash
# check-snprintf.sh: no fixed-size buffer is filled by an snprintf() whose
# result nobody checks.  A path, xenstore key or argument cut short names
# something else, so those go through xo_path_fmt() (common/pathfmt.h),
# which fails with ENAMETOOLONG.  Flagged, in the components' C files (not
# tests/):
#   - a call whose result is ignored (a statement of its own);
#   - a call whose result is assigned (n = snprintf(...), len += ...) when
#     no comparison (< or >=) follows by the third line after its statement.
# Either is allowed only with a comment, on its line or in the comment just
# above it, that says why: "may truncate: REASON" (display text, a message)
# or "cannot truncate: REASON" (a number into a buffer sized for it).
# Prints FILE:LINE for each and exits 1 when there is any.  Run by tier 95.
set -u
cd "$(dirname "$0")/.."
git ls-files -- 'xl-plugin/*.[ch]' 'image/*.[ch]' 'domcfg/*.[ch]' \
    'common/*.[ch]' 'netback/*.[ch]' 'hotplug/*.[ch]' 'verifier/*.[ch]' \
    'loader/*.[ch]' | xargs awk '
    function is_comment(s) {
        return s ~ /^[[:space:]]*(\/\*|\*|\/\/)/ || s ~ /\*\/[[:space:]]*$/
    }
    function allowed(s) {
        return s ~ /(may|cannot) truncate:/
    }
    # Is the call at line i allowed by a comment on it or just above it?
    function commented(i,    k) {
        if (allowed(line[i]))
            return 1
        for (k = i - 1; k > 0 && is_comment(line[k]); k--)
            if (allowed(line[k]))
                return 1
        return 0
    }
    function check(file,    i, k, pre, prev, assigned, cmp, last, start) {
        for (i = 1; i <= n; i++) {
            if (line[i] !~ /(^|[^[:alnum:]_])v?snprintf\(/ || is_comment(line[i]))
                continue
            pre = line[i]
            sub(/v?snprintf\(.*/, "", pre)
            k = i - 1
            while (k > 0 && line[k] ~ /^[[:space:]]*$/)
                k--
            prev = k > 0 ? line[k] : ""
            assigned = 0
            start = i
            if (pre ~ /^[[:space:]]*((\(void\)|else|\}[[:space:]]*else)[[:space:]]*)?$/) {
                # A statement of its own, unless it continues an earlier line.
                if (!is_comment(prev) && prev !~ /[;{}):][[:space:]]*$/ &&
                    prev !~ /else[[:space:]]*$/) {
                    if (prev ~ /[^=!<>]=[[:space:]]*$/) {
                        assigned = 1
                        start = k # the statement began there
                    }
                    else
                        continue
                }
            } else if (pre ~ /([^=!<>]|\+)=[[:space:]]*(\([[:alnum:]_ ]*\)[[:space:]]*)?$/) {
                assigned = 1
            } else {
                continue # compared or passed on where it is used
            }
            if (assigned) {
                # From the call to three lines past the end of its statement.
                for (k = i; k < n && line[k] !~ /;[[:space:]]*(\/\*.*)?$/; k++)
                    ;
                last = k + 3
                cmp = 0
                for (k = i; k <= n && k <= last; k++)
                    if (line[k] ~ /(<|>=)/ && line[k] !~ /^#/)
                        cmp = 1
                if (cmp || commented(start))
                    continue
                print file ":" i ": snprintf result used unchecked (compare it with the size, use xo_path_fmt, or say why: may/cannot truncate)"
            } else {
                if (commented(i))
                    continue
                print file ":" i ": snprintf result ignored (use xo_path_fmt, or say why: may/cannot truncate)"
            }
            bad = 1
        }
    }
    FNR == 1 && NR > 1 { check(name) }
    FNR == 1 { n = 0; name = FILENAME }
    { line[++n] = $0 }
    END { if (NR) check(name); exit bad }'
