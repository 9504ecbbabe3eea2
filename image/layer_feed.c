/* layer_feed.c: layer downloads beside the unpack (see layer_feed.h). */
#include "image/layer_feed.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/alloc.h"
#include "image/blobtap.h"
#include "image/pull_meter.h"

/* One distinct blob to download, and the tap that follows it. */
struct feed_job {
    size_t layer; /* the first layer with this digest */
    struct blob_tap tap;
};

struct layer_feed {
    struct image_source *src;
    const struct blob_store *bs;
    const struct oci_manifest *m;
    struct feed_job *jobs;
    size_t n_jobs;
    size_t *job_of; /* layer index -> job */
    pthread_mutex_t lock;
    size_t next; /* the next job to claim */
    bool stop;   /* a download failed, or the feed is being freed */
    bool failed; /* f->err holds the first failure */
    xo_err err;  /* a copy of it */
    pthread_t threads[LAYER_FEED_PARALLEL];
    size_t n_threads;
    bool waited;
    struct pull_meter meter;
};

/* Takes jobs in order until none is left.  Once the feed stops, the jobs
 * left are answered at once, so no reader ever waits for a download that
 * will not happen. */
static void *feed_worker(void *arg)
{
    struct layer_feed *f = arg;
    for (;;) {
        pthread_mutex_lock(&f->lock);
        size_t k = f->next < f->n_jobs ? f->next++ : f->n_jobs;
        bool stop = f->stop;
        pthread_mutex_unlock(&f->lock);
        if (k == f->n_jobs)
            return NULL;
        struct feed_job *j = &f->jobs[k];
        const struct oci_descriptor *d = &f->m->layers[j->layer];
        xo_err e = XO_ERR_INIT;
        int rc;
        if (stop) {
            rc = xo_err_set(&e, ECANCELED,
                            "layer %zu (%s): not downloaded, the pull stopped",
                            j->layer + 1, d->digest.str);
        } else {
            rc = f->src->ops->fetch(f->src, f->bs, d, -1, &j->tap, &e);
            if (rc < 0) {
                xo_err_wrap(&e, "layer %zu", j->layer + 1);
                /* A download stopped by layer_feed_cancel() is no
                 * failure of its own. */
                pthread_mutex_lock(&f->lock);
                bool first = !f->failed && !f->stop;
                if (first) {
                    f->failed = true;
                    xo_err_set(&f->err, e.errnum, "%s", xo_err_msg(&e));
                }
                f->stop = true;
                pthread_mutex_unlock(&f->lock);
                /* The first failure ends the pull: the downloads under way
                 * stop now, not after their last byte (helper-68: a 403 on
                 * one layer was said once the others had all come). */
                for (size_t o = 0; first && o < f->n_jobs; o++)
                    if (o != k)
                        blob_tap_cancel(&f->jobs[o].tap);
            }
        }
        blob_tap_fetched(&j->tap, rc, &e);
        xo_err_clear(&e);
    }
}

/* Each distinct digest once, in the order of its first layer. */
static void plan_jobs(struct layer_feed *f)
{
    size_t n = f->m->n_layers;
    f->jobs = xo_xcalloc(n, sizeof(*f->jobs));
    f->job_of = xo_xcalloc(n, sizeof(*f->job_of));
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < f->n_jobs &&
               !digest_equal(&f->m->layers[f->jobs[k].layer].digest,
                             &f->m->layers[i].digest))
            k++;
        if (k == f->n_jobs) {
            f->jobs[k].layer = i;
            blob_tap_init(&f->jobs[k].tap);
            f->n_jobs++;
        }
        f->job_of[i] = k;
    }
}

void layer_feed_start(struct layer_feed **f_r, struct image_source *src,
                      const struct blob_store *bs, const struct oci_manifest *m,
                      void (*bytes)(void *, const struct image_pull_bytes *),
                      void *arg)
{
    struct layer_feed *f = xo_xcalloc(1, sizeof(*f));
    f->src = src;
    f->bs = bs;
    f->m = m;
    pthread_mutex_init(&f->lock, NULL);
    plan_jobs(f);
    struct blob_tap **taps =
        xo_xcalloc(m->n_layers ? m->n_layers : 1, sizeof(*taps));
    for (size_t i = 0; i < m->n_layers; i++)
        taps[i] = &f->jobs[f->job_of[i]].tap;
    pull_meter_start(&f->meter, bs, m, taps, bytes, arg);
    free(taps);
    size_t n = src->parallel ? LAYER_FEED_PARALLEL : 1;
    if (n > f->n_jobs)
        n = f->n_jobs;
    while (f->n_threads < n &&
           pthread_create(&f->threads[f->n_threads], NULL, feed_worker, f) == 0)
        f->n_threads++;
    /* No thread to spare: download everything now, unpack afterwards
     * (the taps then hold verified blobs or the failures). */
    if (f->n_threads == 0)
        feed_worker(f);
    *f_r = f;
}

/* The stream reader of unpack_layer_from(). */
static ssize_t tap_read(void *arg, void *buf, size_t cap, xo_err *err)
{
    return blob_tap_read(arg, buf, cap, err);
}

static int unpack_stored(struct layer_feed *f, size_t i, struct unpack_ctx *ctx,
                         const char *what, xo_err *err)
{
    int fd = -1;
    if (blobstore_open_blob(&fd, f->bs, &f->m->layers[i].digest, err) < 0)
        return -1;
    int rc = unpack_layer(ctx, fd, what, err);
    close(fd);
    return rc;
}

int layer_feed_unpack(struct layer_feed *f, size_t i, struct unpack_ctx *ctx,
                      bool follow, const char *what, xo_err *err)
{
    struct feed_job *j = &f->jobs[f->job_of[i]];
    /* Only the first layer of a digest can follow its download; a
     * repeat of it reads the stored blob. */
    if (follow && j->layer == i && blob_tap_begin(&j->tap) == 1) {
        struct unpack_reader r = {.read = tap_read, .arg = &j->tap};
        int rc = unpack_layer_from(ctx, &r, what, err);
        if (blob_tap_end(&j->tap) == 0)
            return rc; /* the bytes matched: the unpack's own answer */
        /* They did not, or the download started again: whatever the
         * unpack said, the download's outcome is the reason. */
        xo_err_clear(err);
        if (blob_tap_wait_fetched(&j->tap, err) < 0)
            return -1;
        return xo_err_set(
            err, LAYER_FEED_RESTART,
            "%s: the download started again while it was being unpacked", what);
    }
    if (blob_tap_wait_fetched(&j->tap, err) < 0)
        return -1;
    return unpack_stored(f, i, ctx, what, err);
}

int layer_feed_wait(struct layer_feed *f, xo_err *err)
{
    if (!f->waited) {
        for (size_t i = 0; i < f->n_threads; i++)
            pthread_join(f->threads[i], NULL);
        f->waited = true;
        pull_meter_stop(&f->meter, !f->failed);
    }
    if (f->failed)
        return xo_err_set(err, f->err.errnum, "%s", xo_err_msg(&f->err));
    return 0;
}

void layer_feed_cancel(struct layer_feed *f)
{
    pthread_mutex_lock(&f->lock);
    f->stop = true;
    pthread_mutex_unlock(&f->lock);
    for (size_t k = 0; k < f->n_jobs; k++)
        blob_tap_cancel(&f->jobs[k].tap);
}

void layer_feed_free(struct layer_feed *f)
{
    if (!f)
        return;
    layer_feed_cancel(f);
    if (f->jobs) {
        xo_err ignore = XO_ERR_INIT;
        layer_feed_wait(f, &ignore);
        xo_err_clear(&ignore);
        for (size_t k = 0; k < f->n_jobs; k++)
            blob_tap_dispose(&f->jobs[k].tap);
    }
    free(f->jobs);
    free(f->job_of);
    xo_err_clear(&f->err);
    pthread_mutex_destroy(&f->lock);
    free(f);
}
