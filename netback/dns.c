/* dns.c: a dnsmasq per network (see dns.h). */
#include "netback/dns.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/pathfmt.h"

const char *nb_dns_program(void)
{
    const char *env = getenv("XL_OCI_DNSMASQ");
    return env && *env ? env : "/usr/sbin/dnsmasq";
}

/* The names lease `l` answers to on network `net`, space-separated, to f:
 * NAME and NAME.NETWORK, and for a name with '_' also the host name the
 * container takes from it ('_' made '-', domcfg/build.c), which is what
 * it says it is (helper-62: web_1 said web-1, which nothing resolved).
 * A NAME with a dot is given as NAME.NETWORK only: plain, "b1.nb" on
 * network na would shadow container b1 of network nb for a container on
 * both (its forwarder takes the first server that knows the name). */
static void host_names(FILE *f, const struct netback_lease *l, const char *net)
{
    char host[NETBACK_CONTAINER_MAX + 1];
    /* cannot truncate: the same bound */
    snprintf(host, sizeof(host), "%s", l->container);
    for (char *c = host; *c; c++)
        if (*c == '_')
            *c = '-';
    bool plain = strchr(l->container, '.') == NULL;
    const char *names[2] = {l->container,
                            strcmp(host, l->container) ? host : NULL};
    for (int k = 0; k < 2 && names[k]; k++) {
        if (plain)
            fprintf(f, " %s", names[k]);
        fprintf(f, " %s.%s", names[k], net);
    }
}

int nb_dns_write_hosts(const char *root, const struct nb_state *st, xo_err *err)
{
    char path[4096];
    if (nb_store_path(path, sizeof(path), root, st->net.name, "hosts", err) < 0)
        return -1;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        xo_oom();
    for (size_t i = 0; i < st->n_leases; i++) {
        const struct netback_lease *l = &st->leases[i];
        /* A container answers by name while its vif is attached: a halted
         * one's name gives NXDOMAIN, as a stopped Docker container's. */
        if (!l->vif[0])
            continue;
        for (int v6 = 0; v6 < 2; v6++) {
            const char *a = v6 ? l->ipv6 : l->ipv4;
            if (v6 && !a[0])
                continue; /* a network without IPv6 */
            fputs(a, f);
            host_names(f, l, st->net.name);
            fputc('\n', f);
        }
    }
    if (fclose(f) != 0)
        xo_oom(); /* a memory stream fails only to grow */
    int rc = xo_write_file_atomic(path, buf, len, 0644, err);
    free(buf);
    return rc;
}

pid_t nb_dns_pid(const char *root, const char *name)
{
    char path[4096], cmdline[8192];
    xo_err err = XO_ERR_INIT;
    if (nb_store_path(path, sizeof(path), root, name, "dnsmasq.pid", &err) <
        0) {
        xo_err_clear(&err);
        return 0;
    }
    FILE *f = fopen(path, "re");
    long pid = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%ld", &pid) != 1 || pid <= 1)
        pid = 0;
    fclose(f);
    if (!pid || kill((pid_t)pid, 0) < 0)
        return 0;
    /* The pid may have been reused: it is ours only if that process is a
     * dnsmasq given this very pid file. */
    char proc[64];
    if (xo_path_fmt(proc, sizeof(proc), NULL, "/proc/%ld/cmdline", pid) < 0)
        return 0; /* a long: cannot be */
    int fd = open(proc, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, cmdline, sizeof(cmdline) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    cmdline[n] = '\0';
    char want[4200];
    if (xo_path_fmt(want, sizeof(want), NULL, "--pid-file=%s", path) < 0)
        return 0; /* no dnsmasq of ours was given a longer one */
    for (char *p = cmdline; p < cmdline + n; p += strlen(p) + 1)
        if (strcmp(p, want) == 0)
            return (pid_t)pid;
    return 0;
}

/* dnsmasq drops to "nobody" before it reads the hosts file (also on every
 * SIGHUP), so each directory above it must be searchable by others;
 * otherwise names would silently never resolve. */
static int check_reachable(const char *file, xo_err *err)
{
    char path[4400];
    if (xo_path_fmt(path, sizeof(path), err, "%s", file) < 0)
        return -1;
    /* The directories above `file`, from the innermost up to "/". */
    for (char *p = strrchr(path, '/'); p; p = strrchr(path, '/')) {
        *p = '\0';
        struct stat sb;
        const char *d = path[0] ? path : "/";
        if (stat(d, &sb) == 0 && !(sb.st_mode & S_IXOTH))
            return xo_err_set(
                err, EACCES,
                "dnsmasq runs as nobody and cannot reach %s (mode %04o): make it searchable (chmod o+x)",
                d, (unsigned)(sb.st_mode & 07777));
        if (!path[0])
            break;
    }
    return 0;
}

static int start(const char *root, const struct nb_state *st, xo_err *err)
{
    char dir[4096];
    if (nb_store_path(dir, sizeof(dir), root, st->net.name, NULL, err) < 0)
        return -1;
    char hosts[4200];
    if (xo_path_fmt(hosts, sizeof(hosts), err, "%s/hosts", dir) < 0 ||
        check_reachable(hosts, err) < 0)
        return -1;
    char a_pid[4200], a_hosts[4200], a_if[64], a_dom[64], a_local[64],
        errpath[4200];
    if (xo_path_fmt(a_pid, sizeof(a_pid), err, "--pid-file=%s/dnsmasq.pid",
                    dir) < 0 ||
        xo_path_fmt(a_hosts, sizeof(a_hosts), err, "--addn-hosts=%s/hosts",
                    dir) < 0 ||
        xo_path_fmt(a_if, sizeof(a_if), err, "--interface=%s", st->net.bridge) <
            0 ||
        xo_path_fmt(a_dom, sizeof(a_dom), err, "--domain=%s", st->net.name) <
            0 ||
        xo_path_fmt(a_local, sizeof(a_local), err, "--local=/%s/",
                    st->net.name) < 0 ||
        xo_path_fmt(errpath, sizeof(errpath), err, "%s/dnsmasq.err", dir) < 0)
        return xo_err_wrap(err, "dnsmasq of network %s", st->net.name);
    const char *prog = nb_dns_program();
    char *argv[] = {(char *)prog,
                    "--conf-file=/dev/null",
                    a_pid,
                    "--bind-interfaces",
                    a_if,
                    "--except-interface=lo",
                    "--no-hosts",
                    a_hosts,
                    a_dom,
                    a_local,
                    "--domain-needed",
                    "--user=nobody",
                    "--group=nogroup",
                    NULL};
    int efd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (efd < 0)
        return xo_err_sys(err, "cannot create %s", errpath);
    pid_t pid = fork();
    if (pid < 0) {
        close(efd);
        return xo_err_sys(err, "fork");
    }
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        dup2(nul, 0);
        dup2(nul, 1);
        dup2(efd, 2);
        execv(prog, argv);
        dprintf(2, "cannot run %s: %s\n", prog, strerror(errno));
        _exit(127);
    }
    close(efd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    /* dnsmasq's parent exits once its daemon has bound its sockets and
     * written the pid file, with a non-zero status if that failed. */
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char *msg = NULL;
        size_t len = 0;
        xo_err ignore = XO_ERR_INIT;
        xo_read_file(&msg, &len, errpath, 2048, &ignore);
        xo_err_clear(&ignore);
        while (len && (msg[len - 1] == '\n'))
            msg[--len] = '\0';
        xo_err_set(err, EIO, "network %s: %s failed: %s", st->net.name, prog,
                   msg && *msg ? msg : "no message");
        free(msg);
        return -1;
    }
    return 0;
}

int nb_dns_update(const char *root, const struct nb_state *st, xo_err *err)
{
    if (nb_dns_write_hosts(root, st, err) < 0)
        return -1;
    pid_t pid = nb_dns_pid(root, st->net.name);
    if (pid) {
        if (kill(pid, SIGHUP) < 0)
            return xo_err_sys(err, "network %s: cannot signal dnsmasq %d",
                              st->net.name, (int)pid);
        return 0;
    }
    return start(root, st, err);
}

void nb_dns_refresh(const char *root, const struct nb_state *st)
{
    xo_err ignore = XO_ERR_INIT;
    if (nb_dns_pid(root, st->net.name))
        nb_dns_update(root, st, &ignore);
    else
        nb_dns_write_hosts(root, st, &ignore);
    xo_err_clear(&ignore);
}

int nb_dns_stop(const char *root, const char *name, xo_err *err)
{
    pid_t pid = nb_dns_pid(root, name);
    if (!pid)
        return 0;
    if (kill(pid, SIGTERM) < 0 && errno != ESRCH)
        return xo_err_sys(err, "network %s: cannot stop dnsmasq %d", name,
                          (int)pid);
    struct timespec ts = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 200; i++) {
        if (kill(pid, 0) < 0)
            return 0;
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    return 0;
}
