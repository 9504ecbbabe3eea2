#!/bin/bash
# check-json-build.sh: JSON documents are built only through
# common/json_build.h (xo_jobj, xo_jstr, ..., xo_jset, xo_jpush), which
# follow the allocation policy of common/alloc.h.  json-c's own
# constructors return NULL when out of memory and its adders then store a
# null member without a word.  Prints each offending line; exits 1 if any.
cd "$(dirname "$0")/.." || exit 2
bad=$(grep -rnE 'json_object_new_[a-z0-9_]+\(|json_object_(object|array)_add\(' \
    --include=*.c common domcfg image netback xl-plugin verifier hotplug loader |
    grep -v '^common/json_build\.c:')
[ -z "$bad" ] && exit 0
echo "$bad" | sed 's/^/# /'
echo "# build JSON with common/json_build.h, not json-c's constructors"
exit 1
