/* nl.c: one netlink request and its answer over libmnl (nl.h). */
#include "netback/nl.h"

#include <errno.h>
#include <linux/netlink.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "common/alloc.h"

/* What the kernel said beyond errno; longer words are cut (a message). */
#define NB_NL_EXTACK 160
/* A dump the kernel flags interrupted (NLM_F_DUMP_INTR: what it walked
 * changed meanwhile, as an interface's IPv6 link-local address appears
 * after it came up) is asked again this many times in all. */
#define NB_NL_DUMP_TRIES 5
/* The most a dump's answer may hold: conntrack's table on a busy host is
 * the largest we read (about 300 bytes an entry). */
#define NB_NL_DUMP_MAX (64u << 20)

struct talk {
    mnl_cb_t cb;
    void *data;
    char extack[NB_NL_EXTACK];
};

struct mnl_socket *nb_nl_open_bus(int bus, const char *what, xo_err *err)
{
    const char *name = bus == NETLINK_ROUTE ? "rtnetlink" : "nfnetlink";
    struct mnl_socket *nl = mnl_socket_open2(bus, SOCK_CLOEXEC);
    if (!nl) {
        xo_err_sys(err, "%s: cannot open %s", what, name);
        return NULL;
    }
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        xo_err_sys(err, "%s: cannot bind %s", what, name);
        mnl_socket_close(nl);
        return NULL;
    }
    /* Kernels before 4.12 lack these; errors then carry errno alone. */
    int one = 1;
    mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
    mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
    return nl;
}

struct mnl_socket *nb_nl_open(const char *what, xo_err *err)
{
    return nb_nl_open_bus(NETLINK_ROUTE, what, err);
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
    struct talk *t = data;
    if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
        mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
        /* Cut words are still words: no error if they do not fit. */
        const char *s = mnl_attr_get_str(attr);
        size_t n = strnlen(s, sizeof(t->extack) - 1);
        memcpy(t->extack, s, n);
        t->extack[n] = '\0';
    }
    return MNL_CB_OK;
}

/* NLMSG_ERROR: struct nlmsgerr, then (NLM_F_ACK_TLVS) attributes after the
 * echoed request, of which only the header when NLM_F_CAPPED. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
    struct talk *t = data;
    const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
    if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
        errno = EBADMSG;
        return MNL_CB_ERROR;
    }
    if (e->error == 0)
        return MNL_CB_STOP;
    if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
        size_t off = sizeof(*e);
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
            off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
        if (e->msg.nlmsg_len >= sizeof(struct nlmsghdr) &&
            mnl_nlmsg_size(off) <= nlh->nlmsg_len)
            mnl_attr_parse(nlh, (unsigned)off, extack_attr_cb, t);
    }
    errno = e->error < 0 ? -e->error : e->error;
    return MNL_CB_ERROR;
}

/* NLMSG_DONE ends a dump; a dump that failed part-way puts the error
 * (a negative int) in it. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
    (void)data;
    if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
        int e;
        memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
        if (e < 0) {
            errno = -e;
            return MNL_CB_ERROR;
        }
    }
    return MNL_CB_STOP;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
    (void)nlh;
    (void)data;
    return MNL_CB_OK;
}

static int overrun_cb(const struct nlmsghdr *nlh, void *data)
{
    (void)nlh;
    (void)data;
    errno = ENOSPC;
    return MNL_CB_ERROR;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
    struct talk *t = data;
    return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

/* A dump's whole answer, each recvfrom's bytes in turn. */
struct dump_answer {
    char *bytes;
    size_t len, cap;
    size_t *ends; /* where each read's bytes end */
    size_t n, ends_cap;
};

static void dump_answer_add(struct dump_answer *a, const char *buf, size_t n)
{
    if (a->len + n > a->cap) {
        a->cap = (a->len + n) * 2;
        a->bytes = xo_xrealloc(a->bytes, a->cap);
    }
    memcpy(a->bytes + a->len, buf, n);
    a->len += n;
    if (a->n == a->ends_cap) {
        a->ends_cap = a->ends_cap ? a->ends_cap * 2 : 16;
        a->ends = xo_xrealloc(a->ends, a->ends_cap * sizeof(*a->ends));
    }
    a->ends[a->n++] = a->len;
}

/* After an interrupted dump: reads on to its NLMSG_DONE or error, so that
 * nothing of it is left on the socket for the next request.  `buf` holds
 * the `n` bytes read last.  -1 with errno when the socket fails. */
static int drain_dump(struct mnl_socket *nl, char *buf, size_t bufsz, ssize_t n,
                      unsigned seq)
{
    for (;;) {
        const struct nlmsghdr *m = (const struct nlmsghdr *)buf;
        int left = (int)n;
        while (mnl_nlmsg_ok(m, left)) {
            if (m->nlmsg_seq == seq &&
                (m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_ERROR))
                return 0;
            m = mnl_nlmsg_next(m, &left);
        }
        n = mnl_socket_recvfrom(nl, buf, bufsz);
        if (n <= 0)
            return -1;
    }
}

/*
 * One try of a dump: its answer read whole into `a` before any of it
 * reaches `cb`, so that an interrupted one gives `cb` nothing.  1 when
 * complete, 0 when the kernel flagged it interrupted (drained), -1 with
 * errno (and t->extack) on any other failure.
 */
static int dump_once(struct mnl_socket *nl, struct nlmsghdr *nlh,
                     struct talk *t, mnl_cb_t *ctl, struct dump_answer *a)
{
    static atomic_uint seq;
    unsigned portid = mnl_socket_get_portid(nl);
    nlh->nlmsg_seq = (unsigned)time(NULL) + atomic_fetch_add(&seq, 1);
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
        return -1;
    char buf[NB_NL_BUF] = {0};
    ssize_t n;
    while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
        /* No data callback: only the flags, the end and errors. */
        int r = mnl_cb_run2(buf, (size_t)n, nlh->nlmsg_seq, portid, NULL, t,
                            ctl, NLMSG_MIN_TYPE);
        if (r < 0 && errno == EINTR)
            return drain_dump(nl, buf, sizeof(buf), n, nlh->nlmsg_seq) < 0 ? -1
                                                                           : 0;
        if (r < 0)
            return -1;
        if (a->len + (size_t)n > NB_NL_DUMP_MAX) {
            errno = ENOBUFS;
            return -1;
        }
        dump_answer_add(a, buf, (size_t)n);
        if (r == MNL_CB_STOP)
            return 1;
    }
    return -1;
}

/* nb_nl_talk() for a dump: asked again while the kernel says it was
 * interrupted, then every message of the whole answer to `cb`. */
static int talk_dump(struct mnl_socket *nl, struct nlmsghdr *nlh,
                     struct talk *t, mnl_cb_t *ctl, const char *what,
                     xo_err *err)
{
    unsigned portid = mnl_socket_get_portid(nl);
    for (int tries = 1;; tries++) {
        struct dump_answer a = {0};
        int r = dump_once(nl, nlh, t, ctl, &a);
        for (size_t i = 0; r == 1 && i < a.n; i++) {
            size_t from = i ? a.ends[i - 1] : 0;
            if (mnl_cb_run2(a.bytes + from, a.ends[i] - from, nlh->nlmsg_seq,
                            portid, data_cb, t, ctl, NLMSG_MIN_TYPE) < 0)
                r = -1;
        }
        int e = errno;
        free(a.bytes);
        free(a.ends);
        if (r == 1)
            return 0;
        if (r == 0 && tries < NB_NL_DUMP_TRIES)
            continue;
        if (r == 0)
            return xo_err_set(
                err, EINTR,
                "%s: the kernel's answer was interrupted by changes %d times in a row (NLM_F_DUMP_INTR)",
                what, tries);
        if (t->extack[0])
            return xo_err_set(err, e, "%s: %s (%s)", what, strerror(e),
                              t->extack);
        errno = e;
        return xo_err_sys(err, "%s", what);
    }
}

int nb_nl_talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
               void *data, const char *what, xo_err *err)
{
    /* Each request its own number, so an answer left from an earlier one
     * is refused by mnl_cb_run2 (ESRCH) rather than taken for this one's. */
    static atomic_uint seq;
    mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
        [NLMSG_NOOP] = noop_cb,
        [NLMSG_ERROR] = error_cb,
        [NLMSG_DONE] = done_cb,
        [NLMSG_OVERRUN] = overrun_cb,
    };
    struct talk t = {cb, data, ""};
    unsigned portid = mnl_socket_get_portid(nl);
    nlh->nlmsg_seq = (unsigned)time(NULL) + atomic_fetch_add(&seq, 1);
    nlh->nlmsg_flags |= NLM_F_ACK;
    if (nlh->nlmsg_flags & NLM_F_DUMP)
        return talk_dump(nl, nlh, &t, ctl, what, err);
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
        return xo_err_sys(err, "%s: netlink send", what);
    char buf[NB_NL_BUF] = {0};
    ssize_t n;
    int r = MNL_CB_OK;
    while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
        r = mnl_cb_run2(buf, (size_t)n, nlh->nlmsg_seq, portid, data_cb, &t,
                        ctl, NLMSG_MIN_TYPE);
        if (r <= MNL_CB_STOP)
            break;
    }
    if (n >= 0 && r >= 0)
        return 0;
    if (t.extack[0]) {
        int e = errno;
        return xo_err_set(err, e, "%s: %s (%s)", what, strerror(e), t.extack);
    }
    return xo_err_sys(err, "%s", what);
}
