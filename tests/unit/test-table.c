/* test-table.c: text tables of listing commands (common/table.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/table.h"

static char *render(struct xo_table *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    xo_table_print(t, f);
    fclose(f);
    return buf;
}

static const struct xo_table_col cols[] = {
    {"NAME", 8, false, 0},
    {"SIZE", 6, true, 0},
    {"WHEN", 0, false, 2},
};

/* Short cells keep the given widths, as the printf formats had them. */
static void test_short_cells_keep_the_widths(void **state)
{
    (void)state;
    struct xo_table t;
    xo_table_init(&t, cols, 3);
    const char *row[] = {"web", "12", "today"};
    xo_table_add(&t, row);
    char *out = render(&t);
    assert_string_equal(out, "NAME       SIZE  WHEN\n"
                             "web          12  today\n");
    free(out);
}

/* A cell wider than its column widens the column for every row, so the
 * next column stays aligned (a printf width only pushed one row out). */
static void test_a_long_cell_widens_its_column(void **state)
{
    (void)state;
    struct xo_table t;
    xo_table_init(&t, cols, 3);
    const char *a[] = {"registry.example/app:1", "1", "x"};
    const char *b[] = {"db", "123456789", NULL};
    xo_table_add(&t, a);
    xo_table_add(&t, b);
    char *out = render(&t);
    assert_string_equal(out, "NAME                        SIZE  WHEN\n"
                             "registry.example/app:1         1  x\n"
                             "db                     123456789  -\n");
    free(out);
}

/* No rows: the header alone; the last column is never padded. */
static void test_header_only(void **state)
{
    (void)state;
    struct xo_table t;
    xo_table_init(&t, cols, 3);
    char *out = render(&t);
    assert_string_equal(out, "NAME       SIZE  WHEN\n");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_cells_keep_the_widths),
        cmocka_unit_test(test_a_long_cell_widens_its_column),
        cmocka_unit_test(test_header_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
