/* test-image-blobstore.c: verify-while-streaming blob store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/blobstore.h"

struct fx {
    char root[64];
    struct blob_store bs;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    strcpy(f->root, "/tmp/test-blobstore.XXXXXX");
    if (!mkdtemp(f->root))
        return -1;
    xo_err err = XO_ERR_INIT;
    if (blobstore_open(&f->bs, f->root, &err) < 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->root);
    if (system(cmd) != 0)
        return -1;
    blobstore_dispose(&f->bs);
    free(f);
    return 0;
}

/* Number of entries in a directory, ignoring . and .. */
static int count_dir(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void digest_of(struct digest *d, const char *s)
{
    xo_err err = XO_ERR_INIT;
    assert_int_equal(digest_buffer(d, s, strlen(s), &err), 0);
}

static void test_put_and_read(void **state)
{
    struct fx *f = *state;
    struct digest d;
    xo_err err = XO_ERR_INIT;
    digest_of(&d, "hello blob");
    assert_false(blobstore_has(&f->bs, &d, -1));
    assert_int_equal(blobstore_put(&f->bs, &d, "hello blob", 10, &err), 0);
    assert_true(blobstore_has(&f->bs, &d, 10));
    assert_false(blobstore_has(&f->bs, &d, 11));
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(blobstore_read(&buf, &len, &f->bs, &d, 100, &err), 0);
    assert_int_equal(len, 10);
    assert_memory_equal(buf, "hello blob", 10);
    free(buf);
    /* Over the read cap. */
    assert_int_equal(blobstore_read(&buf, &len, &f->bs, &d, 5, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), d.str));
    xo_err_clear(&err);
    assert_int_equal(count_dir(f->bs.tmpdir), 0);
}

static void test_mismatch_stores_nothing(void **state)
{
    struct fx *f = *state;
    struct digest d;
    xo_err err = XO_ERR_INIT;
    digest_of(&d, "the real content");
    assert_int_equal(blobstore_put(&f->bs, &d, "the fake content", 16, &err),
                     -1);
    assert_non_null(strstr(xo_err_msg(&err), "digest mismatch"));
    assert_non_null(strstr(xo_err_msg(&err), d.str));
    xo_err_clear(&err);
    assert_false(blobstore_has(&f->bs, &d, -1));
    assert_int_equal(count_dir(f->bs.blobdir), 0);
    assert_int_equal(count_dir(f->bs.tmpdir), 0);
}

static void test_oversize_cut_at_once(void **state)
{
    struct fx *f = *state;
    struct digest d;
    xo_err err = XO_ERR_INIT;
    digest_of(&d, "0123456789");
    struct blob_writer *w = NULL;
    assert_int_equal(blob_writer_begin(&w, &f->bs, &d, 10, -1, 0, &err), 0);
    assert_int_equal(blob_writer_write(w, "01234", 5, &err), 0);
    /* 6 more bytes would make 11 > 10: refused before anything is written. */
    assert_int_equal(blob_writer_write(w, "567890", 6, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "more than the declared 10"));
    assert_non_null(strstr(xo_err_msg(&err), d.str));
    xo_err_clear(&err);
    blob_writer_abort(w, false);
    assert_int_equal(count_dir(f->bs.tmpdir), 0);
    assert_false(blobstore_has(&f->bs, &d, -1));

    /* Unknown size: capped by max. */
    assert_int_equal(blob_writer_begin(&w, &f->bs, &d, -1, 4, 0, &err), 0);
    assert_int_equal(blob_writer_write(w, "01234", 5, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "allowed 4"));
    xo_err_clear(&err);
    blob_writer_abort(w, false);

    /* Declared size above the cap is refused up front. */
    assert_int_equal(blob_writer_begin(&w, &f->bs, &d, 10, 4, 0, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "above the limit"));
    xo_err_clear(&err);
}

static void test_short_stores_nothing(void **state)
{
    struct fx *f = *state;
    struct digest d;
    xo_err err = XO_ERR_INIT;
    digest_of(&d, "0123456789");
    struct blob_writer *w = NULL;
    assert_int_equal(blob_writer_begin(&w, &f->bs, &d, 10, -1, 0, &err), 0);
    assert_int_equal(blob_writer_write(w, "0123", 4, &err), 0);
    assert_int_equal(blob_writer_commit(w, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "short: 4 of 10"));
    xo_err_clear(&err);
    assert_false(blobstore_has(&f->bs, &d, -1));
    assert_int_equal(count_dir(f->bs.tmpdir), 0);
}

static void test_resume_partial(void **state)
{
    struct fx *f = *state;
    struct digest d;
    xo_err err = XO_ERR_INIT;
    digest_of(&d, "0123456789");
    struct blob_writer *w = NULL;
    assert_int_equal(
        blob_writer_begin(&w, &f->bs, &d, 10, -1, BLOB_WRITER_RESUME, &err), 0);
    assert_int_equal(blob_writer_offset(w), 0);
    assert_int_equal(blob_writer_write(w, "012345", 6, &err), 0);

    /* While held, a second writer gets a private temporary file. */
    struct blob_writer *w2 = NULL;
    assert_int_equal(
        blob_writer_begin(&w2, &f->bs, &d, 10, -1, BLOB_WRITER_RESUME, &err),
        0);
    assert_int_equal(blob_writer_offset(w2), 0);
    blob_writer_abort(w2, true);

    blob_writer_abort(w, true); /* interrupted: keep the partial */
    assert_int_equal(count_dir(f->bs.tmpdir), 1);

    assert_int_equal(
        blob_writer_begin(&w, &f->bs, &d, 10, -1, BLOB_WRITER_RESUME, &err), 0);
    assert_int_equal(blob_writer_offset(w), 6);
    assert_int_equal(blob_writer_write(w, "6789", 4, &err), 0);
    assert_int_equal(blob_writer_commit(w, &err), 0);
    assert_true(blobstore_has(&f->bs, &d, 10));
    assert_int_equal(count_dir(f->bs.tmpdir), 0);
}

/* A corrupt partial (bytes that do not belong to the blob) is detected at
 * commit and removed, so the next attempt starts clean. */
static void test_corrupt_partial_removed(void **state)
{
    struct fx *f = *state;
    struct digest d;
    xo_err err = XO_ERR_INIT;
    digest_of(&d, "0123456789");
    char path[256];
    snprintf(path, sizeof(path), "%s/%s.partial", f->bs.tmpdir, digest_hex(&d));
    FILE *fp = fopen(path, "w");
    fputs("XXXXXX", fp);
    fclose(fp);
    struct blob_writer *w = NULL;
    assert_int_equal(
        blob_writer_begin(&w, &f->bs, &d, 10, -1, BLOB_WRITER_RESUME, &err), 0);
    assert_int_equal(blob_writer_offset(w), 6);
    assert_int_equal(blob_writer_write(w, "6789", 4, &err), 0);
    assert_int_equal(blob_writer_commit(w, &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "digest mismatch"));
    xo_err_clear(&err);
    assert_int_equal(access(path, F_OK), -1);
    assert_false(blobstore_has(&f->bs, &d, -1));
}

static void test_import_fd(void **state)
{
    struct fx *f = *state;
    struct digest d;
    xo_err err = XO_ERR_INIT;
    digest_of(&d, "file content");
    char path[128];
    snprintf(path, sizeof(path), "%s/src", f->root);
    FILE *fp = fopen(path, "w");
    fputs("file content", fp);
    fclose(fp);
    int fd = open(path, O_RDONLY);
    assert_int_equal(
        blobstore_import_fd(&f->bs, fd, &d, 12, -1, "layer x", NULL, &err), 0);
    close(fd);
    assert_true(blobstore_has(&f->bs, &d, 12));
    /* Declared size 11: cut off, error names the source. */
    struct digest d2;
    digest_of(&d2, "file conten");
    fd = open(path, O_RDONLY);
    assert_int_equal(
        blobstore_import_fd(&f->bs, fd, &d2, 11, -1, "layer x", NULL, &err),
        -1);
    assert_non_null(strstr(xo_err_msg(&err), "layer x"));
    xo_err_clear(&err);
    close(fd);
    assert_false(blobstore_has(&f->bs, &d2, -1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_put_and_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mismatch_stores_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_oversize_cut_at_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_short_stores_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_resume_partial, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_partial_removed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_import_fd, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
