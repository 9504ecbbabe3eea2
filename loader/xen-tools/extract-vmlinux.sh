#!/bin/bash
# extract-vmlinux.sh: the uncompressed ELF kernel inside a bzImage.
#
# usage: extract-vmlinux.sh BZIMAGE OUT
#
# A bzImage is a small decompressor followed by the compressed kernel.  We
# look for the magic of each compressor Debian may use (xz, zstd, gzip),
# decompress from each candidate offset and keep the first result that is
# an ELF file -- the way the kernel's scripts/extract-vmlinux does.  An
# uncompressed vmlinux boots PV/PVH directly and saves the decompression,
# which is slow under emulation.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: extract-vmlinux.sh BZIMAGE OUT" >&2; exit 2; }
in=$1 out=$2
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT

is_elf() { [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; }

try() { # MAGIC-REGEX DECOMPRESSOR...
    local magic=$1 off; shift
    for off in $(LC_ALL=C grep -aboP "$magic" "$in" | cut -d: -f1 | head -n 8); do
        # Trailing bytes after the stream make decompressors exit non-zero;
        # the ELF check below is what decides.
        tail -c +$((off + 1)) "$in" | "$@" >"$tmp" 2>/dev/null || true
        if [ -s "$tmp" ] && is_elf "$tmp"; then
            mv "$tmp" "$out"
            trap - EXIT
            return 0
        fi
    done
    return 1
}

try '\xfd7zXZ\x00' xz -dc ||
    try '\x28\xb5\x2f\xfd' zstd -dcq ||
    try '\x1f\x8b\x08' gzip -dc ||
    { echo "extract-vmlinux: no xz, zstd or gzip kernel found in $in" >&2; exit 1; }
