/*
 * test-image-unpack-feed.c: unpacking layers while they download
 * (layer_feed.h), with a fake source whose downloads arrive in pieces
 * and misbehave on request: a digest mismatch, a download that starts
 * again after the unpacker began, a failed download, a hostile layer
 * that stops the unpacker while others still download, a repeated
 * digest and a blob already stored.  (The fixture and tar writer are in
 * unpack_fixture.h.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>

#include "image/blobtap.h"
#include "image/layer_feed.h"
#include "image/unpack.h"
#include "unpack_fixture.h"

#define MAX_LAYERS 4

enum how {
    FETCH_GOOD,    /* in pieces; waits a little for the reader midway */
    FETCH_CORRUPT, /* one byte of a file's data flipped */
    FETCH_RESTART, /* half, then (once the reader took bytes) again from 0 */
    FETCH_FAIL,    /* a 404 of sorts */
    FETCH_SLOW,    /* like GOOD, a pause between pieces */
};

struct fake_src {
    struct image_source base;
    struct tarbuf layer[MAX_LAYERS];
    enum how how[MAX_LAYERS];
    struct digest digest[MAX_LAYERS];
    size_t n;
    pthread_mutex_t lock;
    bool followed[MAX_LAYERS]; /* the reader took bytes mid-download */
};

/* Waits up to `ms` for the reader to take bytes; true if it did. */
static bool reader_took(struct blob_tap *t, int ms)
{
    for (int i = 0; i < ms; i++) {
        pthread_mutex_lock(&t->lock);
        bool took = t->pos > 0;
        pthread_mutex_unlock(&t->lock);
        if (took)
            return true;
        usleep(1000);
    }
    return false;
}

static int put(struct blob_writer *w, const unsigned char *p, size_t from,
               size_t to, bool slow, xo_err *err)
{
    for (size_t off = from; off < to; off += 512) {
        if (blob_writer_write(w, p + off, to - off < 512 ? to - off : 512,
                              err) < 0)
            return -1;
        if (slow)
            usleep(2000);
    }
    return 0;
}

static int fake_fetch(struct image_source *base, const struct blob_store *bs,
                      const struct oci_descriptor *d, int64_t max,
                      struct blob_tap *tap, xo_err *err)
{
    (void)max;
    struct fake_src *s = (struct fake_src *)base;
    size_t i = 0;
    while (i < s->n && !digest_equal(&s->digest[i], &d->digest))
        i++;
    assert_true(i < s->n);
    if (blobstore_has(bs, &d->digest, d->size))
        return 0;
    if (s->how[i] == FETCH_FAIL)
        return xo_err_set(err, ENOENT, "fake/repo: %s not found",
                          d->digest.str);
    struct blob_writer *w = NULL;
    if (blob_writer_begin(&w, bs, &d->digest, d->size, -1, 0, err) < 0)
        return -1;
    blob_writer_set_tap(w, tap);
    size_t len = s->layer[i].len, half = len / 2;
    unsigned char *p = malloc(len);
    memcpy(p, s->layer[i].p, len);
    if (s->how[i] == FETCH_CORRUPT)
        p[512] ^= 1; /* the first byte of the first file's data */
    bool slow = s->how[i] == FETCH_SLOW;
    int rc = put(w, p, 0, half, slow, err);
    bool took = rc == 0 && tap && reader_took(tap, 300);
    pthread_mutex_lock(&s->lock);
    s->followed[i] = took;
    pthread_mutex_unlock(&s->lock);
    size_t from = half;
    if (rc == 0 && s->how[i] == FETCH_RESTART) {
        rc = blob_writer_reset(w, err);
        from = 0;
    }
    if (rc == 0)
        rc = put(w, p, from, len, slow, err);
    free(p);
    if (rc < 0) {
        blob_writer_abort(w, false);
        return -1;
    }
    return blob_writer_commit(w, err);
}

static void fake_free(struct image_source *base)
{
    (void)base;
}

static const struct image_source_ops fake_ops = {
    .fetch = fake_fetch,
    .free = fake_free,
};

/* A layer holding one file NAME with CONTENT (big enough to arrive in
 * many pieces), and a sibling file. */
static void make_layer(struct fake_src *s, size_t i, const char *name,
                       const char *content, enum how how)
{
    struct tarbuf *t = &s->layer[i];
    memset(t, 0, sizeof(*t));
    static char big[8192];
    memset(big, 'x', sizeof(big) - 1);
    tb_add(t, (struct ent){
                  .type = '0', .name = name, .data = content, .mode = 0644});
    char other[64];
    snprintf(other, sizeof(other), "%s.pad", name);
    tb_add(t,
           (struct ent){.type = '0', .name = other, .data = big, .mode = 0644});
    tb_footer(t);
    s->how[i] = how;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_buffer(&s->digest[i], t->p, t->len, &err), 0);
}

struct run {
    struct fx *f;
    struct fake_src src;
    struct blob_store bs;
    struct oci_manifest m;
    struct oci_descriptor layers[MAX_LAYERS];
    struct layer_feed *feed;
    struct unpack_ctx *ctx;
    char store[128];
};

static void run_begin(struct run *r, struct fx *f, size_t n, bool parallel)
{
    r->f = f;
    r->src.base.ops = &fake_ops;
    r->src.base.parallel = parallel;
    r->src.n = n;
    pthread_mutex_init(&r->src.lock, NULL);
    snprintf(r->store, sizeof(r->store), "%s/store", f->base);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(blobstore_open(&r->bs, r->store, &err), 0);
    for (size_t i = 0; i < n; i++) {
        r->layers[i].digest = r->src.digest[i];
        r->layers[i].size = (int64_t)r->src.layer[i].len;
    }
    r->m.layers = r->layers;
    r->m.n_layers = n;
    assert_int_equal(unpack_begin(&r->ctx, f->root, NULL, &err), 0);
}

static void run_start(struct run *r)
{
    layer_feed_start(&r->feed, &r->src.base, &r->bs, &r->m, NULL, NULL);
    assert_non_null(r->feed);
}

static void run_end(struct run *r)
{
    layer_feed_free(r->feed);
    unpack_free(r->ctx);
    blobstore_dispose(&r->bs);
    for (size_t i = 0; i < r->src.n; i++)
        free(r->src.layer[i].p);
    pthread_mutex_destroy(&r->src.lock);
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", r->store);
    assert_int_equal(system(cmd), 0);
}

static void test_follows_downloads_in_order(void **state)
{
    struct fx *f = *state;
    struct run r = {0};
    make_layer(&r.src, 0, "a", "one", FETCH_GOOD);
    make_layer(&r.src, 1, "b", "two", FETCH_SLOW);
    make_layer(&r.src, 2, "a", "three", FETCH_GOOD); /* replaces a */
    run_begin(&r, f, 3, true);
    run_start(&r);
    xo_err err = XO_ERR_INIT;
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(layer_feed_unpack(r.feed, i, r.ctx, true, "l", &err),
                         0);
    assert_int_equal(layer_feed_wait(r.feed, &err), 0);
    assert_content(f, "a", "three");
    assert_content(f, "b", "two");
    /* The unpacker read the first layer while it was downloading. */
    assert_true(r.src.followed[0]);
    for (size_t i = 0; i < 3; i++)
        assert_true(blobstore_has(&r.bs, &r.src.digest[i], -1));
    run_end(&r);
}

static void test_not_followed_when_told(void **state)
{
    struct fx *f = *state;
    struct run r = {0};
    make_layer(&r.src, 0, "a", "one", FETCH_GOOD);
    make_layer(&r.src, 1, "b", "two", FETCH_GOOD);
    run_begin(&r, f, 2, false);
    run_start(&r);
    xo_err err = XO_ERR_INIT;
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(layer_feed_unpack(r.feed, i, r.ctx, false, "l", &err),
                         0);
    assert_false(r.src.followed[0]);
    assert_false(r.src.followed[1]);
    assert_content(f, "b", "two");
    assert_int_equal(layer_feed_wait(r.feed, &err), 0);
    run_end(&r);
}

static void test_mismatch_names_the_digest(void **state)
{
    struct fx *f = *state;
    struct run r = {0};
    make_layer(&r.src, 0, "a", "one", FETCH_GOOD);
    make_layer(&r.src, 1, "b", "two", FETCH_CORRUPT);
    run_begin(&r, f, 2, true);
    run_start(&r);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(layer_feed_unpack(r.feed, 0, r.ctx, true, "l1", &err), 0);
    /* The flipped byte is file data: the unpack itself succeeds, the
     * digest does not, and that is the error. */
    assert_int_equal(layer_feed_unpack(r.feed, 1, r.ctx, true, "l2", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "layer 2"));
    assert_non_null(strstr(xo_err_msg(&err), "digest mismatch"));
    assert_non_null(strstr(xo_err_msg(&err), r.src.digest[1].str));
    xo_err_clear(&err);
    assert_int_equal(layer_feed_wait(r.feed, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), r.src.digest[1].str));
    xo_err_clear(&err);
    assert_false(blobstore_has(&r.bs, &r.src.digest[1], -1));
    run_end(&r);
}

static void test_restart_then_from_the_store(void **state)
{
    struct fx *f = *state;
    struct run r = {0};
    make_layer(&r.src, 0, "a", "one", FETCH_RESTART);
    make_layer(&r.src, 1, "b", "two", FETCH_GOOD);
    run_begin(&r, f, 2, true);
    run_start(&r);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(layer_feed_unpack(r.feed, 0, r.ctx, true, "l1", &err), -1);
    assert_int_equal(err.errnum, LAYER_FEED_RESTART);
    xo_err_clear(&err);
    /* What volume_build does: a fresh tree, every layer from the store. */
    unpack_free(r.ctx);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir %s", f->root, f->root);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(unpack_begin(&r.ctx, f->root, NULL, &err), 0);
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(layer_feed_unpack(r.feed, i, r.ctx, false, "l", &err),
                         0);
    assert_int_equal(layer_feed_wait(r.feed, &err), 0);
    assert_content(f, "a", "one");
    assert_content(f, "b", "two");
    run_end(&r);
}

static void test_failed_download_stops_the_unpack(void **state)
{
    struct fx *f = *state;
    struct run r = {0};
    make_layer(&r.src, 0, "a", "one", FETCH_SLOW);
    make_layer(&r.src, 1, "b", "two", FETCH_FAIL);
    make_layer(&r.src, 2, "c", "three", FETCH_GOOD);
    run_begin(&r, f, 3, true);
    run_start(&r);
    xo_err err = XO_ERR_INIT;
    /* Layer 2's failure stops layer 1's download, still coming (helper-68:
     * it was waited for to its last byte); its unpack says so, and the
     * feed's error is the failure that began it. */
    assert_int_equal(layer_feed_unpack(r.feed, 0, r.ctx, true, "l1", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "the pull stopped"));
    xo_err_clear(&err);
    assert_int_equal(layer_feed_wait(r.feed, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "layer 2: fake/repo"));
    assert_non_null(strstr(xo_err_msg(&err), "not found"));
    xo_err_clear(&err);
    assert_false(blobstore_has(&r.bs, &r.src.digest[0], -1));
    run_end(&r);
}

static void test_hostile_layer_while_others_download(void **state)
{
    struct fx *f = *state;
    struct run r = {0};
    /* "a" is a file, then a layer writes "a/x": refused by the unpacker
     * while the next layer is still arriving. */
    make_layer(&r.src, 0, "a", "one", FETCH_GOOD);
    struct tarbuf *t = &r.src.layer[1];
    tb_add(t, (struct ent){.type = '0', .name = "a/x", .data = "no"});
    tb_footer(t);
    r.src.how[1] = FETCH_GOOD;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_buffer(&r.src.digest[1], t->p, t->len, &err), 0);
    make_layer(&r.src, 2, "c", "three", FETCH_SLOW);
    run_begin(&r, f, 3, true);
    run_start(&r);
    assert_int_equal(layer_feed_unpack(r.feed, 0, r.ctx, true, "l1", &err), 0);
    assert_int_equal(layer_feed_unpack(r.feed, 1, r.ctx, true, "l2", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "not a directory"));
    xo_err_clear(&err);
    /* Freed while layer 3 downloads: no hang, no leak (ASan). */
    run_end(&r);
}

static void test_repeated_and_stored_layers(void **state)
{
    struct fx *f = *state;
    struct run r = {0};
    make_layer(&r.src, 0, "a", "one", FETCH_GOOD);
    make_layer(&r.src, 1, "b", "two", FETCH_FAIL); /* stored: never fetched */
    make_layer(&r.src, 2, "a", "one", FETCH_GOOD); /* the digest of layer 1 */
    run_begin(&r, f, 3, true);
    xo_err err = XO_ERR_INIT;
    assert_int_equal(blobstore_put(&r.bs, &r.src.digest[1], r.src.layer[1].p,
                                   r.src.layer[1].len, &err),
                     0);
    run_start(&r);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(layer_feed_unpack(r.feed, i, r.ctx, true, "l", &err),
                         0);
    assert_int_equal(layer_feed_wait(r.feed, &err), 0);
    assert_content(f, "a", "one");
    assert_content(f, "b", "two");
    run_end(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_follows_downloads_in_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_not_followed_when_told, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_mismatch_names_the_digest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_restart_then_from_the_store, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_download_stops_the_unpack,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_hostile_layer_while_others_download, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeated_and_stored_layers, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
