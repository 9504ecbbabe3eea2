/*
 * dnsfwd.h: the loader's DNS forwarder for a container on several
 * managed networks (boot spec network/dns-forward, common/abi/
 * boot_spec.h).  Each network's dnsmasq knows only its own containers'
 * names and answers NXDOMAIN for the others' (netback/dns.h: plain names
 * are never sent upstream), and a resolver asks one server and stops at
 * the first NXDOMAIN; Docker's embedded DNS (127.0.0.11) answers for
 * every network of the container.  This does the same: every query that
 * arrives on BOOT_SPEC_DNS_FORWARD_ADDR port 53 goes to all the servers
 * at once, and the client gets the first reply with RCODE NOERROR (the
 * name exists there), else, once each server replied or the deadline
 * passed, the best negative reply (dnsfwd_better), else SERVFAIL.  A name
 * under a server's own domain (a network's, boot spec dns-domains) goes to
 * that server and to the servers of no domain, never to another
 * network's (dnsfwd_asks).
 *
 * Its clients are the container's processes, any of which may be hostile
 * or merely busy (helper-82): a full table of pending queries or of TCP
 * connections makes room by ending its oldest entry, so that a flood of
 * slow queries or of idle connections delays a lookup by no more than
 * the flood's own turnover, rather than shutting everyone else out.
 *
 * Messages are RFC 1035 section 4, passed on as they are: only the
 * 12-byte header (ID, QR, RCODE) and the question section are read, to
 * match a reply to its query.  UDP and TCP are served on the same
 * address and port: a query over UDP is asked over UDP, one over TCP
 * (RFC 7766: a resolver's retry after a truncated UDP reply, TC) over
 * TCP, each connection of a client by a child process of its own
 * (dnsfwd_tcp.c), DNSFWD_MAX_TCP at once.
 */
#ifndef XL_OCI_LOADER_DNSFWD_H
#define XL_OCI_LOADER_DNSFWD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "bootspec.h"
#include "common/error.h"

#define DNSFWD_MAX_SERVERS 4  /* as BOOT_SPEC_MAX_DNS */
#define DNSFWD_MAX_PENDING 32 /* queries in flight; a new one ends the oldest */
#define DNSFWD_MSG_MAX 4096   /* bytes of a message (dnsmasq's EDNS size) */
#define DNSFWD_DEADLINE_MS 4000 /* a query's life, under glibc's 5 s */
#define DNSFWD_MAX_TCP 8 /* connections served; a new one ends the oldest */
#define DNSFWD_TCP_BACKLOG 64    /* connections waiting for accept */
#define DNSFWD_TCP_MSG_MAX 65535 /* RFC 7766's 2-byte length */
#define DNSFWD_DOMAIN_MAX 253    /* a domain name's text (RFC 1035 2.3.4) */

struct dnsfwd_query {
    int fds[DNSFWD_MAX_SERVERS]; /* connected to each server; -1 done */
    struct sockaddr_storage client;
    socklen_t client_len;
    size_t len, waiting, best; /* best: server of `reply`, or DNSFWD_NONE */
    int best_rcode;
    long long deadline_ms;
    unsigned char msg[DNSFWD_MSG_MAX];   /* the query */
    unsigned char reply[DNSFWD_MSG_MAX]; /* the lowest server's negative one */
    size_t reply_len;
    int used;
};

struct dnsfwd {
    int listen_fd, tcp_fd;               /* UDP, and TCP listening */
    size_t tcp_children;                 /* connections being served: */
    pid_t tcp_pid[DNSFWD_MAX_TCP];       /* their processes (0: a free slot) */
    long long tcp_since[DNSFWD_MAX_TCP]; /* when each began, ms */
    struct sockaddr_storage servers[DNSFWD_MAX_SERVERS];
    socklen_t server_lens[DNSFWD_MAX_SERVERS];
    char domains[DNSFWD_MAX_SERVERS][DNSFWD_DOMAIN_MAX + 1]; /* "": none */
    size_t n;
    long long deadline_ms; /* a query's life: DNSFWD_DEADLINE_MS */
    struct dnsfwd_query q[DNSFWD_MAX_PENDING];
};

/*
 * Binds `listen` (UDP) and takes the n servers (1..DNSFWD_MAX_SERVERS,
 * IPv4 or IPv6 socket addresses with their ports) and the domain each
 * holds (domains[i], "" for none; domains NULL: none has one).  -1 with
 * err (bind refused, too many servers, a domain too long).
 */
int dnsfwd_open(struct dnsfwd *f, const struct sockaddr *at_listen,
                socklen_t at_listen_len, const struct sockaddr_storage *servers,
                const socklen_t *lens, const char *const *domains, size_t n,
                xo_err *err);

/* The server whose domain holds the question's name of m (len bytes, with
 * a question): the name ends in "." and that domain, compared without
 * case; DNSFWD_NONE when none does (every server is asked). */
size_t dnsfwd_owner(const struct dnsfwd *f, const unsigned char *m, size_t len);

/* Whether server i is asked a name of `owner` (dnsfwd_owner): every
 * server when none owns it, else the owner and the servers of no domain
 * (oci_dns: an admin's resolver may serve that domain too, helper-83),
 * never another network's, which would send it upstream. */
bool dnsfwd_asks(const struct dnsfwd *f, size_t owner, size_t i);

/* Waits up to timeout_ms (-1: until something happens) and handles what
 * arrived: new queries, replies, deadlines, connections, TCP processes
 * that ended (reaped).  0, or -1 with err when poll itself fails. */
int dnsfwd_step(struct dnsfwd *f, int timeout_ms, xo_err *err);

void dnsfwd_close(struct dnsfwd *f);

/* Milliseconds of CLOCK_MONOTONIC. */
long long dnsfwd_now_ms(void);

/* The end of m's question section (RFC 1035 4.1.2: one name, then 2
 * bytes of type and 2 of class), or 0 when m (len bytes) is not a header
 * with one well-formed question. */
size_t dnsfwd_question_end(const unsigned char *m, size_t len);

/* Whether a negative reply (rcode, from server i) is a better answer
 * than the one kept (best_rcode, from server best; best == DNSFWD_NONE:
 * none yet): NXDOMAIN, a server's word that the name does not exist,
 * comes before any other (SERVFAIL, REFUSED: it could not tell, e.g. a
 * network's dnsmasq asked for another network's NAME.NETWORK with no
 * upstream), then the lower-numbered server. */
#define DNSFWD_NONE ((size_t)-1)
bool dnsfwd_better(int rcode, size_t i, int best_rcode, size_t best);

/* Whether m (n bytes) is a reply to the query q (qlen bytes, with a
 * question): the same ID, QR set, the same question. */
bool dnsfwd_is_reply(const unsigned char *q, size_t qlen,
                     const unsigned char *m, size_t n);

/* Makes m (a query or a reply to it, with a question: dnsfwd_question_end
 * > 0) into a reply with no records: QR set, RCODE rcode, TC as given
 * (RFC 1035 4.1.1; RFC 7766: a client that sees TC asks over TCP).  Its
 * new length, the end of the question. */
size_t dnsfwd_empty_reply(unsigned char *m, size_t len, int rcode, bool tc);

/*
 * Serves one client TCP connection (conn, accepted) until the client
 * closes it, sends what is not a query, stays idle f->deadline_ms, or a
 * query gets no reply from any server in that time (the connection is
 * then closed, as a server that gives up does).  Each query is asked of
 * every server over TCP at once; the answer is chosen as over UDP.
 * Closes nothing: the caller's process ends after it.
 */
void dnsfwd_tcp_serve(const struct dnsfwd *f, int conn);

/*
 * Forks the forwarder's process: it closes every descriptor it inherited,
 * enters the network namespace at `netns` (a /proc/PID/ns/net or a bind
 * mount of one; NULL: the caller's), binds BOOT_SPEC_DNS_FORWARD_ADDR:53
 * (UDP and TCP) for the name servers dns[0..ndns) (IPv4 or IPv6 text,
 * port 53; others skipped, DNSFWD_MAX_SERVERS at most) holding domains
 * domains[0..ndns) ("" for none; NULL: none), then serves as
 * nobody until it is killed or its parent dies (SIGKILL).  Returns once
 * it is bound, so that the container's first query finds it: its pid, or
 * -1 with err saying why it could not bind, the process reaped.
 */
pid_t dnsfwd_spawn(const char *const *dns, const char *const *domains,
                   size_t ndns, const char *netns, xo_err *err);

/* The init's part: dnsfwd_spawn for spec->dns in the domain's namespace
 * when the spec asks for it (network/dns-forward).  The pid, 0 when the
 * spec does not ask, -1 with err. */
pid_t dnsfwd_start(const struct boot_spec *spec, xo_err *err);

#endif
