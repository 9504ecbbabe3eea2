/*
 * dnsfwd.c: the loader's DNS forwarder (dnsfwd.h).
 */
#include "dnsfwd.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/abi/boot_spec.h"

#define DNS_HEADER 12

_Static_assert(DNSFWD_MAX_SERVERS >= BOOT_SPEC_MAX_DNS,
               "every server of the boot spec is asked");

long long dnsfwd_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Names in a query are not compressed: a pointer is refused. */
size_t dnsfwd_question_end(const unsigned char *m, size_t len)
{
    if (len < DNS_HEADER)
        return 0;
    unsigned qd = (unsigned)m[4] << 8 | m[5];
    if (qd != 1) /* what every resolver sends; RFC 9619 */
        return 0;
    size_t at = DNS_HEADER;
    for (size_t labels = 0; labels < 128; labels++) {
        if (at >= len)
            return 0;
        unsigned l = m[at++];
        if (l == 0)
            return at + 4 <= len ? at + 4 : 0;
        if (l > 63)
            return 0;
        at += l;
    }
    return 0;
}

bool dnsfwd_better(int rcode, size_t i, int best_rcode, size_t best)
{
    enum { NXDOMAIN = 3 };
    if (best == DNSFWD_NONE)
        return true;
    if ((rcode == NXDOMAIN) != (best_rcode == NXDOMAIN))
        return rcode == NXDOMAIN;
    return i < best;
}

bool dnsfwd_is_reply(const unsigned char *q, size_t qlen,
                     const unsigned char *m, size_t n)
{
    size_t qend = dnsfwd_question_end(q, qlen);
    return qend && n >= qend && m[0] == q[0] && m[1] == q[1] && (m[2] & 0x80) &&
           !memcmp(m + 4, q + 4, 2) &&
           !memcmp(m + DNS_HEADER, q + DNS_HEADER, qend - DNS_HEADER);
}

size_t dnsfwd_empty_reply(unsigned char *m, size_t len, int rcode, bool tc)
{
    size_t end = dnsfwd_question_end(m, len);
    /* QR; opcode and RD kept; AA cleared; TC as asked. */
    m[2] = (unsigned char)((m[2] | 0x80) & ~0x06) | (tc ? 0x02 : 0);
    /* RA (the servers recurse), Z cleared, the RCODE. */
    m[3] = (unsigned char)(0x80 | (rcode & 0x0f));
    memset(m + 6, 0, 6); /* ANCOUNT, NSCOUNT, ARCOUNT */
    return end;
}

size_t dnsfwd_owner(const struct dnsfwd *f, const unsigned char *m, size_t len)
{
    /* The name as text: labels joined by dots (a label with a dot of its
     * own only routes the query, as any name would); case is ignored. */
    char name[256 + 64];
    size_t at = DNS_HEADER, out = 0, end = dnsfwd_question_end(m, len);
    if (!end)
        return DNSFWD_NONE;
    while (m[at] && out + m[at] + 2 < sizeof(name)) {
        if (out)
            name[out++] = '.';
        for (size_t k = 1; k <= m[at]; k++)
            name[out++] = (char)m[at + k];
        at += (size_t)m[at] + 1;
    }
    name[out] = '\0';
    for (size_t i = 0; i < f->n; i++) {
        size_t d = strlen(f->domains[i]);
        if (d && out > d && name[out - d - 1] == '.' &&
            strcasecmp(name + out - d, f->domains[i]) == 0)
            return i;
    }
    return DNSFWD_NONE;
}

bool dnsfwd_asks(const struct dnsfwd *f, size_t owner, size_t i)
{
    return owner == DNSFWD_NONE || i == owner || !f->domains[i][0];
}

static void query_done(struct dnsfwd_query *q)
{
    for (size_t i = 0; i < DNSFWD_MAX_SERVERS; i++)
        if (q->fds[i] >= 0) {
            close(q->fds[i]);
            q->fds[i] = -1;
        }
    q->used = 0;
}

static void answer(struct dnsfwd *f, struct dnsfwd_query *q,
                   const unsigned char *m, size_t len)
{
    /* A lost answer is the client's to retry, as over any UDP. */
    (void)sendto(f->listen_fd, m, len, MSG_DONTWAIT,
                 (const struct sockaddr *)&q->client, q->client_len);
    query_done(q);
}

/* q's life is over (its deadline, no server left, or its place taken):
 * the best negative reply kept, else SERVFAIL, as a server that gives
 * up says, so that the client moves on now rather than at its own
 * timeout (5 s a try for glibc). */
static void give_up(struct dnsfwd *f, struct dnsfwd_query *q)
{
    if (q->reply_len) {
        answer(f, q, q->reply, q->reply_len);
        return;
    }
    unsigned char m[DNSFWD_MSG_MAX];
    memcpy(m, q->msg, q->len);
    answer(f, q, m, dnsfwd_empty_reply(m, q->len, 2, false));
}

static void new_query(struct dnsfwd *f)
{
    static unsigned char m[DNSFWD_MSG_MAX];
    struct sockaddr_storage client;
    socklen_t client_len = sizeof(client);
    ssize_t n = recvfrom(f->listen_fd, m, sizeof(m), MSG_DONTWAIT | MSG_TRUNC,
                         (struct sockaddr *)&client, &client_len);
    /* A reply (QR set) or anything but one well-formed question is
     * dropped: nothing is sent to the servers on its account, and no
     * pending query makes room for it. */
    if (n <= 0 || (size_t)n > sizeof(m) || (m[2] & 0x80) ||
        !dnsfwd_question_end(m, (size_t)n))
        return;
    struct dnsfwd_query *q = NULL, *oldest = NULL;
    for (size_t i = 0; i < DNSFWD_MAX_PENDING && !q; i++) {
        if (!f->q[i].used)
            q = &f->q[i];
        else if (!oldest || f->q[i].deadline_ms < oldest->deadline_ms)
            oldest = &f->q[i];
    }
    /* Full: the oldest query ends now.  Dropping the new one instead let
     * one client asking 8 slow names a second (an upstream that never
     * answers) keep every other lookup out (helper-82). */
    if (!q) {
        give_up(f, oldest);
        q = oldest;
    }
    memcpy(q->msg, m, (size_t)n);
    q->len = (size_t)n;
    q->client = client;
    q->client_len = client_len;
    q->waiting = 0;
    q->best = DNSFWD_NONE;
    q->reply_len = 0;
    q->deadline_ms = dnsfwd_now_ms() + f->deadline_ms;
    for (size_t i = 0; i < DNSFWD_MAX_SERVERS; i++)
        q->fds[i] = -1;
    size_t only = dnsfwd_owner(f, m, (size_t)n);
    for (size_t i = 0; i < f->n; i++) {
        if (!dnsfwd_asks(f, only, i))
            continue; /* the name is the owner's: no other network's */
        /* A socket of its own per server and query: the kernel gives it
         * a random port and drops what does not come from the server. */
        int fd = socket(f->servers[i].ss_family,
                        SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        if (connect(fd, (const struct sockaddr *)&f->servers[i],
                    f->server_lens[i]) < 0 ||
            send(fd, q->msg, q->len, 0) != (ssize_t)q->len) {
            close(fd);
            continue;
        }
        q->fds[i] = fd;
        q->waiting++;
    }
    q->used = 1;
    if (q->waiting == 0)
        give_up(f, q); /* no server could be asked */
}

/* Server i's reply to q, if it is one: same ID, QR set, same question. */
static void server_reply(struct dnsfwd *f, struct dnsfwd_query *q, size_t i)
{
    static unsigned char m[DNSFWD_MSG_MAX];
    ssize_t n = recv(q->fds[i], m, sizeof(m), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    size_t got = n > 0 ? (size_t)n : 0;
    bool ok = n > 0 && dnsfwd_is_reply(q->msg, q->len, m,
                                       got < sizeof(m) ? got : sizeof(m));
    if (n >= 0 && !ok)
        return; /* not the reply: keep waiting for it */
    /* Larger than a message passed on (an oci_dns server with a large
     * EDNS size): the client gets it cut to its question with TC set and
     * asks again over TCP, where the size is no limit (helper-82: it was
     * dropped, and another server's NXDOMAIN became the answer). */
    if (ok && got > sizeof(m))
        got = dnsfwd_empty_reply(m, sizeof(m), m[3] & 0x0f, true);
    /* The reply, or an error (ICMP unreachable): this server is done. */
    close(q->fds[i]);
    q->fds[i] = -1;
    q->waiting--;
    if (ok && (m[3] & 0x0f) == 0) {
        answer(f, q, m, got);
        return;
    }
    if (ok && dnsfwd_better(m[3] & 0x0f, i, q->best_rcode, q->best)) {
        memcpy(q->reply, m, got);
        q->reply_len = got;
        q->best = i;
        q->best_rcode = m[3] & 0x0f;
    }
    if (q->waiting == 0)
        give_up(f, q); /* every server replied, or is unreachable */
}

int dnsfwd_open(struct dnsfwd *f, const struct sockaddr *at_listen,
                socklen_t at_listen_len, const struct sockaddr_storage *servers,
                const socklen_t *lens, const char *const *domains, size_t n,
                xo_err *err)
{
    memset(f, 0, sizeof(*f));
    f->listen_fd = f->tcp_fd = -1;
    if (n == 0 || n > DNSFWD_MAX_SERVERS)
        return xo_err_set(err, EINVAL, "DNS forwarder: %zu servers (1 to %d)",
                          n, DNSFWD_MAX_SERVERS);
    for (size_t i = 0; i < n; i++) {
        f->servers[i] = servers[i];
        f->server_lens[i] = lens[i];
        const char *d = domains && domains[i] ? domains[i] : "";
        if (strlen(d) > DNSFWD_DOMAIN_MAX)
            return xo_err_set(
                err, EINVAL, "DNS forwarder: domain of server %zu too long", i);
        strcpy(f->domains[i], d); /* fits: checked above */
    }
    f->n = n;
    f->deadline_ms = DNSFWD_DEADLINE_MS;
    for (size_t i = 0; i < DNSFWD_MAX_PENDING; i++)
        for (size_t j = 0; j < DNSFWD_MAX_SERVERS; j++)
            f->q[i].fds[j] = -1;
    int fd = socket(at_listen->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return xo_err_sys(err, "DNS forwarder: socket");
    if (bind(fd, at_listen, at_listen_len) < 0) {
        xo_err_sys(err, "DNS forwarder: bind");
        close(fd);
        return -1;
    }
    f->listen_fd = fd;
    /* TCP on the address and port UDP got (port 0 picks one there). */
    struct sockaddr_storage at;
    socklen_t at_len = sizeof(at);
    fd = socket(at_listen->sa_family,
                SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    /* SO_REUSEADDR: a connection the forwarder closed first stays in
     * TIME_WAIT for a minute, and a forwarder started again in that
     * minute (a NOHYPER monitor's restart) could not bind: the container
     * ended broken (helper-82). */
    int one = 1;
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        getsockname(f->listen_fd, (struct sockaddr *)&at, &at_len) < 0 ||
        bind(fd, (struct sockaddr *)&at, at_len) < 0 ||
        listen(fd, DNSFWD_TCP_BACKLOG) < 0) {
        xo_err_sys(err, "DNS forwarder: TCP");
        if (fd >= 0)
            close(fd);
        dnsfwd_close(f);
        return -1;
    }
    f->tcp_fd = fd;
    return 0;
}

/* The TCP processes that ended leave their slots (reaped: no zombie
 * waits for the next connection); with `block`, the one of slot k is
 * killed and waited for first. */
static void tcp_reap(struct dnsfwd *f, bool block, size_t k)
{
    if (block) {
        kill(f->tcp_pid[k], SIGKILL);
        while (waitpid(f->tcp_pid[k], NULL, 0) < 0 && errno == EINTR)
            ;
        f->tcp_pid[k] = 0;
        f->tcp_children--;
    }
    for (size_t i = 0; i < DNSFWD_MAX_TCP; i++)
        if (f->tcp_pid[i] > 0 && waitpid(f->tcp_pid[i], NULL, WNOHANG) > 0) {
            f->tcp_pid[i] = 0;
            f->tcp_children--;
        }
}

/* A client's TCP connection: served by a child process of its own
 * (dnsfwd_tcp.c), so that a slow or silent client holds up no one.  All
 * slots taken, the oldest connection is closed for it (RFC 7766 6.2.3
 * lets a server close connections under load): 8 idle or persistent
 * clients shut every other one out before (helper-82). */
static void new_connection(struct dnsfwd *f)
{
    tcp_reap(f, false, 0);
    int conn = accept4(f->tcp_fd, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0)
        return;
    size_t slot = 0;
    for (size_t i = 0; i < DNSFWD_MAX_TCP; i++) {
        if (!f->tcp_pid[i]) {
            slot = i;
            break;
        }
        if (f->tcp_since[i] < f->tcp_since[slot])
            slot = i;
    }
    if (f->tcp_pid[slot])
        tcp_reap(f, true, slot);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* Ends with the forwarder, which a container's stop kills. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
            _exit(0);
        close(f->listen_fd);
        close(f->tcp_fd);
        for (size_t i = 0; i < DNSFWD_MAX_PENDING; i++)
            for (size_t j = 0; j < DNSFWD_MAX_SERVERS; j++)
                if (f->q[i].fds[j] >= 0)
                    close(f->q[i].fds[j]);
        dnsfwd_tcp_serve(f, conn);
        _exit(0);
    }
    if (pid > 0) {
        f->tcp_pid[slot] = pid;
        f->tcp_since[slot] = dnsfwd_now_ms();
        f->tcp_children++;
    }
    close(conn);
}

int dnsfwd_step(struct dnsfwd *f, int timeout_ms, xo_err *err)
{
    enum { FIXED = 2 }; /* UDP and TCP listeners come first */
    struct pollfd p[FIXED + DNSFWD_MAX_PENDING * DNSFWD_MAX_SERVERS];
    size_t who[DNSFWD_MAX_PENDING * DNSFWD_MAX_SERVERS][2];
    size_t np = 0;
    p[np++] = (struct pollfd){f->listen_fd, POLLIN, 0};
    p[np++] = (struct pollfd){f->tcp_fd, POLLIN, 0};
    long long now = dnsfwd_now_ms(), next = -1;
    for (size_t i = 0; i < DNSFWD_MAX_PENDING; i++) {
        if (!f->q[i].used)
            continue;
        if (next < 0 || f->q[i].deadline_ms < next)
            next = f->q[i].deadline_ms;
        for (size_t j = 0; j < f->n; j++)
            if (f->q[i].fds[j] >= 0) {
                who[np - FIXED][0] = i;
                who[np - FIXED][1] = j;
                p[np++] = (struct pollfd){f->q[i].fds[j], POLLIN, 0};
            }
    }
    int wait = timeout_ms;
    if (next >= 0) {
        long long left = next > now ? next - now : 0;
        if (wait < 0 || left < wait)
            wait = (int)left;
    }
    int r = poll(p, (nfds_t)np, wait);
    if (r < 0 && errno != EINTR)
        return xo_err_sys(err, "DNS forwarder: poll");
    for (size_t k = FIXED; r > 0 && k < np; k++) {
        struct dnsfwd_query *q = &f->q[who[k - FIXED][0]];
        /* An earlier reply may have answered q already. */
        if (p[k].revents && q->used && q->fds[who[k - FIXED][1]] == p[k].fd)
            server_reply(f, q, who[k - FIXED][1]);
    }
    if (r > 0 && (p[0].revents & POLLIN))
        new_query(f);
    if (r > 0 && (p[1].revents & POLLIN))
        new_connection(f);
    else if (f->tcp_children)
        tcp_reap(f, false, 0);
    now = dnsfwd_now_ms();
    for (size_t i = 0; i < DNSFWD_MAX_PENDING; i++) {
        struct dnsfwd_query *q = &f->q[i];
        if (q->used && q->deadline_ms <= now)
            give_up(f, q);
    }
    return 0;
}

void dnsfwd_close(struct dnsfwd *f)
{
    for (size_t i = 0; i < DNSFWD_MAX_PENDING; i++)
        if (f->q[i].used)
            query_done(&f->q[i]);
    if (f->listen_fd >= 0)
        close(f->listen_fd);
    if (f->tcp_fd >= 0)
        close(f->tcp_fd);
    f->listen_fd = f->tcp_fd = -1;
}
