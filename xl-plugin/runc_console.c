/* runc_console.c: the pty and the --console-socket hand-over (see
 * runc_console.h). */
#include "runc_console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int runc_pty_open(struct runc_pty *p, xo_err *err)
{
    p->slave = -1;
    p->name[0] = '\0';
    p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (p->master < 0)
        return xo_err_sys(err, "cannot open a pty (/dev/ptmx)");
    if (grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
        ptsname_r(p->master, p->name, sizeof(p->name)) != 0) {
        xo_err_sys(err, "cannot unlock the pty's slave");
        runc_pty_close(p);
        return -1;
    }
    p->slave = open(p->name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (p->slave < 0) {
        xo_err_sys(err, "cannot open the pty's slave %s", p->name);
        runc_pty_close(p);
        return -1;
    }
    return 0;
}

void runc_pty_close(struct runc_pty *p)
{
    if (p->master >= 0)
        close(p->master);
    if (p->slave >= 0)
        close(p->slave);
    p->master = p->slave = -1;
}

int runc_console_send(const char *path, struct runc_pty *p, xo_err *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path))
        return xo_err_set(err, ENAMETOOLONG,
                          "--console-socket %.200s: longer than %zu bytes",
                          path, sizeof(sa.sun_path) - 1);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return xo_err_sys(err, "--console-socket %s: socket", path);
    if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        xo_err_sys(err, "--console-socket %s: cannot connect", path);
        close(s);
        return -1;
    }
    union { /* aligned for struct cmsghdr */
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof(control));
    struct iovec iov = {.iov_base = p->name, .iov_len = strlen(p->name)};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p->master, sizeof(int));
    ssize_t n;
    while ((n = sendmsg(s, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    int e = errno;
    close(s);
    if (n < 0) {
        errno = e;
        return xo_err_sys(err, "--console-socket %s: cannot send the pty",
                          path);
    }
    close(p->master);
    p->master = -1;
    return 0;
}
