/*
 * test-image-refstore.c: the name -> digest table (image/refstore.c): a
 * round trip, a state file whose strings hold an escaped NUL refused
 * naming the file and field (issue 13), and a damaged record that does
 * not hide the others.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/refstore.h"
#include "verifier/digest.h"

#define HEX "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void test_round_trip_and_nul(void **state)
{
    (void)state;
    char root[] = "/tmp/test-refstore.XXXXXX";
    assert_non_null(mkdtemp(root));
    xo_err err = XO_ERR_INIT;
    struct ref_entry e = {.name = "docker://h/r:1", .pulled = 7};
    assert_int_equal(digest_parse(&e.manifest, "sha256:" HEX, &err), 0);
    assert_int_equal(refstore_put(root, &e, &err), 0);
    struct ref_entry got;
    assert_int_equal(refstore_get(root, "docker://h/r:1", &got, &err), 1);
    assert_string_equal(got.name, "docker://h/r:1");
    assert_string_equal(got.manifest.str, "sha256:" HEX);
    refstore_entry_dispose(&got);

    /* The same file, its name now holding "\u0000". */
    struct digest d;
    assert_int_equal(digest_buffer(&d, e.name, strlen(e.name), &err), 0);
    char path[256];
    snprintf(path, sizeof(path), "%s/refs/%s.json", root, digest_hex(&d));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "{\"name\": \"docker://h/r:1\\u0000x\", \"manifest\": "
            "\"sha256:%s\"}",
            HEX);
    fclose(f);
    assert_int_equal(refstore_get(root, "docker://h/r:1", &got, &err),
                     REFSTORE_DAMAGED);
    char want[400];
    snprintf(want, sizeof(want), "%s: \"name\" holds a NUL character (\\u0000)",
             path);
    assert_string_equal(xo_err_msg(&err), want);
    xo_err_clear(&err);

    /* A damaged record does not hide the others: listed last with its
     * message when asked, else left out. */
    struct ref_entry e2 = {.name = "docker://h/r:2", .pulled = 8};
    e2.manifest = e.manifest;
    assert_int_equal(refstore_put(root, &e2, &err), 0);
    struct ref_entry *list = NULL;
    size_t n = 0;
    assert_int_equal(refstore_list(root, true, &list, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].name, "docker://h/r:2");
    assert_null(list[0].damaged);
    assert_null(list[1].name);
    assert_string_equal(list[1].damaged, want);
    refstore_list_free(list, n);
    assert_int_equal(refstore_list(root, false, &list, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].name, "docker://h/r:2");
    refstore_list_free(list, n);

    /* Not JSON at all (an empty file): damaged too. */
    f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(refstore_get(root, "docker://h/r:1", &got, &err),
                     REFSTORE_DAMAGED);
    assert_non_null(strstr(xo_err_msg(&err), path));
    xo_err_clear(&err);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
