/*
 * xs_lite.c: xl-oci-monitor's own xenstore client, one of the two
 * implementations of common/xs_client.h (the other forwards to
 * libxenstore).  The wire protocol is xen/io/xs_wire.h: a 16-byte header
 * (type, request id, transaction id, payload length) and at most
 * XENSTORE_PAYLOAD_MAX bytes of payload, over xenstored's Unix socket or
 * /dev/xen/xenbus.  Replies come in request order; watch events may come
 * at any time in between.
 *
 * Why: the monitor is linked statically to stay small, and Debian's
 * static libxenstore.a is built without its reader thread; without it a
 * watch event that arrives while a request waits for its reply makes the
 * request fail (EINVAL) and leaves the reply unread, so watches and
 * requests cannot be mixed.  This client reads replies and events from
 * the one connection itself, queueing events for xo_xs_read_watch().
 *
 * Differences from libxenstore: xo_xs_fileno() is the connection itself,
 * and events may already be queued when it is not readable
 * (xo_xs_pending()).  At most XS_LITE_QUEUE_MAX events are queued; past
 * that new ones are dropped and xo_xs_lost() says so.
 */
#include "common/xs_client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#include "common/alloc.h"
#include "common/fileio.h"

#define XS_LITE_QUEUE_MAX 256

struct event {
    struct event *next;
    uint32_t len;
    char body[]; /* "path\0token\0" */
};

struct xo_xs {
    int fd;
    struct event *head, *tail;
    unsigned queued;
    bool lost;
};

static int connect_socket(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* As libxenstore: $XENSTORED_PATH, xenstored's socket, else the xenbus
 * device (xenstored in a stub domain). */
struct xo_xs *xo_xs_open(void)
{
    const char *env = getenv("XENSTORED_PATH");
    int fd = -1;
    if (env && *env) {
        fd = connect_socket(env);
    } else {
        fd = connect_socket("/var/run/xenstored/socket");
        if (fd < 0)
            fd = connect_socket("/run/xenstored/socket");
        if (fd < 0)
            fd = open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);
    }
    if (fd < 0)
        return NULL;
    struct xo_xs *h = xo_xcalloc(1, sizeof(*h));
    h->fd = fd;
    return h;
}

void xo_xs_close(struct xo_xs *h)
{
    if (!h)
        return;
    for (struct event *e = h->head, *next; e; e = next) {
        next = e->next;
        free(e);
    }
    close(h->fd);
    free(h);
}

int xo_xs_fileno(struct xo_xs *h)
{
    return h->fd;
}

unsigned xo_xs_pending(struct xo_xs *h)
{
    return h->queued;
}

/* xenstore only: the file store is the NOHYPER monitor's, which links
 * xs_client.c. */
bool xo_xs_is_dir(const struct xo_xs *xs)
{
    (void)xs;
    return false;
}

bool xo_xs_lost(struct xo_xs *h)
{
    bool lost = h->lost;
    h->lost = false;
    return lost;
}

static int read_full(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t r = read(fd, p, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = EIO; /* xenstored went away */
            return -1;
        }
        p += r;
        len -= (size_t)r;
    }
    return 0;
}

/* Reads one message; its payload (NUL-terminated, malloc'd) in *body. */
static int read_msg(struct xo_xs *h, struct xsd_sockmsg *hdr, char **body)
{
    if (read_full(h->fd, hdr, sizeof(*hdr)) < 0)
        return -1;
    if (hdr->len > XENSTORE_PAYLOAD_MAX) {
        errno = E2BIG;
        return -1;
    }
    *body = xo_xmalloc(hdr->len + 1);
    if (read_full(h->fd, *body, hdr->len) < 0) {
        free(*body);
        return -1;
    }
    (*body)[hdr->len] = '\0';
    return 0;
}

/* Queues a watch event; drops it (and says so) when the queue is full. */
static void queue_event(struct xo_xs *h, const char *body, uint32_t len)
{
    struct event *e = NULL;
    if (h->queued < XS_LITE_QUEUE_MAX)
        e = malloc(sizeof(*e) + len + 1);
    if (!e) {
        h->lost = true;
        return;
    }
    e->next = NULL;
    e->len = len;
    memcpy(e->body, body, len);
    e->body[len] = '\0';
    if (h->tail)
        h->tail->next = e;
    else
        h->head = e;
    h->tail = e;
    h->queued++;
}

static int error_errno(const char *s)
{
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (strcmp(s, xsd_errors[i].errstring) == 0)
            return xsd_errors[i].errnum;
    return EIO;
}

/*
 * Sends a request made of `n` parts and returns its reply's payload
 * (malloc'd, NUL-terminated, length in *len), queueing the watch events
 * read before it.  NULL with errno on failure or an XS_ERROR reply.
 */
static char *talk(struct xo_xs *h, uint32_t type, const struct iovec *parts,
                  unsigned n, unsigned *len)
{
    struct xsd_sockmsg hdr = {.type = type};
    char buf[XENSTORE_PAYLOAD_MAX];
    for (unsigned i = 0; i < n; i++) {
        if (parts[i].iov_len > sizeof(buf) - hdr.len) {
            errno = E2BIG;
            return NULL;
        }
        memcpy(buf + hdr.len, parts[i].iov_base, parts[i].iov_len);
        hdr.len += (uint32_t)parts[i].iov_len;
    }
    if (xo_write_all(h->fd, &hdr, sizeof(hdr)) < 0 ||
        xo_write_all(h->fd, buf, hdr.len) < 0)
        return NULL;
    for (;;) {
        struct xsd_sockmsg reply;
        char *body;
        if (read_msg(h, &reply, &body) < 0)
            return NULL;
        if (reply.type == XS_WATCH_EVENT) {
            queue_event(h, body, reply.len);
            free(body);
            continue;
        }
        if (reply.type == XS_ERROR) {
            errno = error_errno(body);
            free(body);
            return NULL;
        }
        if (reply.type != type) {
            free(body);
            errno = EBADMSG;
            return NULL;
        }
        if (len)
            *len = reply.len;
        return body;
    }
}

static bool talk_ok(struct xo_xs *h, uint32_t type, const struct iovec *parts,
                    unsigned n)
{
    char *r = talk(h, type, parts, n, NULL);
    free(r);
    return r != NULL;
}

#define STR(s)                                                                 \
    {                                                                          \
        (void *)(s), strlen(s) + 1                                             \
    }

void *xo_xs_read(struct xo_xs *h, const char *path, unsigned *len)
{
    struct iovec p[] = {STR(path)};
    return talk(h, XS_READ, p, 1, len);
}

bool xo_xs_write(struct xo_xs *h, const char *path, const void *data,
                 unsigned len)
{
    struct iovec p[] = {STR(path), {(void *)data, len}};
    return talk_ok(h, XS_WRITE, p, 2);
}

bool xo_xs_mkdir(struct xo_xs *h, const char *path)
{
    struct iovec p[] = {STR(path)};
    return talk_ok(h, XS_MKDIR, p, 1);
}

bool xo_xs_rm(struct xo_xs *h, const char *path)
{
    struct iovec p[] = {STR(path)};
    return talk_ok(h, XS_RM, p, 1);
}

bool xo_xs_set_permissions(struct xo_xs *h, const char *path,
                           struct xs_permissions *perms, unsigned num)
{
    /* Each permission is a letter (n, r, w, b) and a domid. */
    char text[XENSTORE_PAYLOAD_MAX];
    size_t used = 0;
    for (unsigned i = 0; i < num; i++) {
        unsigned rw = perms[i].perms & (XS_PERM_READ | XS_PERM_WRITE);
        char c = rw == (XS_PERM_READ | XS_PERM_WRITE) ? 'b'
                 : rw == XS_PERM_READ                 ? 'r'
                 : rw == XS_PERM_WRITE                ? 'w'
                                                      : 'n';
        int n =
            snprintf(text + used, sizeof(text) - used, "%c%u", c, perms[i].id);
        if (n < 0 || (size_t)n + 1 >= sizeof(text) - used) {
            errno = E2BIG;
            return false;
        }
        used += (size_t)n + 1; /* keep the NUL between entries */
    }
    struct iovec p[] = {STR(path), {text, used}};
    return talk_ok(h, XS_SET_PERMS, p, 2);
}

/* Splits "a\0b\0...\0" (len bytes) into one malloc'd vector + strings. */
static char **split(const char *body, unsigned len, unsigned *num)
{
    unsigned n = 0;
    for (unsigned i = 0; i < len; i++)
        n += body[i] == '\0';
    char **v = xo_xmalloc((n + 1) * sizeof(char *) + len + 1);
    char *s = (char *)(v + n + 1);
    memcpy(s, body, len);
    s[len] = '\0';
    for (unsigned i = 0; i < n; i++) {
        v[i] = s;
        s += strlen(s) + 1;
    }
    v[n] = NULL;
    *num = n;
    return v;
}

char **xo_xs_directory(struct xo_xs *h, const char *path, unsigned *num)
{
    unsigned len = 0;
    struct iovec p[] = {STR(path)};
    char *body = talk(h, XS_DIRECTORY, p, 1, &len);
    if (!body)
        return NULL;
    char **v = split(body, len, num);
    free(body);
    return v;
}

bool xo_xs_watch(struct xo_xs *h, const char *path, const char *token)
{
    struct iovec p[] = {STR(path), STR(token)};
    return talk_ok(h, XS_WATCH, p, 2);
}

bool xo_xs_unwatch(struct xo_xs *h, const char *path, const char *token)
{
    struct iovec p[] = {STR(path), STR(token)};
    return talk_ok(h, XS_UNWATCH, p, 2);
}

/* The next event: queued, else read (blocking) from the connection. */
char **xo_xs_read_watch(struct xo_xs *h, unsigned *num)
{
    char **v = NULL;
    if (h->head) {
        struct event *e = h->head;
        h->head = e->next;
        if (!h->head)
            h->tail = NULL;
        h->queued--;
        v = split(e->body, e->len, num);
        free(e);
    } else {
        for (;;) {
            struct xsd_sockmsg hdr;
            char *body;
            if (read_msg(h, &hdr, &body) < 0)
                return NULL;
            /* With no request outstanding only events can come. */
            if (hdr.type == XS_WATCH_EVENT)
                v = split(body, hdr.len, num);
            free(body);
            if (hdr.type == XS_WATCH_EVENT)
                break;
        }
    }
    if (v && *num < 2) {
        free(v); /* an event is a path and a token */
        errno = EBADMSG;
        return NULL;
    }
    return v;
}
