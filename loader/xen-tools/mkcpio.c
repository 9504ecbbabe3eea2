/*
 * mkcpio.c: writes a newc initramfs from a list, like the kernel's
 * usr/gen_init_cpio, so the loader's initramfs needs neither root nor
 * mknod to build (it holds /dev/console) and is byte-reproducible.
 *
 * usage: mkcpio OUT < LIST
 *   dir NAME MODE
 *   file NAME SRC MODE
 *   nod NAME MODE c|b MAJOR MINOR
 *   slink NAME TARGET
 * MODE is octal; blank lines and lines starting with '#' are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/cpio.h"

static int add_line(struct cpio_writer *w, char *line, xo_err *err)
{
    char *f[7] = {0};
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t\n", &save); t && n < 7;
         t = strtok_r(NULL, " \t\n", &save))
        f[n++] = t;
    if (n == 0 || f[0][0] == '#')
        return 0;
    if (!strcmp(f[0], "dir") && n == 3)
        return cpio_add_dir(w, f[1], (mode_t)strtoul(f[2], NULL, 8), err);
    if (!strcmp(f[0], "file") && n == 4)
        return cpio_add_file(w, f[1], (mode_t)strtoul(f[3], NULL, 8), f[2],
                             err);
    if (!strcmp(f[0], "nod") && n == 6)
        return cpio_add_node(w, f[1], (mode_t)strtoul(f[2], NULL, 8), f[3][0],
                             (unsigned)strtoul(f[4], NULL, 10),
                             (unsigned)strtoul(f[5], NULL, 10), err);
    if (!strcmp(f[0], "slink") && n == 3)
        return cpio_add_symlink(w, f[1], f[2], err);
    return xo_err_set(err, EINVAL, "bad list line starting with '%s'", f[0]);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkcpio OUT < LIST\n");
        return 2;
    }
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    xo_err err = XO_ERR_INIT;
    if (fd < 0) {
        xo_err_sys(&err, "%s", argv[1]);
        xo_err_print(&err, "mkcpio", stderr);
        return 1;
    }
    struct cpio_writer w;
    cpio_init(&w, fd, argv[1]);
    char line[8192];
    unsigned lineno = 0;
    while (fgets(line, sizeof(line), stdin)) {
        lineno++;
        if (add_line(&w, line, &err) < 0) {
            xo_err_wrap(&err, "line %u", lineno);
            xo_err_print(&err, "mkcpio", stderr);
            return 1;
        }
    }
    if (cpio_finish(&w, &err) < 0 || close(fd) < 0) {
        xo_err_print(&err, "mkcpio", stderr);
        return 1;
    }
    return 0;
}
