/*
 * test-exec-session.c: the guest's exec session (loader/xen-tools/
 * exec_session.c) over a socketpair instead of the vchan, with this test
 * as dom0: a command's output, stderr, stdin and exit code, a pty for -t,
 * the user and cwd rules, a signal to the container's process 1, and
 * garbage from dom0 refused with an ERROR while the server lives on.
 * Each session runs in a child (it joins namespaces and forks); the
 * "container" is this process's own namespaces.  Needs root (setns).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/abi/exec_channel.h"
#include "loader/xen-tools/exec_session.h"

static int sock_recv(void *ctx, void *buf, size_t n)
{
    ssize_t r = recv(*(int *)ctx, buf, n, MSG_DONTWAIT);
    if (r == 0)
        return -1;
    if (r < 0)
        return errno == EAGAIN ? 0 : -1;
    return (int)r;
}

static size_t sock_space(void *ctx)
{
    (void)ctx;
    return EXEC_CHANNEL_RING_TO_DOM0;
}

static int sock_send(void *ctx, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = send(*(int *)ctx, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int sock_fd(void *ctx)
{
    return *(int *)ctx;
}

static void sock_ack(void *ctx)
{
    (void)ctx;
}

static const char *spec_env[] = {"PATH=/usr/bin:/bin", "FROM_SPEC=1", NULL};

/* Forks a server for one session with `ctr` as the container's process
 * 1; returns dom0's end of the link, *pid_r the server. */
static int start_session(pid_t ctr, pid_t *pid_r)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(sv[0]);
        static struct boot_spec spec;
        spec.env = spec_env;
        spec.nenv = 2;
        spec.cwd = "/";
        spec.user = "";
        int fd = sv[1];
        struct exec_link link = {&fd,       sock_recv, sock_space,
                                 sock_send, sock_fd,   sock_ack};
        exec_session_serve(&spec, ctr, &link);
        _exit(0);
    }
    close(sv[1]);
    *pid_r = pid;
    return sv[0];
}

static void send_all(int fd, const uint8_t *buf, long n)
{
    assert_true(n > 0);
    assert_int_equal(write(fd, buf, (size_t)n), n);
}

/* What came back in one session, until the server closed its end. */
struct replies {
    char out[4096], err[4096];
    size_t nout, nerr;
    int code; /* -1 when no EXIT */
    int errnum;
    char error[EXEC_ERROR_MAX + 1];
    int started, ok;
};

static void collect(int fd, struct replies *r)
{
    static struct exec_reader rd;
    exec_reader_init(&rd, EXEC_SIDE_DOM0);
    memset(r, 0, sizeof(*r));
    r->code = -1;
    uint8_t buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0)
            break;
        exec_reader_feed(&rd, buf, (size_t)n);
        struct exec_frame f;
        const char *why = NULL;
        int got;
        while ((got = exec_reader_next(&rd, &f, &why)) == 1) {
            switch (f.type) {
            case EXEC_MSG_STDOUT:
                memcpy(r->out + r->nout, f.payload, f.len);
                r->nout += f.len;
                break;
            case EXEC_MSG_STDERR:
                memcpy(r->err + r->nerr, f.payload, f.len);
                r->nerr += f.len;
                break;
            case EXEC_MSG_EXIT:
                assert_int_equal(
                    exec_exit_decode(f.payload, f.len, &r->code, &why), 0);
                break;
            case EXEC_MSG_ERROR:
                assert_int_equal(exec_error_decode(f.payload, f.len, &r->errnum,
                                                   r->error, sizeof(r->error),
                                                   &why),
                                 0);
                break;
            case EXEC_MSG_STARTED:
                r->started++;
                break;
            case EXEC_MSG_OK:
                r->ok++;
                break;
            default:
                fail_msg("unexpected type %d", f.type);
            }
        }
        assert_int_not_equal(got, -1);
    }
}

static void finish(int fd, pid_t pid)
{
    close(fd);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    /* The server survived whatever the session was. */
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void run(const char *user, const char *cwd, const char *const *args,
                const char *const *env, uint32_t flags, const char *in,
                struct replies *r)
{
    static uint8_t frame[EXEC_FRAME_MAX];
    const char *why = "";
    pid_t pid;
    int fd = start_session(getpid(), &pid);
    uint16_t rows = flags & EXEC_FLAG_TTY ? 33 : 0;
    uint16_t cols = flags & EXEC_FLAG_TTY ? 101 : 0;
    send_all(fd, frame,
             exec_request_encode(frame, sizeof(frame), flags, rows, cols, user,
                                 cwd, args, env, &why));
    if (in) {
        send_all(fd, frame,
                 exec_data_encode(frame, sizeof(frame), EXEC_MSG_STDIN, in,
                                  strlen(in), &why));
        send_all(fd, frame,
                 exec_data_encode(frame, sizeof(frame), EXEC_MSG_STDIN, "", 0,
                                  &why));
    }
    collect(fd, r);
    finish(fd, pid);
}

static int need_root(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    return 0;
}

static void test_exit_code_and_streams(void **state)
{
    (void)state;
    struct replies r;
    const char *args[] = {"sh", "-c",
                          "echo out; echo err >&2; echo $FROM_SPEC$EXTRA; "
                          "exit 7",
                          NULL};
    const char *env[] = {"EXTRA=x", NULL};
    run("", "", args, env, 0, NULL, &r);
    assert_int_equal(r.started, 1);
    assert_int_equal(r.code, 7);
    r.out[r.nout] = r.err[r.nerr] = '\0';
    /* The spec's env, with the request's added. */
    assert_string_equal(r.out, "out\n1x\n");
    assert_string_equal(r.err, "err\n");
}

static void test_user_cwd_and_env_override(void **state)
{
    (void)state;
    struct replies r;
    const char *args[] = {"sh", "-c", "id -u; id -g; pwd; echo $FROM_SPEC",
                          NULL};
    const char *env[] = {"FROM_SPEC=over", NULL};
    run("4321:4322", "/tmp", args, env, 0, NULL, &r);
    assert_int_equal(r.code, 0);
    r.out[r.nout] = '\0';
    assert_string_equal(r.out, "4321\n4322\n/tmp\nover\n");
}

static void test_stdin(void **state)
{
    (void)state;
    struct replies r;
    const char *args[] = {"cat", NULL};
    run("", "", args, NULL, EXEC_FLAG_STDIN, "hello\nworld\n", &r);
    assert_int_equal(r.code, 0);
    r.out[r.nout] = '\0';
    assert_string_equal(r.out, "hello\nworld\n");
    /* Without the flag the process's stdin is empty. */
    run("", "", args, NULL, 0, NULL, &r);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.nout, 0);
}

static void test_tty(void **state)
{
    (void)state;
    struct replies r;
    const char *args[] = {"sh", "-c", "tty; stty size", NULL};
    run("", "", args, NULL, EXEC_FLAG_TTY, NULL, &r);
    assert_int_equal(r.code, 0);
    r.out[r.nout] = '\0';
    assert_non_null(strstr(r.out, "/dev/pts/"));
    assert_non_null(strstr(r.out, "33 101"));
}

static void test_not_found(void **state)
{
    (void)state;
    struct replies r;
    const char *args[] = {"/no/such/program", NULL};
    run("", "", args, NULL, 0, NULL, &r);
    assert_int_equal(r.code, -1);
    assert_int_equal(r.started, 0);
    assert_int_equal(r.errnum, ENOENT);
    assert_non_null(strstr(r.error, "/no/such/program"));
    const char *cwd_args[] = {"true", NULL};
    run("", "/no/such/dir", cwd_args, NULL, 0, NULL, &r);
    assert_int_equal(r.errnum, ENOENT);
    assert_non_null(strstr(r.error, "/no/such/dir"));
}

static void test_signal_to_container(void **state)
{
    (void)state;
    pid_t ctr = fork();
    assert_true(ctr >= 0);
    if (ctr == 0) {
        for (;;)
            pause();
    }
    static uint8_t frame[64];
    const char *why = "";
    pid_t pid;
    int fd = start_session(ctr, &pid);
    send_all(fd, frame,
             exec_signal_encode(frame, sizeof(frame), SIGUSR2,
                                EXEC_SIGNAL_CONTAINER, &why));
    struct replies r;
    collect(fd, &r);
    finish(fd, pid);
    assert_int_equal(r.ok, 1);
    int st;
    assert_int_equal(waitpid(ctr, &st, 0), ctr);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGUSR2);
}

/* Each kind of garbage from dom0 ends the session with an ERROR; the
 * server process returns normally (finish() checks it). */
static void test_garbage_refused(void **state)
{
    (void)state;
    static const uint8_t bad[][EXEC_HDR_LEN] = {
        {9, EXEC_MSG_REQUEST, 0, 0, 12, 0, 0, 0},          /* version */
        {1, EXEC_MSG_STDIN, 0, 0, 0xff, 0xff, 0xff, 0xff}, /* length */
        {1, EXEC_MSG_EXIT, 0, 0, 4, 0, 0, 0},              /* direction */
        {1, EXEC_MSG_STDIN, 0, 0, 0, 0, 0, 0},             /* not first */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        pid_t pid;
        int fd = start_session(getpid(), &pid);
        send_all(fd, bad[i], EXEC_HDR_LEN);
        struct replies r;
        collect(fd, &r);
        finish(fd, pid);
        assert_int_equal(r.errnum, EINVAL);
        assert_true(strlen(r.error) > 0);
    }
    /* A signal to a process before any request. */
    static uint8_t frame[64];
    const char *why = "";
    pid_t pid;
    int fd = start_session(getpid(), &pid);
    send_all(fd, frame,
             exec_signal_encode(frame, sizeof(frame), SIGTERM,
                                EXEC_SIGNAL_PROCESS, &why));
    struct replies r;
    collect(fd, &r);
    finish(fd, pid);
    assert_int_equal(r.errnum, EINVAL);
}

/* Garbage in the middle of a session kills its process. */
static void test_garbage_mid_session(void **state)
{
    (void)state;
    static uint8_t frame[EXEC_FRAME_MAX];
    const char *why = "";
    const char *args[] = {"sleep", "30", NULL};
    pid_t pid;
    int fd = start_session(getpid(), &pid);
    send_all(fd, frame,
             exec_request_encode(frame, sizeof(frame), 0, 0, 0, "", "", args,
                                 NULL, &why));
    static const uint8_t junk[EXEC_HDR_LEN] = {1, 99, 0, 0, 0, 0, 0, 0};
    send_all(fd, junk, sizeof(junk));
    struct replies r;
    collect(fd, &r);
    finish(fd, pid);
    assert_int_equal(r.started, 1);
    assert_int_equal(r.errnum, EINVAL);
    assert_string_equal(r.error, "unknown message type");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_exit_code_and_streams, need_root),
        cmocka_unit_test_setup(test_user_cwd_and_env_override, need_root),
        cmocka_unit_test_setup(test_stdin, need_root),
        cmocka_unit_test_setup(test_tty, need_root),
        cmocka_unit_test_setup(test_not_found, need_root),
        cmocka_unit_test_setup(test_signal_to_container, need_root),
        cmocka_unit_test_setup(test_garbage_refused, need_root),
        cmocka_unit_test_setup(test_garbage_mid_session, need_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
