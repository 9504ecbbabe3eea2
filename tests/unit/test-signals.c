/* test-signals.c: stop signal names to Linux numbers (domcfg/signals.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "domcfg/signals.h"

static void check(const char *s, int want)
{
    int got = signal_from_string(s);
    if (got != want)
        fail_msg("signal_from_string(\"%s\") = %d, want %d", s ? s : "(null)",
                 got, want);
}

static void test_names(void **state)
{
    (void)state;
    check("SIGTERM", 15);
    check("TERM", 15);
    check("sigterm", 15);
    check("Term", 15);
    check("SIGKILL", 9);
    check("SIGHUP", 1);
    check("SIGUSR1", 10);
    check("SIGUSR2", 12);
    check("SIGWINCH", 28);
    check("SIGSYS", 31);
    check("SIGPWR", 30);
    check("SIGCHLD", 17);
    check("SIGRTMIN+0", 34);
    check("RTMIN+3", 37);
    check("SIGRTMIN+30", 64);
    /* The rest of Docker's table: bare RTMIN/RTMAX, RTMAX-N, aliases. */
    check("SIGRTMIN", 34);
    check("SIGRTMAX", 64);
    check("RTMAX-1", 63);
    check("SIGRTMAX-30", 34);
    check("SIGIOT", 6);
    check("CLD", 17);
    check("SIGPOLL", 29);
}

static void test_numbers(void **state)
{
    (void)state;
    check("1", 1);
    check("15", 15);
    check("64", 64);
    check("0", -1);
    check("65", -1);
    check("15x", -1);
    check("99999999999999999999", -1);
}

static void test_bad(void **state)
{
    (void)state;
    check(NULL, -1);
    check("", -1);
    check("SIG", -1);
    check("SIGFOO", -1);
    check("-1", -1);
    check("+15", -1);
    check(" 15", -1);
    check("SIGTERMX", -1);
    check("SIGRTMIN+31", -1);
    check("SIGRTMIN+-1", -1);
    check("SIGRTMIN+x", -1);
    /* Only digits may follow "RTMIN+": no sign, space or empty number. */
    check("SIGRTMIN+", -1);
    check("RTMIN+-0", -1);
    check("RTMIN+ 1", -1);
    check("SIGRTMAX-31", -1);
    check("SIGRTMAX+1", -1);
    check("SIGRTMAX-", -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
