/* pull_meter.c: sampled download progress (see pull_meter.h). */
#include "image/pull_meter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/alloc.h"

static void sample(struct pull_meter *pm, bool final)
{
    struct image_pull_bytes b = {
        .n = pm->n, .blobs = pm->blobs, .final = final};
    for (size_t i = 0; i < pm->n; i++) {
        struct image_pull_blob *x = &pm->blobs[i];
        int64_t written = pm->taps[i] ? blob_tap_written(pm->taps[i]) : -1;
        if (final || blobstore_has(pm->bs, &x->digest, x->size))
            x->done = x->size;
        else if (written >= 0)
            x->done = written;
        else
            x->done = blobstore_partial_size(pm->bs, &x->digest);
        if (x->done > x->size)
            x->done = x->size;
        b.size += x->size;
        b.done += x->done;
    }
    pm->cb(pm->arg, &b);
}

static void *meter_thread(void *arg)
{
    struct pull_meter *pm = arg;
    pthread_mutex_lock(&pm->lock);
    while (!pm->stop) {
        pthread_mutex_unlock(&pm->lock);
        sample(pm, false);
        pthread_mutex_lock(&pm->lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += PULL_METER_INTERVAL_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!pm->stop && pthread_cond_timedwait(&pm->cond, &pm->lock,
                                                   &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&pm->lock);
    return NULL;
}

void pull_meter_start(struct pull_meter *pm, const struct blob_store *bs,
                      const struct oci_manifest *m,
                      struct blob_tap *const *taps,
                      void (*cb)(void *, const struct image_pull_bytes *),
                      void *arg)
{
    memset(pm, 0, sizeof(*pm));
    if (!cb || m->n_layers == 0)
        return;
    pm->blobs = xo_xcalloc(m->n_layers, sizeof(*pm->blobs));
    pm->taps = xo_xcalloc(m->n_layers, sizeof(*pm->taps));
    pm->bs = bs;
    pm->cb = cb;
    pm->arg = arg;
    pm->n = m->n_layers;
    for (size_t i = 0; i < pm->n; i++) {
        pm->blobs[i].digest = m->layers[i].digest;
        pm->blobs[i].size = m->layers[i].size;
        pm->taps[i] = taps ? taps[i] : NULL;
    }
    pthread_mutex_init(&pm->lock, NULL);
    pthread_cond_init(&pm->cond, NULL);
    pm->running = pthread_create(&pm->thread, NULL, meter_thread, pm) == 0;
    if (!pm->running) {
        pthread_cond_destroy(&pm->cond);
        pthread_mutex_destroy(&pm->lock);
    }
}

void pull_meter_stop(struct pull_meter *pm, bool ok)
{
    if (pm->running) {
        pthread_mutex_lock(&pm->lock);
        pm->stop = true;
        pthread_cond_signal(&pm->cond);
        pthread_mutex_unlock(&pm->lock);
        pthread_join(pm->thread, NULL);
        pthread_cond_destroy(&pm->cond);
        pthread_mutex_destroy(&pm->lock);
        if (ok)
            sample(pm, true);
    }
    free(pm->blobs);
    free(pm->taps);
    memset(pm, 0, sizeof(*pm));
}
