/*
 * recvtty: the caller's end of runc's --console-socket in tests, as
 * containerd's shim or runc's own contrib/cmd/recvtty are:
 *
 *   recvtty [-s ROWSxCOLS] SOCKET OUTPUT [WAIT INPUT]...
 *
 * listens on the unix socket SOCKET, takes one connection and one message
 * from it, which must carry exactly one descriptor (SCM_RIGHTS), a pty
 * master, and a name under /dev as its data (runc sends "/dev/ptmx", the
 * master's; xl-oci-runc the slave's "/dev/pts/N"); writes that name
 * to OUTPUT.name; with -s sets the pty's window size; then appends what
 * the master reads to OUTPUT until every slave is closed (EIO), and each
 * time OUTPUT holds the next WAIT string, writes its INPUT to the master
 * ("\n" in INPUT is a newline, "\x03" a ^C).  Exits 0 when the slave
 * closed with every INPUT written, 1 otherwise; 3 on a wrong message; it
 * gives up after 300 s.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static char seen[1 << 20];
static size_t n_seen;

static int fail(const char *what)
{
    perror(what);
    return 1;
}

/* INPUT with "\n" and "\xHH" turned into their bytes, in place. */
static size_t unescape(char *s)
{
    size_t o = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1] == 'n') {
            s[o++] = '\n';
            i++;
        } else if (s[i] == '\\' && s[i + 1] == 'x' && s[i + 2] && s[i + 3]) {
            char hex[3] = {s[i + 2], s[i + 3], 0};
            s[o++] = (char)strtol(hex, NULL, 16);
            i += 3;
        } else {
            s[o++] = s[i];
        }
    }
    return o;
}

int main(int argc, char **argv)
{
    int opt;
    unsigned rows = 0, cols = 0;
    while ((opt = getopt(argc, argv, "s:")) != -1) {
        if (opt != 's' || sscanf(optarg, "%ux%u", &rows, &cols) != 2) {
            fprintf(
                stderr,
                "usage: recvtty [-s ROWSxCOLS] SOCKET OUTPUT [WAIT INPUT]...\n");
            return 2;
        }
    }
    if (argc - optind < 2 || (argc - optind) % 2) {
        fprintf(
            stderr,
            "usage: recvtty [-s ROWSxCOLS] SOCKET OUTPUT [WAIT INPUT]...\n");
        return 2;
    }
    const char *path = argv[optind], *output = argv[optind + 1];
    char **pairs = argv + optind + 2;
    int npairs = (argc - optind - 2) / 2, next = 0;
    size_t from = 0; /* the next WAIT is looked for from here on */
    alarm(300);

    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "recvtty: %s: path too long\n", path);
        return 2;
    }
    strcpy(sa.sun_path, path);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(ls, 1) < 0)
        return fail("recvtty: listen");
    int c = accept(ls, NULL, NULL);
    if (c < 0)
        return fail("recvtty: accept");
    char name[256];
    union {
        char buf[CMSG_SPACE(4 * sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = name, .iov_len = sizeof(name) - 1};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
    if (n <= 0)
        return fail("recvtty: recvmsg");
    name[n] = '\0';
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
        cm->cmsg_len != CMSG_LEN(sizeof(int)) || CMSG_NXTHDR(&msg, cm) ||
        (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC))) {
        fprintf(stderr, "recvtty: not one descriptor in one message\n");
        return 3;
    }
    int master;
    memcpy(&master, CMSG_DATA(cm), sizeof(int));
    struct termios t;
    if (strncmp(name, "/dev/", 5) != 0 || tcgetattr(master, &t) < 0) {
        fprintf(stderr, "recvtty: '%s' and a descriptor that is no pty\n",
                name);
        return 3;
    }
    close(c);
    close(ls);
    char np[4096];
    snprintf(np, sizeof(np), "%s.name", output);
    FILE *f = fopen(np, "w");
    if (!f || fprintf(f, "%s\n", name) < 0 || fclose(f) != 0)
        return fail(np);
    if (rows && cols) {
        struct winsize ws = {.ws_row = (unsigned short)rows,
                             .ws_col = (unsigned short)cols};
        if (ioctl(master, TIOCSWINSZ, &ws) < 0)
            return fail("recvtty: TIOCSWINSZ");
    }
    FILE *out = fopen(output, "a");
    if (!out)
        return fail(output);
    for (;;) {
        while (next < npairs && n_seen < sizeof(seen) &&
               (seen[n_seen] = '\0', strstr(seen + from, pairs[2 * next]))) {
            char *in = pairs[2 * next + 1];
            size_t len = unescape(in);
            if (write(master, in, len) != (ssize_t)len)
                return fail("recvtty: write to the master");
            from = n_seen; /* later WAITs match later output only */
            next++;
        }
        char buf[4096];
        n = read(master, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) /* EIO: no slave open any more */
            break;
        fwrite(buf, 1, (size_t)n, out);
        fflush(out);
        size_t room = sizeof(seen) - 1 - n_seen;
        size_t k = (size_t)n < room ? (size_t)n : room;
        for (size_t i = 0; i < k; i++) /* NULs would end strstr early */
            seen[n_seen++] = buf[i] ? buf[i] : '.';
    }
    fclose(out);
    return next == npairs ? 0 : 1;
}
