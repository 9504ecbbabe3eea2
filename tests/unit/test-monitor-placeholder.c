/*
 * test-monitor-placeholder.c: xl-oci-runc's placeholder
 * (xl-plugin/monitor_placeholder.c) with the monitor's own xenstore
 * client (common/xs_lite.c) against a fake xenstored whose DomainStatus
 * the test changes.  The placeholder copies the console log as the
 * monitor appends to it (also across a rotation), makes no xenstore
 * request while nothing changes (it waits on a watch and on inotify, it
 * does not poll), and exits with the exit code DomainStatus records, or
 * 137 when the status is removed; with a terminal, input typed on the
 * pty reaches the domain's console.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

/* The units under test are compiled in, as the monitor links them: its
 * xo_xs_* functions take the place of common/xs_client.c's. */
#include "common/xs_lite.c"
#include "xl-plugin/monitor_placeholder.c"

#define STATUS "/tool/xl-oci/c"

/* What the test tells the fake: set a key of container c's status (an
 * empty value removes it), or fire the watch. */
struct order {
    char op; /* 's' set, 'f' fire */
    char key[32];
    char value[32];
};

struct fixture {
    char dir[64], sock[128], log[128];
    pid_t server, placeholder;
    int orders;                  /* write end to the fake */
    int out;                     /* the placeholder's stdout */
    volatile unsigned *requests; /* counted by the fake, shared memory */
    char seen[4096];             /* the output read so far */
    size_t n_seen;
    /* With a terminal: the masters of the placeholder's stdin pty and of
     * the pty standing in for the domain's console, and the console's
     * slave path, which the fake gives as console/tty; else -1. */
    int term_master, console_master;
    char console[64];
};

static struct fixture fx;

/* The fake's store: a few keys under STATUS. */
static struct {
    char key[32], value[32];
} keys[16];

static const char *key_of(const char *path)
{
    size_t n = strlen(STATUS "/");
    return strncmp(path, STATUS "/", n) == 0 ? path + n : NULL;
}

static void fake_reply(int fd, uint32_t type, uint32_t req_id, const void *body,
                       uint32_t len)
{
    struct xsd_sockmsg h = {.type = type, .req_id = req_id, .len = len};
    if (xo_write_all(fd, &h, sizeof(h)) < 0 || xo_write_all(fd, body, len) < 0)
        _exit(3);
}

static void fake_set(const struct order *o)
{
    for (size_t i = 0; i < 16; i++)
        if (strcmp(keys[i].key, o->key) == 0 || !keys[i].key[0]) {
            snprintf(keys[i].key, sizeof(keys[i].key), "%s",
                     o->value[0] ? o->key : "");
            snprintf(keys[i].value, sizeof(keys[i].value), "%s", o->value);
            return;
        }
}

static void fake_serve(int lfd, int orders, volatile unsigned *requests)
{
    int fd = accept(lfd, NULL, NULL);
    char watch[256] = "";
    size_t watch_len = 0;
    if (fd < 0)
        _exit(2);
    for (;;) {
        struct pollfd p[2] = {{fd, POLLIN, 0}, {orders, POLLIN, 0}};
        if (poll(p, 2, -1) < 0)
            continue;
        /* Every order given so far, before the next request. */
        struct pollfd q = {orders, POLLIN, 0};
        while (poll(&q, 1, 0) > 0) {
            struct order o;
            if (read(orders, &o, sizeof(o)) != sizeof(o))
                _exit(0);
            if (o.op == 's')
                fake_set(&o);
            else if (watch_len)
                fake_reply(fd, XS_WATCH_EVENT, 0, watch, (uint32_t)watch_len);
        }
        if (!p[0].revents)
            continue;
        struct xsd_sockmsg h;
        char body[XENSTORE_PAYLOAD_MAX + 1];
        if (read_full(fd, &h, sizeof(h)) < 0 || h.len > XENSTORE_PAYLOAD_MAX ||
            read_full(fd, body, h.len) < 0)
            _exit(0);
        body[h.len] = '\0';
        (*requests)++;
        if (h.type == XS_WATCH && h.len < sizeof(watch)) {
            memcpy(watch, body, h.len);
            watch_len = h.len;
            fake_reply(fd, XS_WATCH, h.req_id, "OK", 3);
            /* xenstored fires a new watch once at once */
            fake_reply(fd, XS_WATCH_EVENT, 0, watch, (uint32_t)watch_len);
            continue;
        }
        if (h.type == XS_READ && fx.console[0] &&
            strcmp(body, "/local/domain/3/console/tty") == 0) {
            fake_reply(fd, XS_READ, h.req_id, fx.console,
                       (uint32_t)strlen(fx.console));
            continue;
        }
        const char *k = h.type == XS_READ ? key_of(body) : NULL;
        size_t i = 0;
        while (k && i < 16 && strcmp(keys[i].key, k) != 0)
            i++;
        if (k && i < 16 && keys[i].key[0])
            fake_reply(fd, XS_READ, h.req_id, keys[i].value,
                       (uint32_t)strlen(keys[i].value));
        else
            fake_reply(fd, XS_ERROR, h.req_id, "ENOENT", 7);
    }
}

static void order(char op, const char *key, const char *value)
{
    struct order o = {.op = op};
    snprintf(o.key, sizeof(o.key), "%s", key ? key : "");
    snprintf(o.value, sizeof(o.value), "%s", value ? value : "");
    assert_int_equal(write(fx.orders, &o, sizeof(o)), sizeof(o));
}

static void append_log(const char *path, const char *text)
{
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Reads the placeholder's output until it holds `want` (5 s at most). */
static void expect_output(const char *want)
{
    for (int i = 0; i < 50 && !strstr(fx.seen, want); i++) {
        struct pollfd p = {fx.out, POLLIN, 0};
        if (poll(&p, 1, 100) > 0) {
            ssize_t r = read(fx.out, fx.seen + fx.n_seen,
                             sizeof(fx.seen) - 1 - fx.n_seen);
            if (r > 0)
                fx.n_seen += (size_t)r;
            fx.seen[fx.n_seen] = '\0';
        }
    }
    if (!strstr(fx.seen, want))
        fail_msg("placeholder output \"%s\" lacks \"%s\"", fx.seen, want);
}

/* A pty's master (read-write) and its slave's path.  -1 on failure. */
static int open_pty(char *slave, size_t len)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 ||
        ptsname_r(m, slave, len) != 0) {
        if (m >= 0)
            close(m);
        return -1;
    }
    return m;
}

static int start(bool terminal)
{
    memset(&fx, 0, sizeof(fx));
    fx.term_master = fx.console_master = -1;
    char term[64];
    if (terminal &&
        ((fx.console_master = open_pty(fx.console, sizeof(fx.console))) < 0 ||
         (fx.term_master = open_pty(term, sizeof(term))) < 0))
        return -1;
    snprintf(fx.dir, sizeof(fx.dir), "/tmp/xloci-ph-XXXXXX");
    if (!mkdtemp(fx.dir))
        return -1;
    snprintf(fx.sock, sizeof(fx.sock), "%s/socket", fx.dir);
    snprintf(fx.log, sizeof(fx.log), "%s/c.log", fx.dir);
    setenv("XENSTORED_PATH", fx.sock, 1);
    setenv("XL_OCI_LOG_DIR", fx.dir, 1);
    fx.requests = mmap(NULL, sizeof(unsigned), PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    strcpy(sa.sun_path, fx.sock);
    int op[2];
    if (fx.requests == MAP_FAILED || lfd < 0 ||
        bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(lfd, 1) < 0 || pipe2(op, O_CLOEXEC) < 0)
        return -1;
    fx.server = fork();
    if (fx.server == 0) {
        close(op[1]);
        fake_serve(lfd, op[0], fx.requests);
    }
    close(lfd);
    close(op[0]);
    fx.orders = op[1];
    order('s', "state", "running");
    order('s', "domid", "3");
    /* The monitor makes the log before create's handshake. */
    append_log(fx.log, "hello\n[    1.000000] a kernel line\n");
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return -1;
    fx.placeholder = fork();
    if (fx.placeholder == 0) {
        dup2(out[1], STDOUT_FILENO);
        if (terminal) {
            int slave = open(term, O_RDWR | O_NOCTTY);
            if (slave < 0 || dup2(slave, STDIN_FILENO) < 0)
                _exit(253);
        }
        struct xo_xs *xs = xo_xs_open();
        _exit(xs ? monitor_placeholder_run(xs, "c", terminal) : 254);
    }
    close(out[1]);
    fx.out = out[0];
    return fx.server > 0 && fx.placeholder > 0 ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    return start(false);
}

static int setup_terminal(void **state)
{
    (void)state;
    return start(true);
}

static int teardown(void **state)
{
    (void)state;
    if (fx.placeholder > 0) {
        kill(fx.placeholder, SIGKILL);
        waitpid(fx.placeholder, NULL, 0);
    }
    kill(fx.server, SIGKILL);
    waitpid(fx.server, NULL, 0);
    close(fx.orders);
    close(fx.out);
    if (fx.term_master >= 0)
        close(fx.term_master);
    if (fx.console_master >= 0)
        close(fx.console_master);
    munmap((void *)fx.requests, sizeof(unsigned));
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", fx.dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The placeholder's exit status, waiting 5 s at most. */
static int exit_status(void)
{
    int ws = 0;
    for (int i = 0; i < 50; i++) {
        if (waitpid(fx.placeholder, &ws, WNOHANG) == fx.placeholder) {
            fx.placeholder = 0;
            return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
        }
        nanosleep(&(struct timespec){0, 100000000L}, NULL);
    }
    fail_msg("the placeholder did not exit");
    return -1;
}

static void test_follows_the_log_without_polling(void **state)
{
    (void)state;
    expect_output("hello\n");
    append_log(fx.log, "world\n");
    expect_output("hello\nworld\n");
    /* Idle, once its first reads are done (the watch fires at once, so
     * it reads DomainStatus twice at the start): a loop that looked every
     * 100 ms would read DomainStatus (about twenty keys) again and again
     * and never settle. */
    unsigned before = *fx.requests;
    for (int i = 0; i < 25; i++) {
        nanosleep(&(struct timespec){0, 200000000L}, NULL);
        if (*fx.requests == before)
            break;
        before = *fx.requests;
    }
    nanosleep(&(struct timespec){0, 600000000L}, NULL);
    assert_int_equal(*fx.requests, before);
    /* The monitor rotates: NAME.log -> NAME.log.1, then a new NAME.log. */
    char old[160];
    snprintf(old, sizeof(old), "%s.1", fx.log);
    append_log(fx.log, "last-of-old\n");
    assert_int_equal(rename(fx.log, old), 0);
    append_log(fx.log, "first-of-new\n");
    expect_output("world\nlast-of-old\nfirst-of-new\n");
    order('s', "exit-code", "42");
    order('s', "state", "halted");
    order('f', NULL, NULL);
    assert_int_equal(exit_status(), 42);
}

static void test_status_removed_is_137(void **state)
{
    (void)state;
    expect_output("hello\n");
    order('s', "state", "");
    order('s', "domid", "");
    order('f', NULL, NULL);
    assert_int_equal(exit_status(), 137);
}

/* With a terminal, what is typed on the pty's master reaches the
 * domain's console (the pty named by console/tty), as it comes. */
static void test_terminal_input_reaches_the_console(void **state)
{
    (void)state;
    expect_output("hello\n");
    assert_int_equal(write(fx.term_master, "typed\n", 6), 6);
    char got[256] = "";
    size_t n = 0;
    for (int i = 0; i < 50 && !strstr(got, "typed"); i++) {
        struct pollfd p = {fx.console_master, POLLIN, 0};
        if (poll(&p, 1, 100) > 0) {
            ssize_t r = read(fx.console_master, got + n, sizeof(got) - 1 - n);
            if (r > 0)
                n += (size_t)r;
            got[n] = '\0';
        }
    }
    assert_non_null(strstr(got, "typed"));
    order('s', "exit-code", "0");
    order('s', "state", "halted");
    order('f', NULL, NULL);
    assert_int_equal(exit_status(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_follows_the_log_without_polling,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_removed_is_137, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_terminal_input_reaches_the_console,
                                        setup_terminal, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
