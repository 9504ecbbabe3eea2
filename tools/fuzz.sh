#!/bin/bash
# tools/fuzz.sh (make fuzz): builds each tests/fuzz/fuzz-NAME.c with clang's
# libFuzzer plus ASan+UBSan and fuzzes it for FUZZ_SECONDS (default 60)
# from its corpus, tests/fuzz/corpus/NAME/.  New inputs go to a scratch
# corpus (build/fuzz/NAME/new), not the source tree; a crash is written to
# build/fuzz/NAME/ and the script fails naming it.  Copy a crash into the
# corpus once it is fixed: tier 40 then replays it forever.  Each target's
# last line of figures (seconds, executions, result) is appended to
# build/fuzz/results.txt for docs/fuzzing.md.  A target that writes a
# tree from its input (layer-unpack) runs as nobody when the script runs
# as root, so a fault that escapes its directory writes only where nobody
# may.
#
#   FUZZ_SECONDS=300 tools/fuzz.sh            all targets
#   tools/fuzz.sh app-cfg                     one target
#
# The sources come from the Makefile (make print-fuzz-vars: libxloci.a's
# sources and FUZZ_EXTRA_SRCS), compiled once per run into
# build/fuzz/obj with the fuzzer's instrumentation (gcc-built objects would
# not link with clang's runtimes); run ./configure first.
set -eu
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
out=build/fuzz
supp=$PWD/tests/fuzz/lsan.supp
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null || {
    echo "fuzz: $CLANG not found (apt-get install clang)" >&2
    exit 1
}
[ -f Makefile ] || {
    echo "fuzz: no Makefile (run ./configure first)" >&2
    exit 1
}
fuzz_srcs= fuzz_deps_cflags= fuzz_deps_libs= fuzz_dlib_defines=
eval "$(make -s --no-print-directory print-fuzz-vars)"
[ -n "$fuzz_srcs" ] || {
    echo "fuzz: make print-fuzz-vars gave no sources" >&2
    exit 1
}

cflags=(-std=gnu11 -g -O1 -I. -Icommon -D_GNU_SOURCE
    -DHAVE_YAJL_YAJL_VERSION_H -DXO_LIBFUZZER '-DXO_VERSION="fuzz"'
    '-DXO_STATE_ROOT="/nonexistent"' '-DXO_LOADER_DIR="/nonexistent"'
    '-DXO_HOTPLUG_DIR="/nonexistent"' -fno-sanitize-recover=all)
# shellcheck disable=SC2206
cflags+=($fuzz_deps_cflags)
# The SONAMEs of the libraries opened on first use (common/dlib.h).
for d in $fuzz_dlib_defines; do
    cflags+=("-D${d%%=*}=\"${d#*=}\"")
done
# The library objects get the fuzzer's coverage but not its main().
libsan=(-fsanitize=fuzzer-no-link,address,undefined)

if [ $# -gt 0 ]; then targets=("$@"); else
    targets=()
    for f in tests/fuzz/fuzz-*.c; do
        t=${f#tests/fuzz/fuzz-}
        targets+=("${t%.c}")
    done
fi

echo "fuzz: compiling the library with $CLANG"
objs=()
for src in $fuzz_srcs; do
    obj=$out/obj/${src%.c}.o
    mkdir -p "$(dirname "$obj")"
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ]; then
        "$CLANG" "${cflags[@]}" "${libsan[@]}" -c -o "$obj" "$src"
    fi
    objs+=("$obj")
done
rm -f "$out/libxloci-fuzz.a"
ar rcs "$out/libxloci-fuzz.a" "${objs[@]}"

status=0
for t in "${targets[@]}"; do
    dir=$out/$t
    mkdir -p "$dir/new"
    echo "fuzz: building fuzz-$t"
    # shellcheck disable=SC2086
    "$CLANG" "${cflags[@]}" -fsanitize=fuzzer,address,undefined \
        -o "$dir/fuzz-$t" "tests/fuzz/fuzz-$t.c" "$out/libxloci-fuzz.a" \
        $fuzz_deps_libs
    echo "fuzz: fuzz-$t for ${secs}s"
    as=()
    if [ "$t" = layer-unpack ] && [ "$(id -u)" = 0 ]; then
        as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
        chown -R 65534:65534 "$dir"
    fi
    if (cd "$dir" && ASAN_OPTIONS=detect_leaks=1 \
        LSAN_OPTIONS=suppressions=$supp \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "${as[@]}" "./fuzz-$t" -max_total_time="$secs" -max_len=65536 \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        new "../../../tests/fuzz/corpus/$t" >fuzz.log 2>&1); then
        result=ok
    else
        result=FAILED
        tail -40 "$dir/fuzz.log"
        echo "fuzz: fuzz-$t FAILED; crash files:" "$dir"/crash-* \
            "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* 2>/dev/null
        status=1
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log")
    added=$(sed -n 's/^stat::new_units_added: *//p' "$dir/fuzz.log")
    line="$t ${secs}s execs=${execs:-?} new_units=${added:-?} $result"
    echo "fuzz: $line"
    echo "$(date -u +%FT%TZ) $line" >>"$out/results.txt"
done
exit $status
