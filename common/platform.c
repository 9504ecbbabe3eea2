/* platform.c: image platforms as this host reads them (see platform.h). */
#include "platform.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The architecture's canonical name (containerd's normalizeArch). */
static const char *arch_normal(const char *a)
{
    static const char *const alias[][2] = {
        {"x86_64", "amd64"}, {"x86-64", "amd64"}, {"aarch64", "arm64"},
        {"i386", "386"},     {"armhf", "arm"},    {"armel", "arm"},
    };
    for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
        if (!strcasecmp(a, alias[i][0]))
            return alias[i][1];
    return a;
}

bool xo_platform_matches(const char *os, const char *arch, const char *want_os,
                         const char *want_arch)
{
    return os && arch && !strcasecmp(os, want_os) &&
           !strcasecmp(arch_normal(arch), arch_normal(want_arch));
}

int xo_cpu_amd64_level(void)
{
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    __GNUC__ >= 12
    /* GCC 12's names for the psABI levels (its cpuinfo checks each
     * level's whole feature list). */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4"))
        return 4;
    if (__builtin_cpu_supports("x86-64-v3"))
        return 3;
    if (__builtin_cpu_supports("x86-64-v2"))
        return 2;
#endif
    return 1;
}

int xo_amd64_variant_level(const char *variant)
{
    if (!variant || !*variant || !strcmp(variant, "v1"))
        return 1;
    if (!strcmp(variant, "v2"))
        return 2;
    if (!strcmp(variant, "v3"))
        return 3;
    if (!strcmp(variant, "v4"))
        return 4;
    return 0;
}

/* Xen's XENFEAT_dom0 (xen/include/public/features.h). */
#define XENFEAT_DOM0_BIT 11

int xo_xen_features_dom0(const char *line)
{
    size_t n = strspn(line, "0123456789abcdefABCDEF");
    if (n == 0)
        return -1;
    unsigned long feat = strtoul(line + (n > 8 ? n - 8 : 0), NULL, 16);
    return (int)((feat >> XENFEAT_DOM0_BIT) & 1);
}
