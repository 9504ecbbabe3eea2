/*
 * probe.c: the workload of loader tests.  A static multi-call binary that
 * runs a sequence of commands given as arguments, printing one
 * "probe: ..." line per fact, so a test can ask a container what it sees
 * (args, env, ids, mounts) and make it behave (exit codes, signals,
 * orphans) without needing anything else in the image.
 *
 *   probe [COMMAND [ARG]...]...
 *     args | env | cwd | ids | hostname | mounts | pid
 *     exit CODE        exit now with CODE
 *     sleep MS         sleep MS milliseconds (signals still delivered)
 *     spin MS          keep a CPU busy for MS milliseconds (stats' CPU)
 *     alloc MIB        allocate and touch MIB MiB, 1 MiB at a time, kept
 *                      ("probe: alloc MIB: ok"; past the memory the OOM
 *                      killer ends it, SIGKILL)
 *     trap SIG CODE    on signal SIG print "probe: caught SIG", exit CODE
 *     ignore SIG       ignore signal SIG (to test the grace period)
 *     raise SIG        send SIG to itself (default action)
 *     crash            write through a null pointer (a forced SIGSEGV)
 *     write PATH TEXT  write TEXT to PATH ("probe: write PATH: ok|error")
 *     read PATH        print PATH's first line ("probe: read PATH: ...")
 *     cat PATH         print every line of PATH ("probe: cat PATH: ...")
 *     stat PATH        "probe: stat PATH: UID:GID MODE TYPE" (lstat; MODE in
 *                      octal, TYPE one of file dir link char block fifo sock)
 *     ls DIR           "probe: ls DIR: NAME NAME ..." sorted, without . and ..
 *     print TEXT       TEXT on stdout, no newline, flushed (half a line)
 *     fd N             "probe: fd N: TYPE tty|notty" (fstat of fd N, TYPE as
 *                      stat's; tty when isatty(N))
 *     open PATH        open PATH for writing, as a logger opens /dev/stdout
 *                      ("probe: open PATH: ok|error")
 *     caps             the Cap* and NoNewPrivs lines of /proc/self/status
 *     rlimits          "probe: rlimit NAME SOFT:HARD" for nofile and nproc
 *     zombies N        leave N orphans that exit at once (PID 1 must reap)
 *     count-zombies    print the number of zombie processes it can see
 *     escape-chroot    walk out of its root as a process with
 *                      CAP_SYS_CHROOT can when that root is not its mount
 *                      namespace's (chroot below the cwd, ".." to the top,
 *                      each level listed as ls lists ".", chroot there);
 *                      later commands see where it got
 *                      ("probe: escape-chroot: ok|error (...)")
 *     hostile          act as a hostile guest towards dom0's xenstore: try
 *                      to write /tool/xl-oci/x and garbage under
 *                      data/xl-oci/ (unknown key, bad phase, huge error,
 *                      non-numeric and overflowing exit codes); prints
 *                      "probe: hostile KEY: ok|denied (...)" for each
 *
 * Invoked under another name (a symlink), that name is the first command.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

extern char **environ;

static int trap_code[65];

static long num(const char *s, const char *what)
{
    char *end;
    errno = 0;
    long v = strtol(s ? s : "", &end, 10);
    if (!s || !*s || *end || errno) {
        printf("probe: bad %s: %s\n", what, s ? s : "(missing)");
        exit(2);
    }
    return v;
}

static void on_trap(int sig)
{
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "probe: caught %d\n", sig);
    if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
        _exit(3);
    _exit(trap_code[sig]);
}

/* Busy until `ms` have passed on the monotonic clock. */
static void spin_ms(long ms)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        for (volatile int i = 0; i < 100000; i++)
            ;
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) * 1000 +
                 (t.tv_nsec - t0.tv_nsec) / 1000000 <
             ms);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static void print_ids(void)
{
    gid_t groups[NGROUPS_MAX];
    int n = getgroups(NGROUPS_MAX, groups);
    printf("probe: uid=%u gid=%u groups=", (unsigned)getuid(),
           (unsigned)getgid());
    for (int i = 0; i < n; i++)
        printf("%s%u", i ? "," : "", (unsigned)groups[i]);
    printf("\n");
}

static void print_file(const char *prefix, const char *path, int all)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("probe: %s%s: error: %s\n", prefix, all ? "" : path,
               strerror(errno));
        return;
    }
    char line[4096];
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        if (all) {
            printf("probe: %s%s\n", prefix, line);
        } else {
            printf("probe: %s%s: %s\n", prefix, path, line);
            break;
        }
    }
    fclose(f);
}

/* stat's and fd's TYPE word. */
static const char *type_name(mode_t m)
{
    return S_ISREG(m)    ? "file"
           : S_ISDIR(m)  ? "dir"
           : S_ISLNK(m)  ? "link"
           : S_ISCHR(m)  ? "char"
           : S_ISBLK(m)  ? "block"
           : S_ISFIFO(m) ? "fifo"
                         : "sock";
}

static void print_stat(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        printf("probe: stat %s: error: %s\n", path, strerror(errno));
        return;
    }
    printf("probe: stat %s: %u:%u %o %s\n", path, (unsigned)st.st_uid,
           (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777),
           type_name(st.st_mode));
}

static void print_fd(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        printf("probe: fd %d: error: %s\n", fd, strerror(errno));
        return;
    }
    printf("probe: fd %d: %s %s\n", fd, type_name(st.st_mode),
           isatty(fd) ? "tty" : "notty");
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_ls(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        printf("probe: ls %s: error: %s\n", path, strerror(errno));
        return;
    }
    char *names[1024];
    size_t n = 0;
    struct dirent *e;
    while (n < 1024 && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof(names[0]), cmp_names);
    printf("probe: ls %s:", path);
    for (size_t i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void print_rlimits(void)
{
    static const struct {
        const char *name;
        int res;
    } rl[] = {{"nofile", RLIMIT_NOFILE}, {"nproc", RLIMIT_NPROC}};
    for (size_t i = 0; i < sizeof(rl) / sizeof(rl[0]); i++) {
        struct rlimit r;
        getrlimit(rl[i].res, &r);
        char soft[32], hard[32];
        snprintf(soft, sizeof(soft), "%llu", (unsigned long long)r.rlim_cur);
        snprintf(hard, sizeof(hard), "%llu", (unsigned long long)r.rlim_max);
        printf("probe: rlimit %s %s:%s\n", rl[i].name,
               r.rlim_cur == RLIM_INFINITY ? "unlimited" : soft,
               r.rlim_max == RLIM_INFINITY ? "unlimited" : hard);
    }
}

static void print_caps(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, "Cap", 3) || !strncmp(line, "NoNewPrivs", 10))
            printf("probe: %s", line);
    if (f)
        fclose(f);
}

static void zombies(long n)
{
    for (long i = 0; i < n; i++) {
        pid_t p = fork();
        if (p == 0) {
            /* The grandchild outlives its parent: PID 1 inherits it. */
            if (fork() == 0) {
                sleep_ms(50);
                _exit(0);
            }
            _exit(0);
        }
        if (p > 0)
            waitpid(p, NULL, 0);
    }
    printf("probe: zombies: left %ld orphans\n", n);
}

static void count_zombies(void)
{
    DIR *d = opendir("/proc");
    long z = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        char path[300], buf[512];
        snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(buf, sizeof(buf), f)) {
            char *rp = strrchr(buf, ')');
            if (rp && rp[1] == ' ' && rp[2] == 'Z')
                z++;
        }
        fclose(f);
    }
    if (d)
        closedir(d);
    printf("probe: zombies %ld\n", z);
}

/*
 * What a compromised container could write.  The monitor (issue 5) must
 * ignore or reject all of it, and xenstored must refuse the /tool write.
 */
static void escape_chroot(void)
{
    mkdir("/tmp", 01777);
    struct stat prev, cur;
    if ((mkdir("/tmp/.escape", 0700) < 0 && errno != EEXIST) ||
        chdir("/") < 0 || stat(".", &prev) < 0 || chroot("/tmp/.escape") < 0) {
        printf("probe: escape-chroot: error (%s)\n", strerror(errno));
        return;
    }
    /* The cwd stayed outside the new root: ".." goes up past it.  What
     * each level holds is printed: a walker may stop anywhere. */
    for (int i = 0; i < 256; i++) {
        if (chdir("..") < 0 || stat(".", &cur) < 0)
            break;
        if (cur.st_dev == prev.st_dev && cur.st_ino == prev.st_ino)
            break;
        print_ls(".");
        prev = cur;
    }
    if (chroot(".") < 0 || chdir("/") < 0) {
        printf("probe: escape-chroot: error (%s)\n", strerror(errno));
        return;
    }
    printf("probe: escape-chroot: ok\n");
}

static void hostile(void)
{
    static char huge[8192];
    memset(huge, 'A', sizeof(huge) - 1);
    static const struct {
        const char *key, *value;
    } tries[] = {
        {"/tool/xl-oci/x", "pwned"},
        {"/tool/xl-oci/probe/state", "running"},
        {"data/xl-oci/evil", "unknown key"},
        {"data/xl-oci/phase", "bogus-phase"},
        {"data/xl-oci/exit-code", "99999999999999999999"},
        {"data/xl-oci/exit-code", "-1; rm -rf /"},
        {"data/xl-oci/error", huge},
        {"data/xl-oci/phase/nested", "x"},
    };
    struct xs_handle *xs = xs_open(0);
    if (!xs) {
        printf("probe: hostile: no xenstore: %s\n", strerror(errno));
        return;
    }
    for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
        bool ok = xs_write(xs, XBT_NULL, tries[i].key, tries[i].value,
                           (unsigned)strlen(tries[i].value));
        printf("probe: hostile %s: %s%s%s\n", tries[i].key,
               ok ? "ok" : "denied (", ok ? "" : strerror(errno),
               ok ? "" : ")");
    }
    xs_close(xs);
}

/* The last block `alloc` made, so the compiler keeps every one. */
static char *volatile alloc_sink;

static int run(char **argv, int argc, int i)
{
    const char *c = argv[i];
    const char *a1 = i + 1 < argc ? argv[i + 1] : NULL;
    const char *a2 = i + 2 < argc ? argv[i + 2] : NULL;
    if (!strcmp(c, "args")) {
        for (int k = 0; k < argc; k++)
            printf("probe: arg[%d]=%s\n", k, argv[k]);
    } else if (!strcmp(c, "env")) {
        for (char **e = environ; *e; e++)
            printf("probe: env %s\n", *e);
    } else if (!strcmp(c, "cwd")) {
        char buf[PATH_MAX];
        printf("probe: cwd %s\n", getcwd(buf, sizeof(buf)) ? buf : "?");
    } else if (!strcmp(c, "ids")) {
        print_ids();
    } else if (!strcmp(c, "hostname")) {
        char buf[256] = "";
        gethostname(buf, sizeof(buf) - 1);
        printf("probe: hostname %s\n", buf);
    } else if (!strcmp(c, "mounts")) {
        print_file("mount ", "/proc/self/mounts", 1);
    } else if (!strcmp(c, "pid")) {
        printf("probe: pid %d ppid %d\n", (int)getpid(), (int)getppid());
    } else if (!strcmp(c, "exit")) {
        fflush(stdout);
        exit((int)num(a1, "exit code"));
    } else if (!strcmp(c, "sleep")) {
        fflush(stdout);
        sleep_ms(num(a1, "milliseconds"));
        return 2;
    } else if (!strcmp(c, "spin")) {
        fflush(stdout);
        spin_ms(num(a1, "milliseconds"));
        return 2;
    } else if (!strcmp(c, "alloc")) {
        long mib = num(a1, "MiB");
        fflush(stdout);
        for (long k = 0; k < mib; k++) {
            char *p = malloc(1 << 20);
            if (!p) {
                printf("probe: alloc %ld: failed after %ld\n", mib, k);
                return 2;
            }
            memset(p, 0x5a, 1 << 20); /* touched: resident, not just mapped */
            alloc_sink = p;           /* escapes: nothing is optimised out */
        }
        printf("probe: alloc %ld: ok\n", mib);
        return 2;
    } else if (!strcmp(c, "trap") || !strcmp(c, "ignore")) {
        long sig = num(a1, "signal");
        if (sig < 1 || sig > 64)
            exit(2);
        if (c[0] == 't') {
            trap_code[sig] = (int)num(a2, "exit code");
            signal((int)sig, on_trap);
            printf("probe: trapping %ld\n", sig);
            return 3;
        }
        signal((int)sig, SIG_IGN);
        printf("probe: ignoring %ld\n", sig);
        return 2;
    } else if (!strcmp(c, "raise")) {
        fflush(stdout);
        raise((int)num(a1, "signal"));
        printf("probe: raise %s: still running\n", a1);
        return 2;
    } else if (!strcmp(c, "crash")) {
        fflush(stdout);
        *(volatile int *)(uintptr_t)0 = 1;
    } else if (!strcmp(c, "write")) {
        FILE *f = a1 && a2 ? fopen(a1, "w") : NULL;
        int ok = f && fputs(a2, f) >= 0;
        if (f && fclose(f) != 0)
            ok = 0;
        printf("probe: write %s: %s\n", a1 ? a1 : "?",
               ok ? "ok" : strerror(errno));
        return 3;
    } else if (!strcmp(c, "read")) {
        print_file("read ", a1 ? a1 : "", 0);
        return 2;
    } else if (!strcmp(c, "cat")) {
        char prefix[300];
        snprintf(prefix, sizeof(prefix), "cat %s: ", a1 ? a1 : "");
        print_file(prefix, a1 ? a1 : "", 1);
        return 2;
    } else if (!strcmp(c, "stat")) {
        print_stat(a1 ? a1 : "");
        return 2;
    } else if (!strcmp(c, "ls")) {
        print_ls(a1 ? a1 : "");
        return 2;
    } else if (!strcmp(c, "print")) {
        fputs(a1 ? a1 : "", stdout);
        fflush(stdout);
        return 2;
    } else if (!strcmp(c, "fd")) {
        print_fd(a1 ? atoi(a1) : -1);
        return 2;
    } else if (!strcmp(c, "open")) {
        int fd = a1 ? open(a1, O_WRONLY | O_CLOEXEC) : -1;
        printf("probe: open %s: %s\n", a1 ? a1 : "?",
               fd >= 0 ? "ok" : strerror(errno));
        if (fd >= 0)
            close(fd);
        return 2;
    } else if (!strcmp(c, "caps")) {
        print_caps();
    } else if (!strcmp(c, "rlimits")) {
        print_rlimits();
    } else if (!strcmp(c, "zombies")) {
        zombies(num(a1, "count"));
        return 2;
    } else if (!strcmp(c, "count-zombies")) {
        count_zombies();
    } else if (!strcmp(c, "escape-chroot")) {
        escape_chroot();
    } else if (!strcmp(c, "hostile")) {
        hostile();
    } else {
        printf("probe: unknown command %s\n", c);
        exit(2);
    }
    return 1;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    int i = 1;
    if (strcmp(base, "probe") != 0) {
        /* Multi-call: the program name is the first command. */
        argv[0] = (char *)base;
        i = 0;
    }
    while (i < argc) {
        int used = run(argv, argc, i);
        fflush(stdout);
        i += used;
    }
    return 0;
}
