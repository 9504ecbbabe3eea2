/* test-dnsfwd.c: the loader's DNS forwarder (loader/xen-tools/dnsfwd.h)
 * between a client and two stand-in name servers, UDP sockets on
 * 127.0.0.1 with ports the kernel picks, driven step by step, and TCP
 * listeners on the same ports (the forwarder serves a TCP connection in
 * a child process, so the test plays client and servers in turn). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loader/xen-tools/dnsfwd.h"

struct rig {
    struct dnsfwd f;
    int client, server[2], tcp_server[2];
    struct sockaddr_in fwd_at;
};

/* A TCP listener on the address and port of `at`. */
static int tcp_listener_at(const struct sockaddr_in *at)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (const struct sockaddr *)at, sizeof(*at)), 0);
    assert_int_equal(listen(fd, 4), 0);
    return fd;
}

static int udp_on_loopback(struct sockaddr_in *at)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    socklen_t len = sizeof(*at);
    assert_int_equal(getsockname(fd, (struct sockaddr *)at, &len), 0);
    return fd;
}

static int setup(void **state)
{
    static struct rig r;
    struct sockaddr_storage servers[2];
    socklen_t lens[2];
    for (int i = 0; i < 2; i++) {
        struct sockaddr_in at;
        r.server[i] = udp_on_loopback(&at);
        r.tcp_server[i] = tcp_listener_at(&at);
        memcpy(&servers[i], &at, sizeof(at));
        lens[i] = sizeof(at);
    }
    struct sockaddr_in any;
    r.client = udp_on_loopback(&any);
    struct sockaddr_in listen = {.sin_family = AF_INET};
    listen.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(dnsfwd_open(&r.f, (struct sockaddr *)&listen,
                                 sizeof(listen), servers, lens, NULL, 2, &err),
                     0);
    socklen_t len = sizeof(r.fwd_at);
    assert_int_equal(
        getsockname(r.f.listen_fd, (struct sockaddr *)&r.fwd_at, &len), 0);
    *state = &r;
    return 0;
}

static int teardown(void **state)
{
    struct rig *r = *state;
    dnsfwd_close(&r->f);
    close(r->client);
    for (int i = 0; i < 2; i++) {
        close(r->server[i]);
        close(r->tcp_server[i]);
    }
    return 0;
}

/* A query for "a1" type A, with ID id: header, question. */
static size_t make_query(unsigned char *m, unsigned id)
{
    static const unsigned char q[] = {0, 0, 0x01, 0x00, 0,   1, 0, 0, 0, 0,
                                      0, 0, 2,    'a',  '1', 0, 0, 1, 0, 1};
    memcpy(m, q, sizeof(q));
    m[0] = (unsigned char)(id >> 8);
    m[1] = (unsigned char)id;
    return sizeof(q);
}

static void send_query(struct rig *r, unsigned id)
{
    unsigned char m[64];
    size_t n = make_query(m, id);
    assert_int_equal(sendto(r->client, m, n, 0, (struct sockaddr *)&r->fwd_at,
                            sizeof(r->fwd_at)),
                     (ssize_t)n);
}

/* What server i got (waits up to 1 s, stepping the forwarder); its
 * length, 0 if nothing; the sender's address in *from. */
static size_t server_got(struct rig *r, int i, unsigned char *m,
                         struct sockaddr_in *from)
{
    xo_err err = XO_ERR_INIT;
    for (int k = 0; k < 100; k++) {
        struct pollfd p = {r->server[i], POLLIN, 0};
        if (poll(&p, 1, 0) == 1) {
            socklen_t len = sizeof(*from);
            ssize_t n = recvfrom(r->server[i], m, 512, 0,
                                 (struct sockaddr *)from, &len);
            return n > 0 ? (size_t)n : 0;
        }
        assert_int_equal(dnsfwd_step(&r->f, 10, &err), 0);
    }
    return 0;
}

/* Server i answers the query m (len) with rcode and a marker byte
 * appended, so the client can tell whose reply it got. */
static void server_reply(struct rig *r, int i, const unsigned char *m,
                         size_t len, const struct sockaddr_in *to, int rcode,
                         unsigned id_delta)
{
    unsigned char a[600];
    memcpy(a, m, len);
    a[2] |= 0x80;
    a[3] = (unsigned char)((a[3] & 0xf0) | rcode);
    a[1] = (unsigned char)(a[1] + id_delta);
    a[len] = (unsigned char)('A' + i);
    assert_int_equal(sendto(r->server[i], a, len + 1, 0,
                            (const struct sockaddr *)to, sizeof(*to)),
                     (ssize_t)len + 1);
}

/* The client's answer (waits up to `ms`, stepping): its marker byte and
 * rcode, or 0. */
static int client_got(struct rig *r, int ms, int *rcode)
{
    xo_err err = XO_ERR_INIT;
    for (int k = 0; k < ms / 10; k++) {
        assert_int_equal(dnsfwd_step(&r->f, 10, &err), 0);
        struct pollfd p = {r->client, POLLIN, 0};
        if (poll(&p, 1, 0) == 1) {
            unsigned char m[600];
            ssize_t n = recv(r->client, m, sizeof(m), 0);
            assert_true(n > 12);
            *rcode = m[3] & 0x0f;
            return m[n - 1];
        }
    }
    return 0;
}

/* One query in flight: what each server got, and from where. */
struct exchange {
    unsigned char m[2][512];
    size_t n[2];
    struct sockaddr_in from[2];
};

/* The client asks (ID id); both servers get the query as it was sent. */
static void ask(struct rig *r, unsigned id, struct exchange *x)
{
    send_query(r, id);
    for (int i = 0; i < 2; i++)
        x->n[i] = server_got(r, i, x->m[i], &x->from[i]);
    assert_int_equal(x->n[0], 20);
    assert_int_equal(x->n[1], 20);
    assert_memory_equal(x->m[0], x->m[1], 20);
}

/* Server i replies to x with rcode (its ID off by id_delta). */
static void reply(struct rig *r, struct exchange *x, int i, int rcode,
                  unsigned id_delta)
{
    server_reply(r, i, x->m[i], x->n[i], &x->from[i], rcode, id_delta);
}

/* The name is only on the second network: the first's NXDOMAIN is not
 * the answer. */
static void test_found_on_second(void **state)
{
    struct rig *r = *state;
    struct exchange x;
    int rc = -1;
    ask(r, 0x1234, &x);
    reply(r, &x, 0, 3, 0);                        /* NXDOMAIN first */
    assert_int_equal(client_got(r, 100, &rc), 0); /* not answered yet */
    reply(r, &x, 1, 0, 0);
    assert_int_equal(client_got(r, 1000, &rc), 'B');
    assert_int_equal(rc, 0);
}

/* Found on both: the first reply that found it. */
static void test_first_found(void **state)
{
    struct rig *r = *state;
    struct exchange x;
    int rc = -1;
    ask(r, 7, &x);
    reply(r, &x, 1, 0, 0);
    assert_int_equal(client_got(r, 1000, &rc), 'B');
    reply(r, &x, 0, 0, 0); /* late: the query is done */
    assert_int_equal(client_got(r, 100, &rc), 0);
}

/* Nowhere: the first server's NXDOMAIN, whichever came first. */
static void test_nowhere(void **state)
{
    struct rig *r = *state;
    struct exchange x;
    int rc = -1;
    ask(r, 9, &x);
    reply(r, &x, 1, 3, 0);
    reply(r, &x, 0, 3, 0);
    assert_int_equal(client_got(r, 1000, &rc), 'A');
    assert_int_equal(rc, 3);
}

/* A server that could not tell (SERVFAIL: another network's NAME.NETWORK
 * sent upstream, with none) loses to one that says the name does not
 * exist, whichever is first. */
static void test_nxdomain_before_servfail(void **state)
{
    struct rig *r = *state;
    struct exchange x;
    int rc = -1;
    ask(r, 21, &x);
    reply(r, &x, 0, 2, 0);
    reply(r, &x, 1, 3, 0);
    assert_int_equal(client_got(r, 1000, &rc), 'B');
    assert_int_equal(rc, 3);
    ask(r, 22, &x); /* two that could not tell: the first server's */
    reply(r, &x, 1, 5, 0);
    reply(r, &x, 0, 2, 0);
    assert_int_equal(client_got(r, 1000, &rc), 'A');
    assert_int_equal(rc, 2);
}

/* A server that never replies: at the deadline, what the other said. */
static void test_deadline(void **state)
{
    struct rig *r = *state;
    struct exchange x;
    int rc = -1;
    r->f.deadline_ms = 200;
    ask(r, 11, &x);
    reply(r, &x, 1, 3, 0); /* server 0 stays silent */
    assert_int_equal(client_got(r, 1000, &rc), 'B');
    assert_int_equal(rc, 3);
    r->f.deadline_ms = DNSFWD_DEADLINE_MS;
}

/* A reply with another ID is not the reply: it is ignored, the real one
 * still counts. */
static void test_wrong_id_ignored(void **state)
{
    struct rig *r = *state;
    struct exchange x;
    int rc = -1;
    ask(r, 0x4242, &x);
    reply(r, &x, 0, 0, 1); /* NOERROR, but ID + 1 */
    assert_int_equal(client_got(r, 100, &rc), 0);
    reply(r, &x, 1, 0, 0);
    assert_int_equal(client_got(r, 1000, &rc), 'B');
}

/* What is not a query (a reply, two questions, a cut name) goes to no
 * server. */
static void test_not_a_query(void **state)
{
    struct rig *r = *state;
    unsigned char m[64], got[512];
    struct sockaddr_in from;
    size_t n = make_query(m, 1);
    m[2] |= 0x80; /* QR: a reply */
    sendto(r->client, m, n, 0, (struct sockaddr *)&r->fwd_at,
           sizeof(r->fwd_at));
    n = make_query(m, 2);
    m[5] = 2; /* QDCOUNT 2 */
    sendto(r->client, m, n, 0, (struct sockaddr *)&r->fwd_at,
           sizeof(r->fwd_at));
    n = make_query(m, 3);
    sendto(r->client, m, 14, 0, (struct sockaddr *)&r->fwd_at,
           sizeof(r->fwd_at)); /* the name cut short */
    assert_int_equal(server_got(r, 0, got, &from), 0);
    assert_int_equal(server_got(r, 1, got, &from), 0);
}

/* --- TCP --------------------------------------------------------------- */

/* Reads exactly len bytes of fd within 2 s; 0, or -1. */
static int read_all(int fd, unsigned char *b, size_t len)
{
    for (size_t done = 0; done < len;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 2000) != 1)
            return -1;
        ssize_t n = recv(fd, b + done, len - done, 0);
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

/* A client connection to the forwarder with query `id` sent on it; the
 * forwarder accepts it (its child then asks the servers). */
static int tcp_ask(struct rig *r, unsigned id)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(
        connect(fd, (struct sockaddr *)&r->fwd_at, sizeof(r->fwd_at)), 0);
    unsigned char m[66];
    size_t n = make_query(m + 2, id);
    m[0] = 0;
    m[1] = (unsigned char)n;
    assert_int_equal(send(fd, m, n + 2, 0), (ssize_t)n + 2);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(dnsfwd_step(&r->f, 1000, &err), 0);
    assert_int_equal(r->f.tcp_children, 1);
    return fd;
}

/* Server i takes the forwarder's connection and its query (into m, 20
 * bytes expected); the connection, or -1 when none came within ms. */
static int tcp_server_got(struct rig *r, int i, unsigned char *m, int ms)
{
    struct pollfd p = {r->tcp_server[i], POLLIN, 0};
    if (poll(&p, 1, ms) != 1)
        return -1;
    int c = accept(r->tcp_server[i], NULL, NULL);
    assert_true(c >= 0);
    assert_int_equal(read_all(c, m, 2), 0);
    assert_int_equal(m[0] << 8 | m[1], 20);
    assert_int_equal(read_all(c, m, 20), 0);
    return c;
}

/* Server i replies on c to m with rcode: `pad` zero bytes, then its
 * marker ('A' + i), after the question. */
static void tcp_server_reply(int c, int i, const unsigned char *m, int rcode,
                             size_t pad)
{
    static unsigned char a[2 + 20 + 9000 + 1];
    size_t len = 20 + pad + 1;
    assert_true(len <= sizeof(a) - 2);
    memset(a, 0, sizeof(a));
    a[0] = (unsigned char)(len >> 8);
    a[1] = (unsigned char)len;
    memcpy(a + 2, m, 20);
    a[2 + 2] |= 0x80;
    a[2 + 3] = (unsigned char)((a[2 + 3] & 0xf0) | rcode);
    a[2 + len - 1] = (unsigned char)('A' + i);
    assert_int_equal(send(c, a, len + 2, MSG_NOSIGNAL), (ssize_t)len + 2);
    close(c);
}

/* The client's answer on fd: its marker, rcode and length; 0 when the
 * connection gave none. */
static int tcp_client_got(int fd, int *rcode, size_t *len)
{
    static unsigned char m[65536];
    if (read_all(fd, m, 2) < 0)
        return 0;
    *len = (size_t)m[0] << 8 | m[1];
    assert_true(*len > 12);
    assert_int_equal(read_all(fd, m, *len), 0);
    *rcode = m[3] & 0x0f;
    return m[*len - 1];
}

/* The client hangs up: its server process ends.  (shutdown: the child,
 * a fork of this test, holds a copy of the client's socket too.) */
static void tcp_done(struct rig *r, int fd)
{
    shutdown(fd, SHUT_WR);
    close(fd);
    xo_err err = XO_ERR_INIT;
    for (int k = 0; k < 300 && r->f.tcp_children > 0; k++)
        assert_int_equal(dnsfwd_step(&r->f, 10, &err), 0); /* reaps */
    assert_int_equal(r->f.tcp_children, 0);
}

/* Over TCP as over UDP: the first server's NXDOMAIN is not the answer
 * when the second has the name, and the answer may be larger than any
 * UDP message the forwarder passes (DNSFWD_MSG_MAX). */
static void test_tcp_found_on_second(void **state)
{
    struct rig *r = *state;
    unsigned char m[2][32];
    int rc = -1;
    size_t len = 0;
    int fd = tcp_ask(r, 0x5151);
    int c0 = tcp_server_got(r, 0, m[0], 1000);
    int c1 = tcp_server_got(r, 1, m[1], 1000);
    assert_true(c0 >= 0 && c1 >= 0);
    assert_memory_equal(m[0], m[1], 20);
    assert_int_equal(m[0][0] << 8 | m[0][1], 0x5151);
    tcp_server_reply(c0, 0, m[0], 3, 0);
    tcp_server_reply(c1, 1, m[1], 0, 8000);
    assert_int_equal(tcp_client_got(fd, &rc, &len), 'B');
    assert_int_equal(rc, 0);
    assert_int_equal(len, 20 + 8000 + 1);
    /* The connection serves a second query. */
    unsigned char q[22];
    size_t n = make_query(q + 2, 0x5252);
    q[0] = 0;
    q[1] = (unsigned char)n;
    assert_int_equal(send(fd, q, n + 2, 0), (ssize_t)n + 2);
    c0 = tcp_server_got(r, 0, m[0], 1000);
    c1 = tcp_server_got(r, 1, m[1], 1000);
    assert_true(c0 >= 0 && c1 >= 0);
    tcp_server_reply(c1, 1, m[1], 3, 0); /* NXDOMAIN before SERVFAIL */
    tcp_server_reply(c0, 0, m[0], 2, 0);
    assert_int_equal(tcp_client_got(fd, &rc, &len), 'B');
    assert_int_equal(rc, 3);
    tcp_done(r, fd);
}

/* A message that is not a query (QR set) closes the connection; no
 * server is asked. */
static void test_tcp_not_a_query(void **state)
{
    struct rig *r = *state;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(
        connect(fd, (struct sockaddr *)&r->fwd_at, sizeof(r->fwd_at)), 0);
    unsigned char m[22], got[32];
    size_t n = make_query(m + 2, 4);
    m[0] = 0;
    m[1] = (unsigned char)n;
    m[2 + 2] |= 0x80;
    assert_int_equal(send(fd, m, n + 2, 0), (ssize_t)n + 2);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(dnsfwd_step(&r->f, 1000, &err), 0);
    assert_int_equal(read_all(fd, got, 1), -1); /* closed, no answer */
    assert_int_equal(tcp_server_got(r, 0, got, 200), -1);
    assert_int_equal(tcp_server_got(r, 1, got, 200), -1);
    tcp_done(r, fd);
}

/* The next datagram the client gets within ms (stepping): its ID, rcode,
 * TC bit and length; -1 when none came. */
static int client_reply(struct rig *r, int ms, int *rcode, int *tc, size_t *len)
{
    xo_err err = XO_ERR_INIT;
    for (int k = 0; k < ms / 10; k++) {
        struct pollfd p = {r->client, POLLIN, 0};
        if (poll(&p, 1, 0) == 1) {
            unsigned char m[600];
            ssize_t n = recv(r->client, m, sizeof(m), 0);
            assert_true(n >= 12);
            *rcode = m[3] & 0x0f;
            *tc = (m[2] & 0x02) != 0;
            *len = (size_t)n;
            return m[0] << 8 | m[1];
        }
        assert_int_equal(dnsfwd_step(&r->f, 10, &err), 0);
    }
    return -1;
}

/* Every query still pending ends (at its deadline, made now); what the
 * servers and the client got is read and dropped. */
static void drain(struct rig *r)
{
    xo_err err = XO_ERR_INIT;
    for (size_t i = 0; i < DNSFWD_MAX_PENDING; i++)
        r->f.q[i].deadline_ms = 0;
    assert_int_equal(dnsfwd_step(&r->f, 0, &err), 0);
    unsigned char m[9000];
    for (int fd = 0; fd < 3; fd++) {
        int s = fd < 2 ? r->server[fd] : r->client;
        while (recv(s, m, sizeof(m), MSG_DONTWAIT) > 0)
            ;
    }
}

/* No server answers: at the deadline the client gets SERVFAIL with the
 * question, no records, rather than waiting for its own timeout. */
static void test_servfail_when_none_answers(void **state)
{
    struct rig *r = *state;
    struct exchange x;
    int rc = -1, tc = -1;
    size_t len = 0;
    r->f.deadline_ms = 200;
    ask(r, 0x0d0d, &x);
    assert_int_equal(client_reply(r, 1000, &rc, &tc, &len), 0x0d0d);
    assert_int_equal(rc, 2);
    assert_int_equal(len, 20);
    r->f.deadline_ms = DNSFWD_DEADLINE_MS;
}

/* A full table of pending queries (32 slow ones) ends its oldest for a
 * new query, which is asked and answered (helper-82: it was dropped, so
 * one client asking slow names kept every other lookup out). */
static void test_full_table_ends_the_oldest(void **state)
{
    struct rig *r = *state;
    unsigned char m[512];
    struct sockaddr_in from[2];
    int rc = -1, tc = -1;
    size_t len = 0;
    for (unsigned id = 100; id < 100 + DNSFWD_MAX_PENDING; id++) {
        send_query(r, id);
        for (int i = 0; i < 2; i++)
            assert_int_equal(server_got(r, i, m, &from[i]), 20);
    }
    send_query(r, 300);
    assert_int_equal(client_reply(r, 1000, &rc, &tc, &len), 100);
    assert_int_equal(rc, 2); /* the oldest: SERVFAIL */
    size_t n = server_got(r, 1, m, &from[1]);
    assert_int_equal(n, 20);
    assert_int_equal(m[0] << 8 | m[1], 300);
    server_reply(r, 1, m, n, &from[1], 0, 0);
    assert_int_equal(client_reply(r, 1000, &rc, &tc, &len), 300);
    assert_int_equal(rc, 0);
    drain(r);
}

/* A reply larger than the forwarder passes over UDP (DNSFWD_MSG_MAX) is
 * cut to its question with TC set: the client asks again over TCP
 * (helper-82: it was dropped, and the other server's NXDOMAIN won). */
static void test_large_reply_truncated(void **state)
{
    struct rig *r = *state;
    struct exchange x;
    static unsigned char big[DNSFWD_MSG_MAX + 1000];
    int rc = -1, tc = -1;
    size_t len = 0;
    ask(r, 0x0b16, &x);
    server_reply(r, 0, x.m[0], x.n[0], &x.from[0], 3, 0); /* NXDOMAIN */
    memset(big, 0, sizeof(big));
    memcpy(big, x.m[1], x.n[1]);
    big[2] |= 0x80;
    big[7] = 1; /* ANCOUNT 1: the records the cut leaves out */
    assert_int_equal(sendto(r->server[1], big, sizeof(big), 0,
                            (struct sockaddr *)&x.from[1], sizeof(x.from[1])),
                     (ssize_t)sizeof(big));
    assert_int_equal(client_reply(r, 1000, &rc, &tc, &len), 0x0b16);
    assert_int_equal(rc, 0);
    assert_int_equal(tc, 1);
    assert_int_equal(len, 20);
}

/* A client connection to the forwarder with nothing sent on it yet. */
static int tcp_connect(struct rig *r)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(
        connect(fd, (struct sockaddr *)&r->fwd_at, sizeof(r->fwd_at)), 0);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(dnsfwd_step(&r->f, 1000, &err), 0);
    return fd;
}

/* Eight connections that send nothing fill the slots; a ninth that asks
 * is served, the oldest closed for it (helper-82: it was refused, so
 * eight idle or persistent clients shut every other one out). */
static void test_tcp_full_ends_the_oldest(void **state)
{
    struct rig *r = *state;
    int idle[DNSFWD_MAX_TCP], rc = -1;
    unsigned char m[32], b[1];
    size_t len = 0;
    for (int i = 0; i < DNSFWD_MAX_TCP; i++)
        idle[i] = tcp_connect(r);
    assert_int_equal(r->f.tcp_children, DNSFWD_MAX_TCP);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(
        connect(fd, (struct sockaddr *)&r->fwd_at, sizeof(r->fwd_at)), 0);
    unsigned char q[22];
    size_t n = make_query(q + 2, 0x0909);
    q[0] = 0;
    q[1] = (unsigned char)n;
    assert_int_equal(send(fd, q, n + 2, 0), (ssize_t)n + 2);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(dnsfwd_step(&r->f, 1000, &err), 0);
    assert_int_equal(r->f.tcp_children, DNSFWD_MAX_TCP);
    int c0 = tcp_server_got(r, 0, m, 1000);
    assert_true(c0 >= 0);
    tcp_server_reply(c0, 0, m, 0, 0);
    int c1 = tcp_server_got(r, 1, m, 1000);
    if (c1 >= 0)
        close(c1);
    assert_int_equal(tcp_client_got(fd, &rc, &len), 'A');
    assert_int_equal(rc, 0);
    /* The first idle one was closed: its server process is gone. */
    shutdown(idle[0], SHUT_WR);
    assert_int_equal(read_all(idle[0], b, 1), -1);
    close(idle[0]);
    for (int i = 1; i < DNSFWD_MAX_TCP; i++) {
        shutdown(idle[i], SHUT_WR);
        close(idle[i]);
    }
    tcp_done(r, fd);
}

/* The rig's forwarder closed and opened again on its address, with the
 * same servers and `domains` (NULL: none). */
static void reopen(struct rig *r, const char *const *domains)
{
    struct sockaddr_storage servers[2];
    socklen_t lens[2];
    for (int i = 0; i < 2; i++) {
        servers[i] = r->f.servers[i];
        lens[i] = r->f.server_lens[i];
    }
    struct sockaddr_in at = r->fwd_at;
    dnsfwd_close(&r->f);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(dnsfwd_open(&r->f, (struct sockaddr *)&at, sizeof(at),
                                 servers, lens, domains, 2, &err),
                     0);
}

/* After the forwarder closed a connection first (TIME_WAIT on its
 * address), a forwarder opened again on that address binds (helper-82:
 * EADDRINUSE for a minute left a NOHYPER container broken). */
static void test_reopen_after_time_wait(void **state)
{
    struct rig *r = *state;
    int fd = tcp_connect(r);
    unsigned char m[22], got[1];
    size_t n = make_query(m + 2, 5);
    m[0] = 0;
    m[1] = (unsigned char)n;
    m[2 + 2] |= 0x80; /* not a query: the forwarder closes first */
    assert_int_equal(send(fd, m, n + 2, 0), (ssize_t)n + 2);
    assert_int_equal(read_all(fd, got, 1), -1);
    tcp_done(r, fd);
    reopen(r, NULL);
}

/* Servers of domains na and nb: a name under nb goes to nb's server
 * alone, whose NXDOMAIN is the answer at once (helper-82: na's server
 * sent it upstream, and with an upstream that never answers every
 * lookup waited the deadline); a plain name goes to both. */
static void test_name_of_a_domain_goes_to_its_server(void **state)
{
    struct rig *r = *state;
    const char *const domains[] = {"na", "NB"};
    reopen(r, domains);
    /* "a1.Nb": header, then 2 "a1" 2 "Nb" 0, type A, class IN. */
    static const unsigned char q[] = {0x31, 0x31, 0x01, 0x00, 0, 1,   0,   0,
                                      0,    0,    0,    0,    2, 'a', '1', 2,
                                      'N',  'b',  0,    0,    1, 0,   1};
    assert_int_equal(sendto(r->client, q, sizeof(q), 0,
                            (struct sockaddr *)&r->fwd_at, sizeof(r->fwd_at)),
                     (ssize_t)sizeof(q));
    unsigned char m[512];
    struct sockaddr_in from;
    size_t n = server_got(r, 1, m, &from);
    assert_int_equal(n, sizeof(q));
    assert_int_equal(server_got(r, 0, m + 256, &from), 0); /* na's: not asked */
    server_reply(r, 1, m, n, &from, 3, 0);
    int rc = -1, tc = -1;
    size_t len = 0;
    assert_int_equal(client_reply(r, 1000, &rc, &tc, &len), 0x3131);
    assert_int_equal(rc, 3);
    /* Only the last labels count: "a1" goes to both. */
    struct exchange x;
    ask(r, 0x3232, &x);
    reply(r, &x, 0, 3, 0);
    reply(r, &x, 1, 3, 0);
    assert_int_equal(client_reply(r, 1000, &rc, &tc, &len), 0x3232);
    assert_int_equal(dnsfwd_owner(&r->f, x.m[0], x.n[0]), DNSFWD_NONE);
    /* A server of no domain (oci_dns: the admin's resolver may serve na
     * too) is asked a name of na as well; another network's is not. */
    strcpy(r->f.domains[1], "");
    assert_int_equal(dnsfwd_owner(&r->f, q, sizeof(q)), DNSFWD_NONE);
    strcpy(r->f.domains[0], "nb");
    size_t owner = dnsfwd_owner(&r->f, q, sizeof(q));
    assert_int_equal(owner, 0);
    assert_true(dnsfwd_asks(&r->f, owner, 0));
    assert_true(dnsfwd_asks(&r->f, owner, 1));
    strcpy(r->f.domains[1], "na");
    assert_false(dnsfwd_asks(&r->f, owner, 1));
}

/* Over TCP, when no server answers in time: SERVFAIL on the connection,
 * which stays open for the next query, as over UDP (helper-83). */
static void test_tcp_servfail_when_none_answers(void **state)
{
    struct rig *r = *state;
    unsigned char m[2][32];
    int rc = -1;
    size_t len = 0;
    r->f.deadline_ms = 300;
    int fd = tcp_ask(r, 0x7777);
    int c0 = tcp_server_got(r, 0, m[0], 1000);
    int c1 = tcp_server_got(r, 1, m[1], 1000);
    assert_true(c0 >= 0 && c1 >= 0); /* neither replies */
    tcp_client_got(fd, &rc, &len);
    assert_int_equal(rc, 2);
    assert_int_equal(len, 20);
    close(c0);
    close(c1);
    r->f.deadline_ms = DNSFWD_DEADLINE_MS;
    tcp_done(r, fd);
}

int main(void)
{
    alarm(60); /* a forwarder that never answers ends the test */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_found_on_second),
        cmocka_unit_test(test_first_found),
        cmocka_unit_test(test_nowhere),
        cmocka_unit_test(test_nxdomain_before_servfail),
        cmocka_unit_test(test_deadline),
        cmocka_unit_test(test_wrong_id_ignored),
        cmocka_unit_test(test_not_a_query),
        cmocka_unit_test(test_tcp_found_on_second),
        cmocka_unit_test(test_tcp_not_a_query),
        cmocka_unit_test(test_servfail_when_none_answers),
        cmocka_unit_test(test_full_table_ends_the_oldest),
        cmocka_unit_test(test_large_reply_truncated),
        cmocka_unit_test(test_tcp_full_ends_the_oldest),
        cmocka_unit_test(test_reopen_after_time_wait),
        cmocka_unit_test(test_name_of_a_domain_goes_to_its_server),
        cmocka_unit_test(test_tcp_servfail_when_none_answers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
