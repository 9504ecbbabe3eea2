/*
 * loader.h: the host side of loaders (DESIGN.md, "loader/").
 *
 * A loader is a directory holding `kernel` (an uncompressed vmlinux that
 * boots PV or PVH) and `initramfs` (the init, and the kernel modules it
 * loads if the kernel has any); the xen-tools loader (the loader's own
 * kernel) is installed to XO_LOADER_DIR by `make install`, the one with
 * Debian's kernel beside it (xen-tools-debian).  Each
 * domain boots that kernel with its own ramdisk: the loader's initramfs
 * followed by a small newc archive holding /xl-oci/boot-spec.dtb (the
 * kernel unpacks concatenated archives in order).
 */
#ifndef XL_OCI_LOADER_LOADER_H
#define XL_OCI_LOADER_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "common/abi/boot_spec.h" /* where the spec goes, its size limit */
#include "common/error.h"

struct loader_files {
    char *kernel;    /* owned: DIR/kernel */
    char *initramfs; /* owned: DIR/initramfs */
};

/*
 * Checks that `dir` (NULL: XO_LOADER_DIR) holds a loader and fills *out
 * (free with loader_files_dispose); the error names the missing file and
 * says how to build the loader.
 */
int loader_locate(struct loader_files *out, const char *dir, xo_err *err);
void loader_files_dispose(struct loader_files *f);

/*
 * The bytes of domain memory the kernel at `path` occupies once loaded:
 * up to the end of its highest ELF PT_LOAD segment (memsz, so .bss and
 * the brk area count), from physical address 0, since libxenguest puts a
 * PV kernel at its physical load address (16 MiB for Linux x86-64) and
 * the pages below it are allocated too (measured in the lab: "segment
 * kernel too large" names exactly this many pages).  This, not the file's
 * size, is what a PV domain must hold: the file is partly sparse and
 * partly headers, and .bss is not in it at all.  Errors name the file:
 * not a 64-bit x86 ELF, bad or more than 64 program headers, no PT_LOAD,
 * an end beyond 1 GiB.
 */
int loader_kernel_load_size(const char *path, uint64_t *bytes_r, xo_err *err);

/*
 * Writes `out_path` (mode 0600, atomically: temp file + rename) as the
 * loader initramfs followed by the boot spec archive.  The big part is
 * copied once, inside the kernel (copy_file_range; a reflink where the
 * file system can).  Not fsync'd: the file only matters while the domain
 * that boots from it is being created.
 */
int loader_ramdisk_build(const char *loader_initramfs, const void *boot_spec,
                         size_t len, const char *out_path, xo_err *err);

/*
 * Makes `out_path` again as loader_ramdisk_build does, for a domain created
 * anew from its saved config (a restart, autostart) after create removed
 * the ramdisk: the initramfs of the loader whose kernel is `kernel_path`
 * (DIR/kernel -> DIR/initramfs) followed by the boot spec read from
 * `boot_spec_path` (at most BOOT_SPEC_MAX_BLOB bytes).  Errors name the
 * missing or oversized file.
 */
int loader_ramdisk_rebuild(const char *kernel_path, const char *boot_spec_path,
                           const char *out_path, xo_err *err);

#endif
