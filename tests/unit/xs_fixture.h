/*
 * xs_fixture.h: a scripted fake xenstored (a child process on a Unix
 * socket that $XENSTORED_PATH names) and the conversation both
 * implementations of common/xs_client.h must hold with it.  The fake
 * sends a watch event before every reply, the interleaving that makes a
 * thread-free libxenstore fail, so each request must still get its own
 * reply and every event must come out of xo_xs_read_watch() in order.
 * Included by test-xs-lite.c and test-xs-client.c only, after cmocka.
 */
#ifndef XL_OCI_TESTS_XS_FIXTURE_H
#define XL_OCI_TESTS_XS_FIXTURE_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#include "common/fileio.h"
#include "common/xs_client.h"

static char fake_sock_path[108];
static pid_t fake_server;

static void fake_read(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t r = read(fd, p, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            _exit(0); /* the client closed the connection */
        p += r;
        len -= (size_t)r;
    }
}

static void fake_send(int fd, uint32_t type, const void *body, uint32_t len)
{
    struct xsd_sockmsg h = {.type = type, .len = len};
    if (xo_write_all(fd, &h, sizeof(h)) < 0 || xo_write_all(fd, body, len) < 0)
        _exit(3);
}

static void fake_send_event(int fd, const char *path, const char *token)
{
    char buf[256];
    size_t a = strlen(path) + 1, b = strlen(token) + 1;
    memcpy(buf, path, a);
    memcpy(buf + a, token, b);
    fake_send(fd, XS_WATCH_EVENT, buf, (uint32_t)(a + b));
}

/* One connection, an event "evN" then a scripted answer per request. */
static void fake_serve(int lfd)
{
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        _exit(2);
    unsigned n = 0;
    for (;;) {
        struct xsd_sockmsg h;
        char body[XENSTORE_PAYLOAD_MAX + 1];
        fake_read(fd, &h, sizeof(h));
        if (h.len > XENSTORE_PAYLOAD_MAX)
            _exit(4);
        fake_read(fd, body, h.len);
        body[h.len] = '\0';
        char token[16];
        snprintf(token, sizeof(token), "ev%u", n++);
        fake_send_event(fd, "/local/domain/7/data/xl-oci/phase", token);
        if (h.type == XS_READ && strcmp(body, "/tool/a") == 0) {
            fake_send(fd, XS_READ, "value-a", 7);
        } else if (h.type == XS_READ && strcmp(body, "/huge") == 0) {
            struct xsd_sockmsg big = {.type = XS_READ, .len = 100000};
            xo_write_all(fd, &big, sizeof(big));
        } else if (h.type == XS_READ) {
            fake_send(fd, XS_ERROR, "ENOENT", 7);
        } else if (h.type == XS_DIRECTORY) {
            fake_send(fd, XS_DIRECTORY, "x\0yy\0", 5);
        } else if (h.type == XS_SET_PERMS) {
            /* "path\0n0\0r5\0" */
            static const char want[] = "/tool/p\0n0\0r5";
            if (h.len == sizeof(want) && memcmp(body, want, h.len) == 0)
                fake_send(fd, XS_SET_PERMS, "OK", 3);
            else
                fake_send(fd, XS_ERROR, "EINVAL", 7);
        } else if (h.type == XS_WRITE) {
            static const char want[] = "/tool/w\0hello";
            if (h.len == sizeof(want) - 1 && memcmp(body, want, h.len) == 0)
                fake_send(fd, XS_WRITE, "OK", 3);
            else
                fake_send(fd, XS_ERROR, "EINVAL", 7);
        } else {
            fake_send(fd, h.type, "OK", 3);
        }
    }
}

static int fake_xenstored_start(void **state)
{
    (void)state;
    char dir[] = "/tmp/xloci-xs-XXXXXX";
    if (!mkdtemp(dir))
        return -1;
    snprintf(fake_sock_path, sizeof(fake_sock_path), "%s/socket", dir);
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, fake_sock_path);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(lfd, 1) < 0)
        return -1;
    fake_server = fork();
    if (fake_server == 0)
        fake_serve(lfd);
    close(lfd);
    setenv("XENSTORED_PATH", fake_sock_path, 1);
    return fake_server > 0 ? 0 : -1;
}

static int fake_xenstored_stop(void **state)
{
    (void)state;
    kill(fake_server, SIGKILL);
    waitpid(fake_server, NULL, 0);
    unlink(fake_sock_path);
    *strrchr(fake_sock_path, '/') = '\0';
    rmdir(fake_sock_path);
    return 0;
}

static void expect_event(struct xo_xs *h, const char *token)
{
    unsigned n = 0;
    char **ev = xo_xs_read_watch(h, &n);
    assert_non_null(ev);
    assert_int_equal(n, 2);
    assert_string_equal(ev[XS_WATCH_PATH], "/local/domain/7/data/xl-oci/phase");
    assert_string_equal(ev[XS_WATCH_TOKEN], token);
    free(ev);
}

/*
 * Six requests, each answered after an event: every reply is right, and
 * the six events come out afterwards in order.  `pending` is what
 * xo_xs_pending() must say then (events read by the client itself).
 */
static void xs_conversation(struct xo_xs *h, unsigned pending)
{
    assert_true(xo_xs_watch(h, "/local/domain/7/data/xl-oci", "guest"));
    unsigned len = 0;
    char *v = xo_xs_read(h, "/tool/a", &len);
    assert_non_null(v);
    assert_int_equal(len, 7);
    assert_string_equal(v, "value-a");
    free(v);

    assert_null(xo_xs_read(h, "/tool/missing", &len));
    assert_int_equal(errno, ENOENT);

    unsigned n = 0;
    char **dir = xo_xs_directory(h, "/tool", &n);
    assert_non_null(dir);
    assert_int_equal(n, 2);
    assert_string_equal(dir[0], "x");
    assert_string_equal(dir[1], "yy");
    free(dir);

    struct xs_permissions perms[2] = {{.id = 0, .perms = XS_PERM_NONE},
                                      {.id = 5, .perms = XS_PERM_READ}};
    assert_true(xo_xs_set_permissions(h, "/tool/p", perms, 2));
    assert_true(xo_xs_write(h, "/tool/w", "hello", 5));

    assert_int_equal(xo_xs_pending(h), pending);
    for (int i = 0; i < 6; i++) {
        char token[16];
        snprintf(token, sizeof(token), "ev%d", i);
        expect_event(h, token);
    }
    assert_int_equal(xo_xs_pending(h), 0);
    assert_false(xo_xs_lost(h));
}

#endif
