/*
 * test-xs-lite.c: the monitor's xenstore client against a scripted fake
 * xenstored (a child process on a Unix socket).  The fake sends a watch
 * event before every reply, the interleaving that makes a thread-free
 * libxenstore fail, so each request must still get its own reply and
 * every event must come out of xs_read_watch in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* The unit under test is compiled in: it provides libxenstore's names,
 * and must not be mixed into the library that xl-oci links. */
#include "xl-plugin/xs_lite.c"

#include <signal.h>
#include <sys/wait.h>

static char sock_path[108];
static pid_t server;

static void send_msg(int fd, uint32_t type, const void *body, uint32_t len)
{
    struct xsd_sockmsg h = {.type = type, .len = len};
    if (xo_write_all(fd, &h, sizeof(h)) < 0 || xo_write_all(fd, body, len) < 0)
        _exit(3);
}

static void send_event(int fd, const char *path, const char *token)
{
    char buf[256];
    size_t a = strlen(path) + 1, b = strlen(token) + 1;
    memcpy(buf, path, a);
    memcpy(buf + a, token, b);
    send_msg(fd, XS_WATCH_EVENT, buf, (uint32_t)(a + b));
}

/* The fake xenstored: one connection, a scripted answer per request. */
static void serve(int lfd)
{
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        _exit(2);
    unsigned n = 0;
    for (;;) {
        struct xsd_sockmsg h;
        char body[XENSTORE_PAYLOAD_MAX + 1];
        if (read_full(fd, &h, sizeof(h)) < 0)
            _exit(0);
        if (h.len > XENSTORE_PAYLOAD_MAX || read_full(fd, body, h.len) < 0)
            _exit(4);
        body[h.len] = '\0';
        char token[16];
        snprintf(token, sizeof(token), "ev%u", n++);
        send_event(fd, "/local/domain/7/data/xl-oci/phase", token);
        if (h.type == XS_READ && strcmp(body, "/tool/a") == 0) {
            send_msg(fd, XS_READ, "value-a", 7);
        } else if (h.type == XS_READ && strcmp(body, "/huge") == 0) {
            struct xsd_sockmsg big = {.type = XS_READ, .len = 100000};
            xo_write_all(fd, &big, sizeof(big));
        } else if (h.type == XS_READ) {
            send_msg(fd, XS_ERROR, "ENOENT", 7);
        } else if (h.type == XS_DIRECTORY) {
            send_msg(fd, XS_DIRECTORY, "x\0yy\0", 5);
        } else if (h.type == XS_SET_PERMS) {
            /* "path\0n0\0r5\0" */
            static const char want[] = "/tool/p\0n0\0r5";
            if (h.len == sizeof(want) && memcmp(body, want, h.len) == 0)
                send_msg(fd, XS_SET_PERMS, "OK", 3);
            else
                send_msg(fd, XS_ERROR, "EINVAL", 7);
        } else if (h.type == XS_WRITE) {
            static const char want[] = "/tool/w\0hello";
            if (h.len == sizeof(want) - 1 && memcmp(body, want, h.len) == 0)
                send_msg(fd, XS_WRITE, "OK", 3);
            else
                send_msg(fd, XS_ERROR, "EINVAL", 7);
        } else {
            send_msg(fd, h.type, "OK", 3);
        }
    }
}

static int setup(void **state)
{
    (void)state;
    char dir[] = "/tmp/xloci-xs-XXXXXX";
    if (!mkdtemp(dir))
        return -1;
    snprintf(sock_path, sizeof(sock_path), "%s/socket", dir);
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, sock_path);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(lfd, 1) < 0)
        return -1;
    server = fork();
    if (server == 0)
        serve(lfd);
    close(lfd);
    setenv("XENSTORED_PATH", sock_path, 1);
    return server > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    kill(server, SIGKILL);
    waitpid(server, NULL, 0);
    unlink(sock_path);
    *strrchr(sock_path, '/') = '\0';
    rmdir(sock_path);
    return 0;
}

static void expect_event(struct xs_handle *h, const char *token)
{
    unsigned n = 0;
    char **ev = xs_read_watch(h, &n);
    assert_non_null(ev);
    assert_int_equal(n, 2);
    assert_string_equal(ev[XS_WATCH_PATH], "/local/domain/7/data/xl-oci/phase");
    assert_string_equal(ev[XS_WATCH_TOKEN], token);
    free(ev);
}

static void test_requests_and_events_interleaved(void **state)
{
    (void)state;
    struct xs_handle *h = xs_open(0);
    assert_non_null(h);

    assert_true(xs_watch(h, "/local/domain/7/data/xl-oci", "guest"));
    unsigned len = 0;
    char *v = xs_read(h, XBT_NULL, "/tool/a", &len);
    assert_non_null(v);
    assert_int_equal(len, 7);
    assert_string_equal(v, "value-a");
    free(v);

    assert_null(xs_read(h, XBT_NULL, "/tool/missing", &len));
    assert_int_equal(errno, ENOENT);

    unsigned n = 0;
    char **dir = xs_directory(h, XBT_NULL, "/tool", &n);
    assert_non_null(dir);
    assert_int_equal(n, 2);
    assert_string_equal(dir[0], "x");
    assert_string_equal(dir[1], "yy");
    assert_null(dir[2]);
    free(dir);

    struct xs_permissions perms[2] = {{.id = 0, .perms = XS_PERM_NONE},
                                      {.id = 5, .perms = XS_PERM_READ}};
    assert_true(xs_set_permissions(h, XBT_NULL, "/tool/p", perms, 2));
    assert_true(xs_write(h, XBT_NULL, "/tool/w", "hello", 5));
    assert_false(xs_write(h, 42, "/tool/w", "hello", 5)); /* no transactions */

    /* Every reply came after an event: six events queued, in order. */
    assert_int_equal(xs_lite_pending(h), 6);
    for (int i = 0; i < 6; i++) {
        char token[16];
        snprintf(token, sizeof(token), "ev%d", i);
        expect_event(h, token);
    }
    assert_int_equal(xs_lite_pending(h), 0);
    assert_false(xs_lite_lost(h));
    xs_close(h);
}

static void test_oversized_reply_refused(void **state)
{
    (void)state;
    struct xs_handle *h = xs_open(0);
    assert_non_null(h);
    unsigned len = 0;
    assert_null(xs_read(h, XBT_NULL, "/huge", &len));
    assert_int_equal(errno, E2BIG);
    xs_close(h);
}

static void test_queue_is_bounded(void **state)
{
    (void)state;
    struct xs_handle h = {.fd = -1};
    for (int i = 0; i < XS_LITE_QUEUE_MAX + 10; i++)
        queue_event(&h, "p\0t", 4);
    assert_int_equal(xs_lite_pending(&h), XS_LITE_QUEUE_MAX);
    assert_true(xs_lite_lost(&h));
    assert_false(xs_lite_lost(&h));
    for (struct event *e = h.head, *next; e; e = next) {
        next = e->next;
        free(e);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_requests_and_events_interleaved,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_reply_refused, setup,
                                        teardown),
        cmocka_unit_test(test_queue_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
