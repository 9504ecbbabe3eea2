/* show-process.c: what a container's process was started with, for
 * tests/image/random-config.py's differential runs: argv, the
 * environment (sorted), real and effective ids, the groups, the working
 * directory.  Built static, so it runs in a busybox image.  Bytes outside
 * printable ASCII are written as \xNN, a backslash as \\, so each item is
 * one line whatever it holds. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static void put(const char *tag, const char *s)
{
    fputs(tag, stdout);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\')
            fputs("\\\\", stdout);
        else if (*p < 0x20 || *p >= 0x7f)
            printf("\\x%02x", *p);
        else
            putchar(*p);
    }
    putchar('\n');
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_gid(const void *a, const void *b)
{
    gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
    return x < y ? -1 : x > y;
}

extern char **environ;

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        put("arg=", argv[i]);
    size_t n = 0;
    while (environ[n])
        n++;
    qsort(environ, n, sizeof(*environ), cmp);
    for (size_t i = 0; i < n; i++)
        put("env=", environ[i]);
    printf("uid=%u euid=%u gid=%u egid=%u\n", (unsigned)getuid(),
           (unsigned)geteuid(), (unsigned)getgid(), (unsigned)getegid());
    gid_t g[256];
    int ng = getgroups(256, g);
    qsort(g, ng > 0 ? (size_t)ng : 0, sizeof(*g), cmp_gid);
    fputs("groups=", stdout);
    for (int i = 0; i < ng; i++)
        printf(i ? ",%u" : "%u", (unsigned)g[i]);
    putchar('\n');
    char cwd[4096];
    put("cwd=", getcwd(cwd, sizeof(cwd)) ? cwd : "(getcwd failed)");
    return 0;
}
