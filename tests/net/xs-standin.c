/*
 * xs-standin: a stand-in xenstored for the hotplug tiers: serves
 * XS_READ, XS_WRITE and XS_RM from a directory of files, one per key,
 * named as tests/tiers/55-hotplug.sh names them (the path with '/' turned
 * into '_'), so a tier reads and writes keys with plain files.  Paths are
 * made absolute with /local/domain/0 as xenstored does for dom0.
 *   xs-standin SOCKET DIR    (runs until killed; libxenstore clients
 *                             reach it through XENSTORED_PATH=SOCKET)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

static const char *dir;

static int io_full(int fd, void *buf, size_t len, int wr)
{
    char *p = buf;
    while (len) {
        ssize_t n = wr ? write(fd, p, len) : read(fd, p, len);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void reply(int fd, struct xsd_sockmsg *h, uint32_t type,
                  const void *body, uint32_t len)
{
    struct xsd_sockmsg r = *h;
    r.type = type;
    r.len = len;
    if (io_full(fd, &r, sizeof(r), 1) == 0)
        io_full(fd, (void *)body, len, 1);
}

static void error(int fd, struct xsd_sockmsg *h, const char *e)
{
    reply(fd, h, XS_ERROR, e, (uint32_t)strlen(e) + 1);
}

/* DIR/<absolute path with '/' -> '_'> */
static void file_of(char *out, size_t len, const char *path)
{
    char abs[XENSTORE_PAYLOAD_MAX + 32];
    if (path[0] == '/')
        snprintf(abs, sizeof(abs), "%s", path);
    else
        snprintf(abs, sizeof(abs), "/local/domain/0/%s", path);
    for (char *p = abs; *p; p++)
        if (*p == '/')
            *p = '_';
    snprintf(out, len, "%s/%s", dir, abs);
}

static void serve(int fd)
{
    struct xsd_sockmsg h;
    char body[XENSTORE_PAYLOAD_MAX + 1], file[8192];
    while (io_full(fd, &h, sizeof(h), 0) == 0) {
        if (h.len > XENSTORE_PAYLOAD_MAX || io_full(fd, body, h.len, 0) < 0)
            break;
        body[h.len] = '\0';
        file_of(file, sizeof(file), body);
        if (h.type == XS_READ) {
            char val[XENSTORE_PAYLOAD_MAX];
            int f = open(file, O_RDONLY);
            ssize_t n = f < 0 ? -1 : read(f, val, sizeof(val));
            if (f >= 0)
                close(f);
            if (n < 0)
                error(fd, &h, "ENOENT");
            else
                reply(fd, &h, XS_READ, val, (uint32_t)n);
        } else if (h.type == XS_WRITE) {
            size_t plen = strlen(body) + 1;
            int f = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (f < 0 || io_full(f, body + plen, h.len - plen, 1) < 0)
                error(fd, &h, "EIO");
            else
                reply(fd, &h, XS_WRITE, "OK", 3);
            if (f >= 0)
                close(f);
        } else if (h.type == XS_RM) {
            unlink(file);
            reply(fd, &h, XS_RM, "OK", 3);
        } else {
            error(fd, &h, "ENOSYS");
        }
    }
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: xs-standin SOCKET DIR\n");
        return 2;
    }
    dir = argv[2];
    signal(SIGCHLD, SIG_IGN);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
    unlink(argv[1]);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(l, 16) < 0) {
        perror("xs-standin");
        return 1;
    }
    for (;;) {
        int fd = accept(l, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        if (fork() == 0) {
            close(l);
            serve(fd);
            _exit(0);
        }
        close(fd);
    }
}
