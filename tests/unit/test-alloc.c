/* test-alloc.c: the allocation-failure policy (common/alloc.h) and the
 * JSON builders that follow it (common/json_build.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/json_build.h"

static jmp_buf back;
static int handled;

static void handler(void)
{
    handled++;
    longjmp(back, 1);
}

/* An allocation that cannot succeed reaches the handler, not the caller. */
static void test_failure_calls_the_handler(void **state)
{
    (void)state;
    handled = 0;
    xo_oom_set_handler(handler);
    volatile void *p = (void *)1;
    /* Under ASan, tier 10 sets allocator_may_return_null=1. */
    if (setjmp(back) == 0)
        p = xo_xcalloc(SIZE_MAX / 2, 4);
    xo_oom_set_handler(NULL);
    assert_int_equal(handled, 1);
    assert_ptr_equal((void *)p, (void *)1);
}

/* An element count whose product overflows size_t must not wrap to a
 * small allocation: it reaches the handler, and the old block is kept. */
static void test_reallocarray_overflow_calls_the_handler(void **state)
{
    (void)state;
    char *old = xo_xstrdup("kept");
    volatile void *p = (void *)1;
    handled = 0;
    xo_oom_set_handler(handler);
    if (setjmp(back) == 0)
        p = xo_xreallocarray(old, SIZE_MAX / 2 + 2, 2);
    xo_oom_set_handler(NULL);
    assert_int_equal(handled, 1);
    assert_ptr_equal((void *)p, (void *)1);
    assert_string_equal(old, "kept");
    free(old);
}

/* A realloc the allocator refuses reaches the handler too. */
static void test_realloc_failure_calls_the_handler(void **state)
{
    (void)state;
    char *old = xo_xstrdup("kept");
    volatile void *p = (void *)1;
    handled = 0;
    xo_oom_set_handler(handler);
    if (setjmp(back) == 0)
        p = xo_xrealloc(old, SIZE_MAX / 2);
    xo_oom_set_handler(NULL);
    assert_int_equal(handled, 1);
    assert_ptr_equal((void *)p, (void *)1);
    assert_string_equal(old, "kept");
    free(old);
}

static void test_realloc_keeps_contents(void **state)
{
    (void)state;
    int *v = xo_xreallocarray(NULL, 2, sizeof(*v));
    v[0] = 1;
    v[1] = 2;
    v = xo_xreallocarray(v, 1000, sizeof(*v));
    v[999] = 3;
    assert_int_equal(v[0], 1);
    assert_int_equal(v[1], 2);
    v = xo_xrealloc(v, 2 * sizeof(*v));
    assert_int_equal(v[1], 2);
    /* A zero size still gives a block that free() takes. */
    v = xo_xrealloc(v, 0);
    assert_non_null(v);
    free(v);
}

static void test_strndup(void **state)
{
    (void)state;
    char *s = xo_xstrndup("abcdef", 3);
    assert_string_equal(s, "abc");
    free(s);
    s = xo_xstrndup("ab", 10);
    assert_string_equal(s, "ab");
    free(s);
}

static void test_success_returns_memory(void **state)
{
    (void)state;
    char *s = xo_xasprintf("%s-%d", "a", 7);
    assert_string_equal(s, "a-7");
    free(s);
    s = xo_xstrdup("x");
    assert_string_equal(s, "x");
    free(s);
    free(xo_xmalloc(0));
}

static void test_json_builders(void **state)
{
    (void)state;
    json_object *o = xo_jobj(), *a = xo_jarr();
    xo_jpush(a, xo_jint(-3));
    xo_jpush(a, xo_juint64(UINT64_MAX));
    xo_jset(o, "s", xo_jstr("v"));
    xo_jset(o, "b", xo_jbool(true));
    xo_jset(o, "n", xo_jint64(INT64_MIN));
    xo_jset(o, "a", a);
    assert_string_equal(
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
        "{\"s\":\"v\",\"b\":true,\"n\":-9223372036854775808,\"a\":[-3,18446744073709551615]}");
    json_object_put(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failure_calls_the_handler),
        cmocka_unit_test(test_reallocarray_overflow_calls_the_handler),
        cmocka_unit_test(test_realloc_failure_calls_the_handler),
        cmocka_unit_test(test_realloc_keeps_contents),
        cmocka_unit_test(test_strndup),
        cmocka_unit_test(test_success_returns_memory),
        cmocka_unit_test(test_json_builders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
