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

#include <libfdt.h>
#include <sys/stat.h>

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

/* What pod containers start from in these tests (NULL: none). */
static const struct exec_pod_base *pod_base;

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
        spec.root_device = "/dev/xvda";
        int fd = sv[1];
        struct exec_link link = {&fd,     sock_recv, sock_space, sock_send,
                                 sock_fd, sock_ack,  NULL};
        exec_session_serve(&spec, pod_base, ctr, &link);
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
    bool setup; /* ERROR's EXEC_ERROR_SETUP */
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
                                                   &r->setup, r->error,
                                                   sizeof(r->error), &why),
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

/* `in`, then the end of input, as STDIN messages. */
static void send_stdin(int fd, const char *in)
{
    static uint8_t frame[EXEC_FRAME_MAX];
    const char *why = "";
    send_all(fd, frame,
             exec_data_encode(frame, sizeof(frame), EXEC_MSG_STDIN, in,
                              strlen(in), &why));
    send_all(
        fd, frame,
        exec_data_encode(frame, sizeof(frame), EXEC_MSG_STDIN, "", 0, &why));
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
    if (in)
        send_stdin(fd, in);
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

/* KEY alone removes KEY (Docker exec's -e KEY when the client has
 * none), the spec's and an earlier entry's alike; of entries naming one
 * KEY the last counts (runc's Setenv in turn: getenv saw the first). */
static void test_env_unset_and_last_wins(void **state)
{
    (void)state;
    struct replies r;
    const char *args[] = {
        "sh", "-c",
        "echo ${FROM_SPEC-unset} ${TWICE-unset} ${GONE-unset} $PATH; "
        "env | grep -c '^TWICE='",
        NULL};
    const char *env[] = {"FROM_SPEC", "TWICE=1", "GONE=1",
                         "TWICE=2",   "GONE",    NULL};
    run("", "", args, env, 0, NULL, &r);
    assert_int_equal(r.code, 0);
    r.out[r.nout] = '\0';
    assert_string_equal(r.out, "unset 2 unset /usr/bin:/bin\n1\n");
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
    assert_false(r.setup); /* the program's exec: 127 */
    assert_non_null(strstr(r.error, "/no/such/program"));
    /* A cwd that is not there: the program was never exec'd (1, not the
     * 127 of a program not found). */
    const char *cwd_args[] = {"true", NULL};
    run("", "/no/such/dir", cwd_args, NULL, 0, NULL, &r);
    assert_int_equal(r.errnum, ENOENT);
    assert_true(r.setup);
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

/*
 * Pod containers (CONTAINER): the "initramfs" is this process's root and
 * mount namespace, the staging a temporary directory, and the container's
 * root device /dev/xvdb a directory holding busybox (the host test mode's
 * --dev mapping, loader/xen-tools/mounts.h).
 */
static char pod_root[64], pod_stage[64];
static struct loader_env pod_env;
static struct exec_pod_base pod_base_v;

static int pod_setup(void **state)
{
    if (need_root(state) != 0 || access("/bin/busybox", X_OK) < 0)
        skip();
    strcpy(pod_root, "/tmp/xo-pod-root.XXXXXX");
    strcpy(pod_stage, "/tmp/xo-pod-stage.XXXXXX");
    assert_non_null(mkdtemp(pod_root));
    assert_non_null(mkdtemp(pod_stage));
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "mkdir -p %s/bin %s/etc && cp /bin/busybox %s/bin/ && "
             "ln -s busybox %s/bin/sh && echo pod-root >%s/marker && "
             "echo 'root:x:0:0::/root:/bin/sh' >%s/etc/passwd",
             pod_root, pod_root, pod_root, pod_root, pod_root, pod_root);
    assert_int_equal(system(cmd), 0);
    pod_env.host = true;
    pod_env.staging = pod_stage;
    pod_env.devmap[0].dev = "/dev/xvdb";
    pod_env.devmap[0].src = pod_root;
    pod_env.ndevmap = 1;
    pod_base_v.env = &pod_env;
    pod_base_v.root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    pod_base_v.mntns_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    assert_true(pod_base_v.root_fd >= 0 && pod_base_v.mntns_fd >= 0);
    char reg[300];
    xo_err err = XO_ERR_INIT;
    snprintf(reg, sizeof(reg), "%s/.pod-registry", pod_stage); /* fits */
    pod_base_v.registry_fd = pod_container_registry_open(reg, &err);
    assert_true(pod_base_v.registry_fd >= 0);
    /* Detached: reached through the descriptor only. */
    struct stat st;
    assert_int_equal(stat(reg, &st), -1);
    pod_base = &pod_base_v;
    return 0;
}

static int pod_teardown(void **state)
{
    (void)state;
    pod_base = NULL;
    close(pod_base_v.registry_fd);
    char cmd[512];
    /* Each session removed its staging directory: rmdir fails on any
     * left. */
    snprintf(cmd, sizeof(cmd),
             "rm -rf %s && ! ls -A %s/pods 2>/dev/null | grep -q . && "
             "rm -rf %s",
             pod_root, pod_stage, pod_stage);
    assert_int_equal(system(cmd), 0);
    return 0;
}

/* A pod container's boot spec: `script` run by /bin/sh, root /dev/xvdb,
 * an interface when `iface`. */
static size_t pod_spec(uint8_t *buf, size_t sz, const char *script,
                       const char *root_dev, bool iface)
{
    assert_int_equal(fdt_create(buf, (int)sz), 0);
    assert_int_equal(fdt_finish_reservemap(buf), 0);
    fdt_begin_node(buf, "");
    fdt_property_string(buf, "compatible", "xl-oci,boot-spec");
    fdt_property_u32(buf, "version", 1);
    fdt_property_string(buf, "hostname", "pod");
    fdt_begin_node(buf, "process");
    char args[1024];
    int n = snprintf(args, sizeof(args), "/bin/sh%c-c%c%s", 0, 0, script);
    fdt_property(buf, "args", args, n + 1);
    static const char env[] = "PATH=/bin\0POD=member";
    fdt_property(buf, "env", env, sizeof(env));
    fdt_property_string(buf, "cwd", "/work");
    fdt_property_string(buf, "user", "0:0");
    fdt_property_u32(buf, "stop-signal", 15);
    fdt_property_u32(buf, "stop-timeout", 10);
    fdt_end_node(buf);
    fdt_begin_node(buf, "rootfs");
    fdt_property_string(buf, "device", root_dev);
    fdt_property_string(buf, "fstype", "erofs");
    fdt_end_node(buf);
    fdt_begin_node(buf, "writable");
    fdt_property_string(buf, "type", "tmpfs");
    fdt_end_node(buf);
    if (iface) {
        fdt_begin_node(buf, "network");
        fdt_begin_node(buf, "interface@0");
        fdt_property_string(buf, "mac", "00:16:3e:00:00:01");
        fdt_property_string(buf, "address", "10.0.0.2/24");
        fdt_end_node(buf);
        fdt_end_node(buf);
    }
    fdt_end_node(buf);
    assert_int_equal(fdt_finish(buf), 0);
    return fdt_totalsize(buf);
}

static void run_pod(const char *script, const char *root_dev, bool iface,
                    uint32_t flags, const char *in, struct replies *r)
{
    static uint8_t frame[EXEC_FRAME_MAX];
    static uint8_t spec[8192] __attribute__((aligned(8)));
    size_t len = pod_spec(spec, sizeof(spec), script, root_dev, iface);
    const char *why = "";
    pid_t pid;
    int fd = start_session(getpid(), &pid);
    uint16_t rows = flags & EXEC_FLAG_TTY ? 24 : 0;
    uint16_t cols = flags & EXEC_FLAG_TTY ? 77 : 0;
    send_all(fd, frame,
             exec_container_encode(frame, sizeof(frame), flags, rows, cols,
                                   spec, len, &why));
    if (in)
        send_stdin(fd, in);
    collect(fd, r);
    finish(fd, pid);
    r->out[r->nout] = r->err[r->nerr] = '\0';
}

/* Its own root (the device's files, not ours), PID 1 of its own PID
 * namespace, /proc of that namespace, its cwd made, the spec's env, the
 * exit code through EXIT; nothing of it stays in our namespace. */
static void test_pod_container_runs(void **state)
{
    (void)state;
    struct replies r;
    /* /proc lists the namespace's processes only: sh itself, as the
     * shell expands the glob without a child (a pipeline's count raced
     * its second process's fork). */
    run_pod("echo pid=$$; cat /marker; pwd; echo $POD; echo /proc/[0-9]*; "
            "test -e /etc/debian_version || echo no-host-files; exit 9",
            "/dev/xvdb", false, 0, NULL, &r);
    assert_int_equal(r.started, 1);
    assert_int_equal(r.code, 9);
    assert_string_equal(
        r.out, "pid=1\npod-root\n/work\nmember\n/proc/1\nno-host-files\n");
    /* The staging was a mount of the container's namespace only. */
    char path[256];
    snprintf(path, sizeof(path), "%s/pods", pod_stage);
    struct stat st;
    if (stat(path, &st) == 0) {
        FILE *m = fopen("/proc/self/mountinfo", "r");
        char line[1024];
        while (m && fgets(line, sizeof(line), m))
            assert_null(strstr(line, pod_stage));
        if (m)
            fclose(m);
    }
}

static void test_pod_container_stdin_and_tty(void **state)
{
    (void)state;
    struct replies r;
    run_pod("cat", "/dev/xvdb", false, EXEC_FLAG_STDIN, "to-the-pod\n", &r);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.out, "to-the-pod\n");
    run_pod("tty; stty size", "/dev/xvdb", false, EXEC_FLAG_TTY, NULL, &r);
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "/dev/pts/0"));
    assert_non_null(strstr(r.out, "24 77"));
}

/* Refused before anything runs, each saying why. */
static void test_pod_container_refused(void **state)
{
    (void)state;
    struct replies r;
    run_pod("true", "/dev/xvdb", true, 0, NULL, &r);
    assert_int_equal(r.errnum, EINVAL);
    assert_non_null(strstr(r.error, "its network is the pod's"));
    run_pod("true", "/dev/xvda", false, 0, NULL, &r);
    assert_int_equal(r.errnum, EINVAL);
    assert_non_null(strstr(r.error, "the domain's own"));
    /* A device that is not there: the mount's error, no EXIT. */
    run_pod("true", "/dev/xvdq", false, 0, NULL, &r);
    assert_int_equal(r.code, -1);
    assert_int_equal(r.started, 0);
    assert_non_null(strstr(r.error, "/dev/xvdq"));
    /* A program the root lacks. */
    run_pod("exec /bin/nosuch", "/dev/xvdb", false, 0, NULL, &r);
    assert_int_equal(r.code, 127);
    /* No base: the domain runs no pod containers. */
    pod_base = NULL;
    run_pod("true", "/dev/xvdb", false, 0, NULL, &r);
    pod_base = &pod_base_v;
    assert_int_equal(r.errnum, ENOTSUP);
    /* Not a boot spec. */
    static uint8_t frame[256];
    const char *why = "";
    pid_t pid;
    int fd = start_session(getpid(), &pid);
    send_all(
        fd, frame,
        exec_container_encode(frame, sizeof(frame), 0, 0, 0, "junk", 4, &why));
    collect(fd, &r);
    finish(fd, pid);
    assert_int_equal(r.errnum, EINVAL);
    assert_non_null(strstr(r.error, "boot spec"));
}

/* Reads frames from `fd` until its stdout so far holds `want`. */
static void wait_output(int fd, const char *want)
{
    static struct exec_reader rd;
    exec_reader_init(&rd, EXEC_SIDE_DOM0);
    char out[4096] = "";
    size_t nout = 0;
    uint8_t buf[4096];
    while (!strstr(out, want)) {
        ssize_t n = read(fd, buf, sizeof(buf));
        assert_true(n > 0);
        exec_reader_feed(&rd, buf, (size_t)n);
        struct exec_frame f;
        const char *why = NULL;
        while (exec_reader_next(&rd, &f, &why) == 1)
            if (f.type == EXEC_MSG_STDOUT && nout + f.len < sizeof(out)) {
                memcpy(out + nout, f.payload, f.len);
                nout += f.len;
                out[nout] = '\0';
            }
    }
}

/* exec into a running pod container by its target (its root device's
 * name): the process sees that container's root, PID namespace (its
 * process 1 is the container's) and spec env; an unknown target is
 * refused; the container's record goes with it (pod_teardown). */
static void test_exec_into_pod_container(void **state)
{
    (void)state;
    static uint8_t frame[EXEC_FRAME_MAX];
    static uint8_t spec[8192] __attribute__((aligned(8)));
    size_t len =
        pod_spec(spec, sizeof(spec), "echo ready; exec busybox sleep 30",
                 "/dev/xvdb", false);
    const char *why = "";
    pid_t ctr_session;
    int ctr_fd = start_session(getpid(), &ctr_session);
    send_all(
        ctr_fd, frame,
        exec_container_encode(frame, sizeof(frame), 0, 0, 0, spec, len, &why));
    wait_output(ctr_fd, "ready");

    const char *args[] = {"/bin/sh", "-c",
                          "echo pid=$$ $POD; cat /marker; "
                          "tr '\\0' ' ' </proc/1/cmdline; echo",
                          NULL};
    struct replies r;
    pid_t pid;
    int fd = start_session(getpid(), &pid);
    send_all(fd, frame,
             exec_request_encode_to(frame, sizeof(frame), 0, 0, 0, "xvdb", "",
                                    "", args, NULL, &why));
    collect(fd, &r);
    finish(fd, pid);
    r.out[r.nout] = r.err[r.nerr] = '\0';
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, " member\npod-root\n"));
    assert_non_null(strstr(r.out, "busybox sleep 30"));
    assert_null(strstr(r.out, "pid=1 "));

    fd = start_session(getpid(), &pid);
    send_all(fd, frame,
             exec_request_encode_to(frame, sizeof(frame), 0, 0, 0, "xvdq", "",
                                    "", args, NULL, &why));
    collect(fd, &r);
    finish(fd, pid);
    assert_int_equal(r.errnum, ESRCH);
    assert_non_null(strstr(r.error, "no pod container runs on xvdq"));

    /* Its record is in the registry, which no path reaches. */
    assert_int_equal(faccessat(pod_base->registry_fd, "xvdb.pid", F_OK, 0), 0);
    assert_int_equal(faccessat(pod_base->registry_fd, "xvdb.spec", F_OK, 0), 0);

    /* dom0 leaving ends the container, and its record. */
    close(ctr_fd);
    int st;
    assert_int_equal(waitpid(ctr_session, &st, 0), ctr_session);
    assert_int_equal(faccessat(pod_base->registry_fd, "xvdb.pid", F_OK, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_exit_code_and_streams, need_root),
        cmocka_unit_test_setup(test_user_cwd_and_env_override, need_root),
        cmocka_unit_test_setup(test_env_unset_and_last_wins, need_root),
        cmocka_unit_test_setup(test_stdin, need_root),
        cmocka_unit_test_setup(test_tty, need_root),
        cmocka_unit_test_setup(test_not_found, need_root),
        cmocka_unit_test_setup(test_signal_to_container, need_root),
        cmocka_unit_test_setup(test_garbage_refused, need_root),
        cmocka_unit_test_setup(test_garbage_mid_session, need_root),
        cmocka_unit_test_setup_teardown(test_pod_container_runs, pod_setup,
                                        pod_teardown),
        cmocka_unit_test_setup_teardown(test_pod_container_stdin_and_tty,
                                        pod_setup, pod_teardown),
        cmocka_unit_test_setup_teardown(test_pod_container_refused, pod_setup,
                                        pod_teardown),
        cmocka_unit_test_setup_teardown(test_exec_into_pod_container, pod_setup,
                                        pod_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
