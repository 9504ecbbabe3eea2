/* nohyper_dns.c: a NOHYPER container's DNS forwarder (nohyper_dns.h). */
#include "nohyper_dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/pathfmt.h"
#include "loader/xen-tools/dnsfwd.h"
#include "nohyper_net.h"

#define FILE_MAX 4096
#ifndef P_PIDFD
#define P_PIDFD 3 /* linux/wait.h: waitid on a pidfd, since Linux 5.4 */
#endif

static int file_path(char *buf, size_t len, const char *dir, xo_err *err)
{
    return xo_path_fmt(buf, len, err, "%s/" NOHYPER_DNS_FILE, dir);
}

int nohyper_dns_record(const char *dir, const struct domain_config *dc,
                       xo_err *err)
{
    char path[4096], text[FILE_MAX];
    if (file_path(path, sizeof(path), dir, err) < 0)
        return -1;
    if (!domcfg_dns_forward(dc)) {
        if (unlink(path) < 0 && errno != ENOENT)
            return xo_err_sys(err, "cannot remove %s", path);
        return 0;
    }
    size_t len = 0;
    for (size_t i = 0; i < dc->n_dns && i < DNSFWD_MAX_SERVERS; i++) {
        const char *d = dc->dns_domain[i];
        int n = xo_path_fmt(text + len, sizeof(text) - len, err, "%s%s%s\n",
                            dc->dns[i], d ? " " : "", d ? d : "");
        if (n < 0)
            return xo_err_wrap(err, "%s", path);
        len += (size_t)n;
    }
    return xo_write_file_atomic(path, text, len, 0644, err);
}

/* The servers of the file's text (modified in place) into dns and their
 * domains into doms ("" for none); their number, or -1 with err for a
 * line that is not an address, or whose domain is not one. */
static int parse(char *text, const char *path, const char **dns,
                 const char **doms, xo_err *err)
{
    int n = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
         l = strtok_r(NULL, "\n", &save)) {
        unsigned char a[sizeof(struct in6_addr)];
        char *sp = strchr(l, ' ');
        const char *d = "";
        if (sp) {
            *sp = '\0';
            d = sp + 1;
            if (!*d || strlen(d) > DNSFWD_DOMAIN_MAX ||
                strspn(d, "abcdefghijklmnopqrstuvwxyz0123456789-.") !=
                    strlen(d))
                return xo_err_set(
                    err, EINVAL, "%s: \"%.64s\" is not a domain name", path, d);
        }
        if (inet_pton(AF_INET, l, a) != 1 && inet_pton(AF_INET6, l, a) != 1)
            return xo_err_set(err, EINVAL, "%s: \"%.64s\" is not an address",
                              path, l);
        if (n == DNSFWD_MAX_SERVERS)
            return xo_err_set(err, E2BIG, "%s: more than %d servers", path,
                              DNSFWD_MAX_SERVERS);
        doms[n] = d;
        dns[n++] = l;
    }
    if (n == 0)
        return xo_err_set(err, EINVAL, "%s: no server", path);
    return n;
}

int nohyper_dns_start(const char *dir, xo_err *err)
{
    char path[4096], netns[4096], *text = NULL;
    const char *dns[DNSFWD_MAX_SERVERS], *doms[DNSFWD_MAX_SERVERS];
    if (file_path(path, sizeof(path), dir, err) < 0 ||
        nohyper_netns_path(netns, sizeof(netns), dir, err) < 0)
        return -1;
    if (access(path, F_OK) < 0 && errno == ENOENT)
        return 0;
    if (xo_read_file(&text, NULL, path, FILE_MAX, err) < 0)
        return -1;
    int n = parse(text, path, dns, doms, err), pidfd = -1;
    pid_t pid = n < 0 ? -1 : dnsfwd_spawn(dns, doms, (size_t)n, netns, err);
    free(text);
    if (pid < 0)
        return -1;
    /* A pidfd: the monitor reaps any child of its (runc's leftovers), so
     * a pid alone could name another process by the time of the stop. */
    if ((pidfd = pidfd_open(pid, 0)) < 0) {
        xo_err_sys(err, "DNS forwarder: pidfd_open");
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    return pidfd;
}

void nohyper_dns_stop(int pidfd)
{
    if (pidfd <= 0)
        return;
    pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
    siginfo_t si;
    /* ECHILD: reaped already by the monitor's waits. */
    while (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 &&
           errno == EINTR)
        ;
    close(pidfd);
}
