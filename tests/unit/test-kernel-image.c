/*
 * test-kernel-image.c: a loader kernel's load size (loader/kernel_image.c):
 * the PT_LOAD span with gaps and memsz beyond the file, and every kind of
 * bad ELF refused with the file named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/loader.h"

static char dir[] = "/tmp/xl-oci-test-kernel.XXXXXX";
static char path[128];

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/kernel", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    rmdir(dir);
    return 0;
}

static Elf64_Ehdr ehdr(unsigned phnum)
{
    Elf64_Ehdr eh = {0};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_X86_64;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = (Elf64_Half)phnum;
    return eh;
}

static Elf64_Phdr load(uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
    Elf64_Phdr p = {0};
    p.p_type = PT_LOAD;
    p.p_paddr = paddr;
    p.p_vaddr = 0xffffffff80000000ULL + paddr;
    p.p_filesz = filesz;
    p.p_memsz = memsz;
    return p;
}

/* Writes the header and `n` program headers (not the segments' bytes:
 * only the headers are read). */
static void write_elf(const Elf64_Ehdr *eh, const Elf64_Phdr *ph, size_t n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(eh, sizeof(*eh), 1, f), 1);
    if (n)
        assert_int_equal(fwrite(ph, sizeof(*ph), n, f), n);
    fclose(f);
}

static void expect_error(const char *fragment)
{
    xo_err err = XO_ERR_INIT;
    uint64_t size = 7;
    assert_int_equal(loader_kernel_load_size(path, &size, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), path));
    assert_non_null(strstr(xo_err_msg(&err), fragment));
    assert_int_equal(size, 7);
    xo_err_clear(&err);
}

static void test_span(void **state)
{
    (void)state;
    /* Like Debian's vmlinux: text at 16 MiB, a per-cpu segment at 0 that
     * is not in the physical span's way, a gap, and .bss past the file. */
    Elf64_Ehdr eh = ehdr(4);
    Elf64_Phdr ph[4] = {
        load(16 << 20, 3 << 20, 3 << 20),
        load(20 << 20, 1 << 20, 1 << 20),
        {.p_type = PT_NOTE, .p_paddr = 0, .p_memsz = 1 << 30},
        load(24 << 20, 1 << 20, 9 << 20),
    };
    write_elf(&eh, ph, 4);
    xo_err err = XO_ERR_INIT;
    uint64_t size = 0;
    assert_int_equal(loader_kernel_load_size(path, &size, &err), 0);
    assert_int_equal(size, 33 << 20); /* 0 .. 33 MiB: below 16 counts */
}

static void test_bad(void **state)
{
    (void)state;
    Elf64_Phdr ph[2] = {load(16 << 20, 4096, 4096), load(0, 0, 0)};

    FILE *f = fopen(path, "w");
    fputs("\x1f\x8b compressed, not an ELF", f);
    fclose(f);
    expect_error("truncated ELF");

    Elf64_Ehdr eh = ehdr(1);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    write_elf(&eh, ph, 1);
    expect_error("not an uncompressed x86-64 ELF");

    eh = ehdr(1);
    eh.e_machine = EM_AARCH64;
    write_elf(&eh, ph, 1);
    expect_error("not an uncompressed x86-64 ELF");

    eh = ehdr(65);
    write_elf(&eh, ph, 1);
    expect_error("bad program headers");

    eh = ehdr(2); /* two announced, one written */
    write_elf(&eh, ph, 1);
    expect_error("bad program headers");

    eh = ehdr(1);
    eh.e_phentsize = 32;
    write_elf(&eh, ph, 1);
    expect_error("bad program headers");

    eh = ehdr(1);
    Elf64_Phdr none = {.p_type = PT_NOTE, .p_memsz = 4096};
    write_elf(&eh, &none, 1);
    expect_error("no PT_LOAD");

    Elf64_Phdr wrap = load(UINT64_MAX - 4095, 0, 8192);
    write_elf(&eh, &wrap, 1);
    expect_error("wraps");

    Elf64_Phdr far[2] = {load(16 << 20, 0, 4096),
                         load((16ULL << 20) + (1ULL << 30), 0, 4096)};
    eh = ehdr(2);
    write_elf(&eh, far, 2);
    expect_error("segments end at");

    unlink(path);
    expect_error("No such file");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_span),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
