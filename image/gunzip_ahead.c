/* gunzip_ahead.c: the inflate on a thread of its own (see gunzip_ahead.h). */
#include "image/gunzip_ahead.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "common/alloc.h"
#include "image/gunzip.h"

struct gunzip_ahead {
    struct gunzip *gz;
    unsigned char *buf[GUNZIP_AHEAD_SLOTS];
    size_t len[GUNZIP_AHEAD_SLOTS];
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t head;   /* the reader's next slot */
    size_t filled; /* slots inflated and not yet given back */
    bool held;     /* the reader holds slot `head` (its last answer) */
    bool ended;    /* the inflate ended: `end_rc`, `end_err` */
    bool stop;     /* gunzip_ahead_free(): the thread leaves */
    int end_rc;    /* 0 at the end of the stream, -1 on an error */
    xo_err end_err;
    bool threaded;
    pthread_t thread;
};

/* True once gunzip_ahead_free() asked the thread to leave. */
static bool stopping(struct gunzip_ahead *a)
{
    pthread_mutex_lock(&a->lock);
    bool stop = a->stop;
    pthread_mutex_unlock(&a->lock);
    return stop;
}

/* Fills one block from the decoder: its length; *rc_r 1 while the stream
 * goes on, else 0 (end) or -1 (err set).  On the thread (`on_thread`), a
 * reader that stopped is not kept waiting for the rest of the block (each
 * source read may wait for a download). */
static size_t fill_block(struct gunzip_ahead *a, unsigned char *buf,
                         bool on_thread, int *rc_r, xo_err *err)
{
    size_t len = 0;
    *rc_r = 1;
    while (len < GUNZIP_AHEAD_BLOCK && !(on_thread && len && stopping(a))) {
        ssize_t n =
            gunzip_read(a->gz, buf + len, GUNZIP_AHEAD_BLOCK - len, err);
        if (n <= 0) {
            *rc_r = n < 0 ? -1 : 0;
            break;
        }
        len += (size_t)n;
    }
    return len;
}

static void *inflater(void *arg)
{
    struct gunzip_ahead *a = arg;
    size_t slot = 0;
    for (;;) {
        pthread_mutex_lock(&a->lock);
        while (a->filled == GUNZIP_AHEAD_SLOTS && !a->stop)
            pthread_cond_wait(&a->cond, &a->lock);
        bool stop = a->stop;
        pthread_mutex_unlock(&a->lock);
        if (stop)
            return NULL;
        /* The slot is free: the reader gives slots back in order. */
        xo_err e = XO_ERR_INIT;
        int rc;
        size_t len = fill_block(a, a->buf[slot], true, &rc, &e);
        pthread_mutex_lock(&a->lock);
        if (len) {
            a->len[slot] = len;
            a->filled++;
        }
        if (rc <= 0) {
            a->ended = true;
            a->end_rc = rc;
            a->end_err = e; /* takes the message over */
        }
        pthread_cond_broadcast(&a->cond);
        pthread_mutex_unlock(&a->lock);
        if (rc <= 0)
            return NULL;
        slot = (slot + 1) % GUNZIP_AHEAD_SLOTS;
    }
}

struct gunzip_ahead *gunzip_ahead_new(const struct unpack_reader *src,
                                      xo_err *err)
{
    struct gunzip *gz = gunzip_new(src, err);
    if (!gz)
        return NULL;
    struct gunzip_ahead *a = xo_xcalloc(1, sizeof(*a));
    a->gz = gz;
    a->end_err = (xo_err)XO_ERR_INIT;
    for (size_t i = 0; i < GUNZIP_AHEAD_SLOTS; i++)
        a->buf[i] = xo_xmalloc(GUNZIP_AHEAD_BLOCK);
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->cond, NULL);
    a->threaded = pthread_create(&a->thread, NULL, inflater, a) == 0;
    return a;
}

/* The sticky end: 0, or -1 with a copy of the decoder's error. */
static ssize_t end_answer(const struct gunzip_ahead *a, xo_err *err)
{
    if (a->end_rc == 0)
        return 0;
    return xo_err_set(err, a->end_err.errnum, "%s", xo_err_msg(&a->end_err));
}

/* No thread: the decoder runs here, one block per call. */
static ssize_t read_inline(struct gunzip_ahead *a, const void **buf_r,
                           xo_err *err)
{
    if (a->ended)
        return end_answer(a, err);
    int rc;
    size_t len = fill_block(a, a->buf[0], false, &rc, &a->end_err);
    if (rc <= 0) {
        a->ended = true;
        a->end_rc = rc;
    }
    if (len) {
        *buf_r = a->buf[0];
        return (ssize_t)len;
    }
    return end_answer(a, err);
}

ssize_t gunzip_ahead_read(struct gunzip_ahead *a, const void **buf_r,
                          xo_err *err)
{
    if (!a->threaded)
        return read_inline(a, buf_r, err);
    pthread_mutex_lock(&a->lock);
    if (a->held) {
        a->held = false;
        a->head = (a->head + 1) % GUNZIP_AHEAD_SLOTS;
        a->filled--;
        pthread_cond_broadcast(&a->cond);
    }
    while (a->filled == 0 && !a->ended)
        pthread_cond_wait(&a->cond, &a->lock);
    ssize_t n;
    if (a->filled) {
        a->held = true;
        *buf_r = a->buf[a->head];
        n = (ssize_t)a->len[a->head];
    } else {
        n = end_answer(a, err);
    }
    pthread_mutex_unlock(&a->lock);
    return n;
}

void gunzip_ahead_free(struct gunzip_ahead *a)
{
    if (!a)
        return;
    if (a->threaded) {
        pthread_mutex_lock(&a->lock);
        a->stop = true;
        pthread_cond_broadcast(&a->cond);
        pthread_mutex_unlock(&a->lock);
        pthread_join(a->thread, NULL);
    }
    pthread_cond_destroy(&a->cond);
    pthread_mutex_destroy(&a->lock);
    for (size_t i = 0; i < GUNZIP_AHEAD_SLOTS; i++)
        free(a->buf[i]);
    gunzip_free(a->gz);
    xo_err_clear(&a->end_err);
    free(a);
}
