#!/usr/bin/env python3
"""make-loader.py: a stand-in loader for the golden cases (tiers 20, 45).

usage: make-loader.py SIZES DIR
  SIZES holds lines "FILE SIZE" (SIZE in bytes, or with a K/M/G suffix, as
  truncate(1) reads it).  "kernel SIZE" writes DIR/kernel as a minimal
  x86-64 ELF whose PT_LOAD segments (two with a gap, from 16 MiB, as a
  vmlinux has) end at SIZE bytes (SIZE > 16 MiB), since create measures a
  kernel by its load size, not its file size; any other FILE becomes a
  sparse file of SIZE bytes.
"""
import os
import struct
import sys

MULT = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def size_of(text):
    if text[-1] in MULT:
        return int(text[:-1]) * MULT[text[-1]]
    return int(text)


def write_kernel(path, span):
    # Two PT_LOAD: text at 16 MiB (file-backed, 4 KiB), then .bss-like
    # memory to the end of the span, leaving a 4 KiB gap between them.
    base = 16 << 20
    ehdr_size, phdr_size, nph = 64, 56, 2
    first = 4096
    second_start = base + 2 * 4096
    phdrs = [
        (1, 5, 4096, base, base, first, first, 4096),
        (1, 6, 4096, second_start, second_start, 0,
         span - second_start, 4096),
    ]
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    ehdr = struct.pack("<16sHHIQQQIHHHHHH", ident, 2, 62, 1, base,
                       ehdr_size, 0, 0, ehdr_size, phdr_size, nph, 0, 0, 0)
    body = ehdr + b"".join(struct.pack("<IIQQQQQQ", *p) for p in phdrs)
    with open(path, "wb") as f:
        f.write(body.ljust(4096 + first, b"\0"))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make-loader.py SIZES DIR")
    os.makedirs(sys.argv[2], exist_ok=True)
    for line in open(sys.argv[1]):
        name, size = line.split()
        path = os.path.join(sys.argv[2], name)
        if name == "kernel":
            write_kernel(path, size_of(size))
        else:
            with open(path, "wb") as f:
                f.truncate(size_of(size))


main()
