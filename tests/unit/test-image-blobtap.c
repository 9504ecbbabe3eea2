/*
 * test-image-blobtap.c: a reader following a blob_writer (blobtap.h):
 * concurrent writer and reader threads over a real blob store, and every
 * way a pass can end (verified, digest mismatch, restart before and
 * after the reader began, a resumed partial file, a stored blob); and
 * the count of a writer's bytes a pull's byte meter reads through it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "image/blobstore.h"
#include "image/blobtap.h"
#include "image/pull_meter.h"

#define BLOB_LEN (3 * 1024 * 1024 + 17)

struct fx {
    char root[64];
    struct blob_store bs;
    unsigned char *data; /* BLOB_LEN bytes */
    struct digest d;
    struct blob_tap tap;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    strcpy(f->root, "/tmp/test-blobtap.XXXXXX");
    if (!mkdtemp(f->root))
        return -1;
    xo_err err = XO_ERR_INIT;
    if (blobstore_open(&f->bs, f->root, &err) < 0)
        return -1;
    f->data = malloc(BLOB_LEN);
    for (size_t i = 0; i < BLOB_LEN; i++)
        f->data[i] = (unsigned char)(i * 2654435761u >> 13);
    if (digest_buffer(&f->d, f->data, BLOB_LEN, &err) < 0)
        return -1;
    blob_tap_init(&f->tap);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    blob_tap_dispose(&f->tap);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->root);
    if (system(cmd) != 0)
        return -1;
    blobstore_dispose(&f->bs);
    free(f->data);
    free(f);
    return 0;
}

/* ---- the writer, in a thread of its own ---- */

enum how {
    WRITE_GOOD,     /* the blob, in chunks */
    WRITE_CORRUPT,  /* one byte flipped near the end */
    WRITE_RESTART,  /* half, wait for the reader, reset, all of it */
    WRITE_RESUMED,  /* a writer that resumes a partial file */
    WRITE_DETACH_0, /* a writer abandoned before the reader, then good */
};

struct writer_job {
    struct fx *f;
    enum how how;
    int rc;
    xo_err err;
};

/* Waits (up to 5 s) until the reader has taken some bytes. */
static void wait_reader(struct blob_tap *t)
{
    for (int i = 0; i < 5000; i++) {
        pthread_mutex_lock(&t->lock);
        bool took = t->pos > 0;
        pthread_mutex_unlock(&t->lock);
        if (took)
            return;
        usleep(1000);
    }
}

static int write_range(struct blob_writer *w, const unsigned char *p,
                       size_t from, size_t to, xo_err *err)
{
    for (size_t off = from; off < to; off += 65536) {
        size_t n = to - off < 65536 ? to - off : 65536;
        if (blob_writer_write(w, p + off, n, err) < 0)
            return -1;
    }
    return 0;
}

static void *writer_main(void *arg)
{
    struct writer_job *j = arg;
    struct fx *f = j->f;
    struct blob_writer *w = NULL;
    unsigned flags = j->how == WRITE_RESUMED ? BLOB_WRITER_RESUME : 0;
    j->rc = -1;
    if (j->how == WRITE_DETACH_0) {
        if (blob_writer_begin(&w, &f->bs, &f->d, BLOB_LEN, -1, 0, &j->err) < 0)
            goto out;
        blob_writer_set_tap(w, &f->tap);
        blob_writer_abort(w, false);
        w = NULL;
    }
    if (blob_writer_begin(&w, &f->bs, &f->d, BLOB_LEN, -1, flags, &j->err) < 0)
        goto out;
    blob_writer_set_tap(w, &f->tap);
    size_t from = (size_t)blob_writer_offset(w);
    unsigned char *p = f->data;
    if (j->how == WRITE_CORRUPT) {
        p = malloc(BLOB_LEN);
        memcpy(p, f->data, BLOB_LEN);
        p[BLOB_LEN - 5] ^= 1;
    }
    int rc = 0;
    if (j->how == WRITE_CORRUPT) {
        /* The reader begins while the stream is open: a writer done
         * first leaves nothing to follow, and blob_tap_begin() says 0
         * (tier 10 saw it once on a loaded machine). */
        rc = write_range(w, p, from, BLOB_LEN / 2, &j->err);
        wait_reader(&f->tap);
        from = BLOB_LEN / 2;
    }
    if (j->how == WRITE_RESTART) {
        rc = write_range(w, p, 0, BLOB_LEN / 2, &j->err);
        wait_reader(&f->tap);
        if (rc == 0)
            rc = blob_writer_reset(w, &j->err);
        from = 0;
    }
    if (rc == 0)
        rc = write_range(w, p, from, BLOB_LEN, &j->err);
    if (p != f->data)
        free(p);
    if (rc < 0) {
        blob_writer_abort(w, false);
        goto out;
    }
    j->rc = blob_writer_commit(w, &j->err);
out:;
    xo_err e = XO_ERR_INIT;
    if (j->rc < 0)
        xo_err_set(&e, j->err.errnum, "%s", xo_err_msg(&j->err));
    blob_tap_fetched(&f->tap, j->rc, &e);
    return NULL;
}

/* Reads the whole stream; returns what it read (-1 on a broken stream). */
static ssize_t read_all(struct fx *f, unsigned char *out, xo_err *err)
{
    size_t got = 0;
    for (;;) {
        ssize_t n = blob_tap_read(
            &f->tap, out + got,
            got + 100000 <= BLOB_LEN ? 100000 : BLOB_LEN - got, err);
        if (n < 0)
            return -1;
        if (n == 0)
            return (ssize_t)got;
        got += (size_t)n;
        if (got == BLOB_LEN) {
            /* At the declared size the next read says end or broken. */
            unsigned char c;
            n = blob_tap_read(&f->tap, &c, 1, err);
            return n == 0 ? (ssize_t)got : -1;
        }
    }
}

static void run(struct fx *f, enum how how, pthread_t *th, struct writer_job *j)
{
    memset(j, 0, sizeof(*j));
    j->f = f;
    j->how = how;
    assert_int_equal(pthread_create(th, NULL, writer_main, j), 0);
}

static void finish(pthread_t th, struct writer_job *j)
{
    pthread_join(th, NULL);
    xo_err_clear(&j->err);
}

/* ---- cases ---- */

static void test_follows_and_verifies(void **state)
{
    struct fx *f = *state;
    pthread_t th;
    struct writer_job j;
    run(f, WRITE_GOOD, &th, &j);
    assert_int_equal(blob_tap_begin(&f->tap), 1);
    unsigned char *out = malloc(BLOB_LEN);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(read_all(f, out, &err), BLOB_LEN);
    assert_memory_equal(out, f->data, BLOB_LEN);
    assert_int_equal(blob_tap_end(&f->tap), 0);
    assert_int_equal(blob_tap_wait_fetched(&f->tap, &err), 0);
    finish(th, &j);
    assert_int_equal(j.rc, 0);
    assert_true(blobstore_has(&f->bs, &f->d, BLOB_LEN));
    free(out);
}

static void test_mismatch_is_not_verified(void **state)
{
    struct fx *f = *state;
    pthread_t th;
    struct writer_job j;
    run(f, WRITE_CORRUPT, &th, &j);
    assert_int_equal(blob_tap_begin(&f->tap), 1);
    unsigned char *out = malloc(BLOB_LEN);
    xo_err err = XO_ERR_INIT;
    /* The bytes may all arrive before the digest fails: only end() and
     * the fetch's outcome can tell. */
    read_all(f, out, &err);
    xo_err_clear(&err);
    assert_int_equal(blob_tap_end(&f->tap), -1);
    assert_int_equal(blob_tap_wait_fetched(&f->tap, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "digest mismatch"));
    assert_non_null(strstr(xo_err_msg(&err), f->d.str));
    xo_err_clear(&err);
    finish(th, &j);
    assert_false(blobstore_has(&f->bs, &f->d, -1));
    free(out);
}

static void test_restart_after_reading_breaks(void **state)
{
    struct fx *f = *state;
    pthread_t th;
    struct writer_job j;
    run(f, WRITE_RESTART, &th, &j);
    assert_int_equal(blob_tap_begin(&f->tap), 1);
    unsigned char *out = malloc(BLOB_LEN);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(read_all(f, out, &err), -1);
    assert_int_equal(err.errnum, ECANCELED);
    xo_err_clear(&err);
    assert_int_equal(blob_tap_end(&f->tap), -1);
    /* The download itself succeeded: the store has the verified blob. */
    assert_int_equal(blob_tap_wait_fetched(&f->tap, &err), 0);
    finish(th, &j);
    assert_true(blobstore_has(&f->bs, &f->d, BLOB_LEN));
    free(out);
}

static void test_restart_before_reading_is_followed(void **state)
{
    struct fx *f = *state;
    struct blob_writer *w = NULL;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(
        blob_writer_begin(&w, &f->bs, &f->d, BLOB_LEN, -1, 0, &err), 0);
    blob_writer_set_tap(w, &f->tap);
    assert_int_equal(write_range(w, f->data, 0, 1000, &err), 0);
    assert_int_equal(blob_writer_reset(w, &err), 0);
    assert_int_equal(write_range(w, f->data, 0, BLOB_LEN, &err), 0);
    assert_int_equal(blob_writer_commit(w, &err), 0);
    blob_tap_fetched(&f->tap, 0, NULL);
    assert_int_equal(blob_tap_begin(&f->tap), 1);
    unsigned char *out = malloc(BLOB_LEN);
    assert_int_equal(read_all(f, out, &err), BLOB_LEN);
    assert_memory_equal(out, f->data, BLOB_LEN);
    assert_int_equal(blob_tap_end(&f->tap), 0);
    free(out);
}

static void test_resumed_partial_is_not_followed(void **state)
{
    struct fx *f = *state;
    /* What an interrupted pull left. */
    char path[160];
    snprintf(path, sizeof(path), "%s/%s.partial", f->bs.tmpdir,
             digest_hex(&f->d));
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(f->data, 1, 4096, fp), 4096);
    fclose(fp);
    pthread_t th;
    struct writer_job j;
    run(f, WRITE_RESUMED, &th, &j);
    assert_int_equal(blob_tap_begin(&f->tap), 0);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(blob_tap_wait_fetched(&f->tap, &err), 0);
    finish(th, &j);
    assert_int_equal(j.rc, 0);
    assert_true(blobstore_has(&f->bs, &f->d, BLOB_LEN));
}

static void test_abandoned_writer_then_good(void **state)
{
    struct fx *f = *state;
    pthread_t th;
    struct writer_job j;
    run(f, WRITE_DETACH_0, &th, &j);
    /* The reader may begin on either writer; only the second one can end
     * verified. */
    xo_err err = XO_ERR_INIT;
    if (blob_tap_begin(&f->tap) == 1) {
        unsigned char *out = malloc(BLOB_LEN);
        if (read_all(f, out, &err) == BLOB_LEN) {
            assert_memory_equal(out, f->data, BLOB_LEN);
            assert_int_equal(blob_tap_end(&f->tap), 0);
        } else {
            assert_int_equal(blob_tap_end(&f->tap), -1);
        }
        xo_err_clear(&err);
        free(out);
    }
    assert_int_equal(blob_tap_wait_fetched(&f->tap, &err), 0);
    finish(th, &j);
}

static void test_stored_blob_without_writer(void **state)
{
    struct fx *f = *state;
    xo_err err = XO_ERR_INIT;
    blob_tap_fetched(&f->tap, 0, NULL);
    assert_int_equal(blob_tap_begin(&f->tap), 0);
    assert_int_equal(blob_tap_wait_fetched(&f->tap, &err), 0);
    /* A failed fetch hands its error on. */
    struct blob_tap t;
    blob_tap_init(&t);
    xo_err e = XO_ERR_INIT;
    xo_err_set(&e, ENOENT, "layer 2: %s not found", f->d.str);
    blob_tap_fetched(&t, -1, &e);
    assert_null(e.msg);
    assert_int_equal(blob_tap_begin(&t), 0);
    assert_int_equal(blob_tap_wait_fetched(&t, &err), -1);
    assert_int_equal(err.errnum, ENOENT);
    assert_non_null(strstr(xo_err_msg(&err), "not found"));
    xo_err_clear(&err);
    blob_tap_dispose(&t);
}

/* ---- the count a pull's byte meter reads (pull_meter.h) ---- */

struct meter_seen {
    pthread_mutex_t lock;
    int64_t done; /* the latest report's layer bytes */
    int reports;
    bool final;
};

static void on_bytes(void *arg, const struct image_pull_bytes *b)
{
    struct meter_seen *m = arg;
    pthread_mutex_lock(&m->lock);
    m->done = b->blobs[0].done;
    m->final = b->final;
    m->reports++;
    pthread_mutex_unlock(&m->lock);
}

/* The layer's bytes in a report sampled after the call. */
static int64_t next_report(struct meter_seen *m)
{
    pthread_mutex_lock(&m->lock);
    int seen = m->reports;
    pthread_mutex_unlock(&m->lock);
    const struct timespec step = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 500; i++) {
        nanosleep(&step, NULL);
        pthread_mutex_lock(&m->lock);
        /* The one after `seen` may have been sampled before the caller's
         * last write: the one after that. */
        bool fresh = m->reports > seen + 1;
        int64_t done = m->done;
        pthread_mutex_unlock(&m->lock);
        if (fresh)
            return done;
    }
    fail_msg("no report from the meter in 5 s");
    return -1;
}

/* The meter counts what a writer to a private temporary file (an
 * archive's, archive_source.c) has stored, through the tap: it read the
 * size of <hex>.partial only, and an oci-archive's layers stayed at 0 %
 * until the last report. */
static void test_meter_counts_a_private_writer(void **state)
{
    struct fx *f = *state;
    struct oci_descriptor layer = {.digest = f->d, .size = BLOB_LEN};
    struct oci_manifest m = {.layers = &layer, .n_layers = 1};
    struct meter_seen seen = {.lock = PTHREAD_MUTEX_INITIALIZER};
    struct blob_tap *taps[1] = {&f->tap};
    struct pull_meter pm;
    pull_meter_start(&pm, &f->bs, &m, taps, on_bytes, &seen);
    assert_int_equal(next_report(&seen), 0); /* no writer yet */
    xo_err err = XO_ERR_INIT;
    struct blob_writer *w = NULL;
    assert_int_equal(
        blob_writer_begin(&w, &f->bs, &f->d, BLOB_LEN, -1, 0, &err), 0);
    blob_writer_set_tap(w, &f->tap);
    assert_int_equal(blob_writer_write(w, f->data, BLOB_LEN / 4, &err), 0);
    assert_int_equal(next_report(&seen), BLOB_LEN / 4);
    assert_int_equal(
        blob_writer_write(w, f->data + BLOB_LEN / 4, BLOB_LEN / 4, &err), 0);
    assert_int_equal(next_report(&seen), BLOB_LEN / 4 * 2);
    /* The writer starts again: its bytes are gone. */
    assert_int_equal(blob_writer_reset(w, &err), 0);
    assert_int_equal(next_report(&seen), 0);
    assert_int_equal(blob_writer_write(w, f->data, BLOB_LEN, &err), 0);
    assert_int_equal(next_report(&seen), BLOB_LEN);
    assert_int_equal(blob_writer_commit(w, &err), 0);
    assert_int_equal(next_report(&seen), BLOB_LEN);
    pull_meter_stop(&pm, true);
    assert_true(seen.final);
    assert_int_equal(seen.done, BLOB_LEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_follows_and_verifies, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_mismatch_is_not_verified, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_restart_after_reading_breaks,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_before_reading_is_followed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_resumed_partial_is_not_followed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_abandoned_writer_then_good, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stored_blob_without_writer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_meter_counts_a_private_writer,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
