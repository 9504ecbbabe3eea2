/*
 * dnsfwd_spawn.c: the DNS forwarder's own process (dnsfwd.h), for the
 * loader's init and for a NOHYPER container's monitor.
 */
#include "dnsfwd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/abi/boot_spec.h"

#define DNS_PORT 53
#define NOBODY 65534 /* uid and gid: Debian's nobody and nogroup */
#define SYNC_FD 3    /* the child's end of the pipe to its parent */

/* servers[] from dns[] (IPv4 or IPv6 text, port 53), their domains[] from
 * domains (NULL: none); what is neither is skipped.  Their number. */
static size_t server_addrs(struct sockaddr_storage *servers, socklen_t *lens,
                           const char **doms, const char *const *dns,
                           const char *const *domains, size_t ndns)
{
    size_t n = 0;
    for (size_t i = 0; i < ndns && n < DNSFWD_MAX_SERVERS; i++) {
        struct sockaddr_in *a = (struct sockaddr_in *)&servers[n];
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&servers[n];
        memset(&servers[n], 0, sizeof(servers[n]));
        doms[n] = domains && domains[i] ? domains[i] : "";
        if (inet_pton(AF_INET, dns[i], &a->sin_addr) == 1) {
            a->sin_family = AF_INET;
            a->sin_port = htons(DNS_PORT);
            lens[n++] = sizeof(*a);
        } else if (inet_pton(AF_INET6, dns[i], &a6->sin6_addr) == 1) {
            a6->sin6_family = AF_INET6;
            a6->sin6_port = htons(DNS_PORT);
            lens[n++] = sizeof(*a6);
        }
    }
    return n;
}

/* The child, up to the bind: 0, or -1 with err. */
static int child_bind(struct dnsfwd *f, const char *const *dns,
                      const char *const *domains, size_t ndns,
                      const char *netns, xo_err *err)
{
    if (netns) {
        int fd = open(netns, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return xo_err_sys(err, "DNS forwarder: cannot open %s", netns);
        int r = setns(fd, CLONE_NEWNET);
        close(fd);
        if (r < 0)
            return xo_err_sys(err, "DNS forwarder: cannot enter %s", netns);
    }
    struct sockaddr_storage servers[DNSFWD_MAX_SERVERS];
    socklen_t lens[DNSFWD_MAX_SERVERS];
    const char *doms[DNSFWD_MAX_SERVERS];
    size_t n = server_addrs(servers, lens, doms, dns, domains, ndns);
    struct sockaddr_in at = {.sin_family = AF_INET,
                             .sin_port = htons(DNS_PORT)};
    if (inet_pton(AF_INET, BOOT_SPEC_DNS_FORWARD_ADDR, &at.sin_addr) != 1)
        return xo_err_set(err, EINVAL, "DNS forwarder: bad address %s",
                          BOOT_SPEC_DNS_FORWARD_ADDR);
    if (dnsfwd_open(f, (struct sockaddr *)&at, sizeof(at), servers, lens, doms,
                    n, err) < 0)
        return xo_err_wrap(err, "%s:%d", BOOT_SPEC_DNS_FORWARD_ADDR, DNS_PORT);
    return 0;
}

/* The child: never returns. */
static void child(const char *const *dns, const char *const *domains,
                  size_t ndns, const char *netns, int sync, pid_t parent)
{
    static struct dnsfwd f;
    /* Nothing of the parent's stays open here (a monitor's lock, its
     * relay's pipe): only the pipe, as SYNC_FD. */
    if (dup2(sync, SYNC_FD) < 0)
        _exit(1);
    close_range(SYNC_FD + 1, ~0U, 0);
    prctl(PR_SET_NAME, "xl-oci-dns", 0, 0, 0);
    static const int reset[] = {SIGTERM, SIGINT,  SIGHUP,
                                SIGUSR1, SIGUSR2, SIGCHLD};
    for (size_t i = 0; i < sizeof(reset) / sizeof(reset[0]); i++)
        signal(reset[i], SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    xo_err e = XO_ERR_INIT;
    const char *msg = "";
    if (child_bind(&f, dns, domains, ndns, netns, &e) < 0)
        msg = xo_err_msg(&e);
    else if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
        msg = "DNS forwarder: cannot become nobody";
    /* Set after the change of user, which clears it; a parent gone
     * before it was set is seen by getppid. */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent)
        _exit(1);
    /* The empty message says "bound"; a message, why not. */
    if (write(SYNC_FD, msg, strlen(msg) + 1) < 0 || *msg)
        _exit(1);
    close(SYNC_FD);
    for (;;)
        if (dnsfwd_step(&f, -1, &e) < 0) {
            xo_err_clear(&e);
            sleep(1);
        }
}

pid_t dnsfwd_spawn(const char *const *dns, const char *const *domains,
                   size_t ndns, const char *netns, xo_err *err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return xo_err_sys(err, "DNS forwarder: pipe");
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return xo_err_sys(err, "DNS forwarder: fork");
    }
    if (pid == 0)
        child(dns, domains, ndns, netns, p[1], parent);
    close(p[1]);
    char msg[512];
    size_t have = 0;
    for (;;) {
        ssize_t r = read(p[0], msg + have, sizeof(msg) - 1 - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        have += (size_t)r;
        if (memchr(msg, '\0', have) || have == sizeof(msg) - 1)
            break;
    }
    close(p[0]);
    msg[have] = '\0';
    if (have > 0 && msg[0] == '\0')
        return pid; /* bound, serving */
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    return xo_err_set(err, EIO, "%s",
                      have ? msg : "DNS forwarder: ended before it was bound");
}

pid_t dnsfwd_start(const struct boot_spec *spec, xo_err *err)
{
    if (!spec->dns_forward)
        return 0;
    return dnsfwd_spawn(spec->dns, spec->dns_domains, spec->ndns, NULL, err);
}
