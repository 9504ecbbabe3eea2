/*
 * dnsfwd_tcp.c: the DNS forwarder over TCP (dnsfwd.h), one client
 * connection in a process of its own.  RFC 7766 section 8: each message
 * goes after its length, 2 bytes in network order.
 */
#include "dnsfwd.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PREFIX 2 /* the length before each message */

/* One server's exchange of one query. */
struct leg {
    int fd;
    enum { LEG_CONNECT, LEG_SEND, LEG_RECV, LEG_DONE } phase;
    size_t done;       /* bytes sent, or received, the prefix included */
    unsigned char *in; /* PREFIX + DNSFWD_TCP_MSG_MAX */
};

/* Moves exactly len bytes over conn (out: sends) before deadline (ms of
 * dnsfwd_now_ms).  0, or -1 at EOF, on an error or at the deadline. */
static int conn_io(int conn, unsigned char *b, size_t len, int out,
                   long long deadline)
{
    size_t done = 0;
    while (done < len) {
        long long left = deadline - dnsfwd_now_ms();
        struct pollfd p = {conn, out ? POLLOUT : POLLIN, 0};
        if (left <= 0)
            return -1;
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        ssize_t n =
            out ? send(conn, b + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT)
                : recv(conn, b + done, len - done, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

static void leg_end(struct leg *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
    l->phase = LEG_DONE;
}

static void leg_start(struct leg *l, const struct sockaddr_storage *to,
                      socklen_t to_len)
{
    l->done = 0;
    l->phase = LEG_DONE;
    l->fd =
        socket(to->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l->fd < 0)
        return;
    if (connect(l->fd, (const struct sockaddr *)to, to_len) == 0)
        l->phase = LEG_SEND;
    else if (errno == EINPROGRESS)
        l->phase = LEG_CONNECT;
    else
        leg_end(l);
}

/* The outcome of one send or recv of l's that returned n: true when
 * bytes moved (counted in l->done); false when none did, and at an error
 * or EOF the leg has ended. */
static bool leg_moved(struct leg *l, ssize_t n)
{
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return false;
    if (n <= 0) {
        leg_end(l);
        return false;
    }
    l->done += (size_t)n;
    return true;
}

/* Moves l on as far as its socket lets it.  Returns 1 when l holds a
 * whole reply (in l->in, after its prefix), 0 otherwise; a leg that
 * failed is LEG_DONE. */
static int leg_step(struct leg *l, const unsigned char *out, size_t out_len)
{
    if (l->phase == LEG_CONNECT) {
        int e = 0;
        socklen_t el = sizeof(e);
        if (getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e) {
            leg_end(l);
            return 0;
        }
        l->phase = LEG_SEND;
    }
    if (l->phase == LEG_SEND) {
        if (!leg_moved(l, send(l->fd, out + l->done, out_len - l->done,
                               MSG_NOSIGNAL)) ||
            l->done < out_len)
            return 0;
        l->phase = LEG_RECV;
        l->done = 0;
        if (!l->in && !(l->in = malloc(PREFIX + DNSFWD_TCP_MSG_MAX))) {
            leg_end(l);
            return 0;
        }
        return 0; /* the reply comes later: poll says when */
    }
    if (l->phase != LEG_RECV)
        return 0;
    size_t want = PREFIX;
    if (l->done >= PREFIX)
        want += (size_t)l->in[0] << 8 | l->in[1];
    if (!leg_moved(l,
                   recv(l->fd, l->in + l->done, want - l->done, MSG_DONTWAIT)))
        return 0;
    if (l->done == PREFIX && want == PREFIX)
        return 0; /* the length is in: its message next time */
    return l->done == want;
}

/*
 * Asks every server q (PREFIX + len bytes, prefix included) at once and
 * picks the answer as UDP does: the first reply with RCODE NOERROR, else
 * the best negative one (dnsfwd_better) once all replied or at deadline.
 * Returns the leg holding it, or NULL when none replied.
 */
static struct leg *ask_all(const struct dnsfwd *f, struct leg *legs,
                           const unsigned char *q, size_t len,
                           long long deadline)
{
    size_t best = DNSFWD_NONE;
    int best_rcode = 0;
    size_t only = dnsfwd_owner(f, q + PREFIX, len);
    for (size_t i = 0; i < f->n; i++)
        if (dnsfwd_asks(f, only, i))
            leg_start(&legs[i], &f->servers[i], f->server_lens[i]);
    for (;;) {
        struct pollfd p[DNSFWD_MAX_SERVERS];
        size_t who[DNSFWD_MAX_SERVERS], np = 0;
        for (size_t i = 0; i < f->n; i++)
            if (legs[i].phase != LEG_DONE) {
                short ev = legs[i].phase == LEG_RECV ? POLLIN : POLLOUT;
                who[np] = i;
                p[np++] = (struct pollfd){legs[i].fd, ev, 0};
            }
        long long left = deadline - dnsfwd_now_ms();
        if (np == 0 || left <= 0)
            break;
        int r = poll(p, (nfds_t)np, (int)left);
        if (r < 0 && errno != EINTR)
            break;
        for (size_t k = 0; r > 0 && k < np; k++) {
            struct leg *l = &legs[who[k]];
            if (!p[k].revents || !leg_step(l, q, PREFIX + len))
                continue;
            const unsigned char *m = l->in + PREFIX;
            size_t n = l->done - PREFIX;
            int is_reply = dnsfwd_is_reply(q + PREFIX, len, m, n);
            leg_end(l);
            if (is_reply && (m[3] & 0x0f) == 0) {
                best = who[k];
                goto out; /* found: the others are not waited for */
            }
            if (is_reply &&
                dnsfwd_better(m[3] & 0x0f, who[k], best_rcode, best)) {
                best = who[k];
                best_rcode = m[3] & 0x0f;
            }
        }
    }
out:
    for (size_t i = 0; i < f->n; i++)
        leg_end(&legs[i]);
    return best != DNSFWD_NONE ? &legs[best] : NULL;
}

void dnsfwd_tcp_serve(const struct dnsfwd *f, int conn)
{
    struct leg legs[DNSFWD_MAX_SERVERS];
    for (size_t i = 0; i < DNSFWD_MAX_SERVERS; i++)
        legs[i] = (struct leg){.fd = -1, .phase = LEG_DONE};
    unsigned char *q = malloc(PREFIX + DNSFWD_TCP_MSG_MAX);
    while (q) {
        /* Idle or mid-message, a client has one query's life. */
        long long deadline = dnsfwd_now_ms() + f->deadline_ms;
        if (conn_io(conn, q, PREFIX, 0, deadline) < 0)
            break;
        size_t len = (size_t)q[0] << 8 | q[1];
        if (conn_io(conn, q + PREFIX, len, 0, deadline) < 0 ||
            (len > 2 && (q[PREFIX + 2] & 0x80)) ||
            !dnsfwd_question_end(q + PREFIX, len))
            break; /* not a query: nothing goes to the servers */
        struct leg *a = ask_all(f, legs, q, len, deadline);
        long long out_by = dnsfwd_now_ms() + f->deadline_ms;
        if (!a) { /* none answered: SERVFAIL, as over UDP (helper-83) */
            size_t n = dnsfwd_empty_reply(q + PREFIX, len, 2, false);
            q[0] = (unsigned char)(n >> 8);
            q[1] = (unsigned char)n;
            if (conn_io(conn, q, PREFIX + n, 1, out_by) < 0)
                break;
            continue;
        }
        if (conn_io(conn, a->in, a->done, 1, out_by) < 0)
            break;
    }
    for (size_t i = 0; i < DNSFWD_MAX_SERVERS; i++)
        free(legs[i].in);
    free(q);
}
