/* kernel_image.c: how much domain memory a loader kernel occupies (loader.h). */
#include "loader.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Bounds on what a vmlinux may claim: Linux x86-64 images have 4 to 6
 * PT_LOAD headers and end below 80 MiB; 1 GiB is far beyond either.  A file outside
 * them is not a kernel this loader boots.
 */
#define KERNEL_PHNUM_MAX 64
#define KERNEL_SPAN_MAX (1ULL << 30)

static int read_at(int fd, void *buf, size_t len, off_t off, const char *path,
                   xo_err *err)
{
    ssize_t r = pread(fd, buf, len, off);
    if (r < 0)
        return xo_err_sys(err, "kernel %s: read", path);
    if ((size_t)r != len)
        return xo_err_set(err, EINVAL, "kernel %s: truncated ELF at %lld", path,
                          (long long)off);
    return 0;
}

/*
 * The end of the highest PT_LOAD segment, from physical address 0: a PV
 * domain's pseudo-physical memory starts at the kernel's virtual base,
 * and libxenguest places the kernel at its physical load address in it
 * (16 MiB for Linux x86-64), so the pages below the kernel are the
 * domain's too.
 */
static int load_span(int fd, const Elf64_Ehdr *eh, off_t size, const char *path,
                     uint64_t *span_r, xo_err *err)
{
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
        eh->e_phnum > KERNEL_PHNUM_MAX || eh->e_phoff > (uint64_t)size ||
        (uint64_t)size - eh->e_phoff <
            (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr))
        return xo_err_set(
            err, EINVAL,
            "kernel %s: bad program headers (%u of %u bytes at %llu)", path,
            eh->e_phnum, eh->e_phentsize, (unsigned long long)eh->e_phoff);
    Elf64_Phdr ph[KERNEL_PHNUM_MAX];
    if (read_at(fd, ph, eh->e_phnum * sizeof(Elf64_Phdr), (off_t)eh->e_phoff,
                path, err) < 0)
        return -1;
    uint64_t hi = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
            continue;
        if (ph[i].p_paddr > UINT64_MAX - ph[i].p_memsz)
            return xo_err_set(err, EINVAL,
                              "kernel %s: segment %u wraps the address space",
                              path, i);
        if (ph[i].p_paddr + ph[i].p_memsz > hi)
            hi = ph[i].p_paddr + ph[i].p_memsz;
    }
    if (hi == 0)
        return xo_err_set(err, EINVAL, "kernel %s: no PT_LOAD segment", path);
    if (hi > KERNEL_SPAN_MAX)
        return xo_err_set(
            err, EINVAL, "kernel %s: segments end at %llu bytes (at most %llu)",
            path, (unsigned long long)hi, (unsigned long long)KERNEL_SPAN_MAX);
    *span_r = hi;
    return 0;
}

int loader_kernel_load_size(const char *path, uint64_t *bytes_r, xo_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "kernel %s", path);
    int rc = -1;
    struct stat st;
    Elf64_Ehdr eh;
    if (fstat(fd, &st) < 0) {
        xo_err_sys(err, "kernel %s: stat", path);
        goto out;
    }
    if (read_at(fd, &eh, sizeof(eh), 0, path, err) < 0)
        goto out;
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64) {
        xo_err_set(err, EINVAL,
                   "kernel %s: not an uncompressed x86-64 ELF vmlinux", path);
        goto out;
    }
    rc = load_span(fd, &eh, st.st_size, path, bytes_r, err);
out:
    close(fd);
    return rc;
}
