/* test-user.c: OCI User resolution (common/user.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/user.h"

static char dir[] = "/tmp/xl-oci-test-user.XXXXXX";

static void put(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    put("passwd",
        "root:x:0:0:root:/root:/bin/sh\n"
        "# a comment line is just not an entry\n"
        "broken line without fields\n"
        "app:x:1000:1000:App:/home/app:/bin/sh\n"
        "dup:x:1500:50::/:/bin/sh\n"
        "big:x:4294967295:1:overflow:/:/bin/sh\n"
        "longhome:x:1600:1600::/"
        "0123456789012345678901234567890123456789012345678901234567890123"
        "0123456789012345678901234567890123456789012345678901234567890123"
        "0123456789012345678901234567890123456789012345678901234567890123"
        "0123456789012345678901234567890123456789012345678901234567890123"
        ":/bin/sh\n"
        "\n"
        "  crlf:x:1700:1700:Written on Windows:/home/crlf:/bin/sh\r\n"
        "short:x:1800:1800\n"
        "1abc:x:1900:1900::/home/1abc:/bin/sh\n"
        "plus:x:+1950:0001::/home/plus:/bin/sh\n"
        "nogid:x:1960:::/home/nogid:/bin/sh\n"
        "onlyuid:x:1970\n"
        "biggid:x:1980:4294967294::/:/bin/sh\n");
    put("group", "root:x:0:\napp:x:1000:\nstaff:x:50:app,dup\n"
                 "extra:x:2000:app,root,dup,dup\n"
                 "other:x:3000:nobody,app\n"
                 "\n"
                 "win:x:4000:crlf\r\n"
                 "bare:x:4100\n"
                 "4242:x:4300:crlf\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof(path), "%s/passwd", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/group", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}

/* GROUPS: the expected supplementary list, e.g. "1000,2000,3000". */
static void expect(const char *user, unsigned uid, unsigned gid,
                   const char *groups, const char *home)
{
    struct xo_user_ids ids;
    xo_err err = XO_ERR_INIT;
    if (xo_user_resolve(&ids, user, dir, &err) < 0)
        fail_msg("%s: %s", user, xo_err_msg(&err));
    assert_int_equal(ids.uid, uid);
    assert_int_equal(ids.gid, gid);
    char got[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < ids.ngroups; i++)
        len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%u",
                                i ? "," : "", (unsigned)ids.groups[i]);
    if (strcmp(got, groups) != 0)
        fail_msg("user '%s': groups %s, want %s", user, got, groups);
    assert_string_equal(ids.home, home);
    xo_user_ids_dispose(&ids);
    xo_user_ids_dispose(&ids); /* idempotent */
}

static void expect_fail(const char *user, const char *why)
{
    struct xo_user_ids ids;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(xo_user_resolve(&ids, user, dir, &err), -1);
    if (!strstr(xo_err_msg(&err), why))
        fail_msg("expected '%s' in '%s'", why, xo_err_msg(&err));
    xo_err_clear(&err);
    xo_user_ids_dispose(&ids);
}

/*
 * The primary gid always heads the list (CVE-2022-36109, CVE-2023-25173);
 * an explicit group adds no memberships from /etc/group, as runc does.
 */
static void test_resolve(void **state)
{
    (void)state;
    expect("", 0, 0, "0,2000", "/root");
    expect("app", 1000, 1000, "1000,50,2000,3000", "/home/app");
    expect("1000", 1000, 1000, "1000,50,2000,3000", "/home/app");
    expect("app:staff", 1000, 50, "50", "/home/app");
    expect("app:extra", 1000, 2000, "2000", "/home/app");
    expect("app:5", 1000, 5, "5", "/home/app");
    expect("1000:1000", 1000, 1000, "1000", "/home/app");
    expect("77", 77, 0, "0", "");
    expect("77:88", 77, 88, "88", "");
    /* A member listed twice, or in its own primary group, counts once. */
    expect("dup", 1500, 50, "50,2000", "/");
    /* runc's and Docker's reading: an empty group is none, an empty user
     * is root, a third field is ignored. */
    expect("app:", 1000, 1000, "1000,50,2000,3000", "/home/app");
    expect(":50", 0, 50, "50", "/root");
    expect("app:5:7", 1000, 5, "5", "/home/app");
    expect("2147483647", 2147483647, 0, "0", "");
}

/*
 * Files as images hold them, read as runc reads them: white space around
 * a line (a "\r" of a file written on Windows) is not part of it, a line
 * may leave off its last fields, a name may start with a digit, and a
 * numeric GROUP is a gid even when a group has that name.
 */
static void test_file_forms(void **state)
{
    (void)state;
    expect("crlf", 1700, 1700, "1700,4000,4300", "/home/crlf");
    expect("short", 1800, 1800, "1800", "");
    expect("app:bare", 1000, 4100, "4100", "/home/app");
    expect("1abc", 1900, 1900, "1900", "/home/1abc");
    expect("crlf:4242", 1700, 4242, "4242", "/home/crlf");
    /* Its ids read as runc reads them too (Go's strconv.Atoi). */
    expect("plus", 1950, 1, "1", "/home/plus");
    /* Fields left empty or off read as runc's parser leaves them: an id
     * that is no number is 0, a missing home empty (helper-60's case). */
    expect("nogid", 1960, 0, "0", "/home/nogid");
    expect("onlyuid", 1970, 0, "0", "");
    expect("1970", 1970, 0, "0", "");
}

/*
 * A numeric USER or GROUP as runc reads it: Go's strconv.Atoi takes a
 * sign and leading zeros, and a number is always an id (looked up as a
 * uid for the passwd entry), never a name.
 */
static void test_numeric_forms(void **state)
{
    (void)state;
    expect("+1000", 1000, 1000, "1000,50,2000,3000", "/home/app");
    expect("01000", 1000, 1000, "1000,50,2000,3000", "/home/app");
    expect("00000000000001000", 1000, 1000, "1000,50,2000,3000", "/home/app");
    expect("+5", 5, 0, "0", "");
    expect("0001", 1, 0, "0", "");
    expect("-0", 0, 0, "0,2000", "/root");
    expect("+0:+50", 0, 50, "50", "/root");
    expect("app:0050", 1000, 50, "50", "/home/app");
    expect("+2147483647", 2147483647, 0, "0", "");
    /* A sign alone, or signs twice, is no number: a name nobody has. */
    expect_fail("+", "user +: no such user");
    expect_fail("++5", "user ++5: no such user");
    expect_fail("app:+", "group +: no such group");
}

static void test_errors(void **state)
{
    (void)state;
    expect_fail("nobody", "user nobody: no such user");
    expect_fail("app:nogroup", "group nogroup: no such group");
    /* (uid_t)-1 is no uid; a number out of range is said to be one, not
     * looked up as a name. */
    expect_fail("4294967295", "user 4294967295: a uid must be 0 to");
    expect_fail("99999999999", "user 99999999999: a uid must be 0 to");
    expect_fail("0:99999999999", "group 99999999999: a gid must be 0 to");
    /* Past runc's range (it refused them only at start, in the log). */
    expect_fail("2147483648", "user 2147483648: a uid must be 0 to 2147483647");
    expect_fail("0:3000000000",
                "group 3000000000: a gid must be 0 to 2147483647");
    /* A negative number is a number (runc: ErrRange), not a name. */
    expect_fail("-1", "user -1: a uid must be 0 to 2147483647");
    expect_fail("app:-5", "group -5: a gid must be 0 to 2147483647");
    expect_fail("+2147483648", "user +2147483648: a uid must be 0 to");
    /* A home of 257 bytes does not fit xo_user_ids' 256: refused, naming
     * the user and the start of the path. */
    expect_fail("longhome",
                "user longhome: home directory: path too long: \"/0123");
    expect_fail("1600", "user longhome: home directory: path too long");
    /* The entry's own id out of range: said, as runc refuses it. */
    expect_fail("biggid", "user biggid: its /etc/passwd entry's gid "
                          "4294967294 is not 0 to 2147483647");
    expect_fail("big", "user big: its /etc/passwd entry's uid 4294967295 is "
                       "not 0 to 2147483647");
}

/* A container may put a FIFO where /etc/group was: it reads as no file
 * (no supplementary groups) instead of blocking the reader for ever (the
 * alarm turns such a hang into a failure). */
static void test_fifo_is_no_file(void **state)
{
    (void)state;
    char group[128], saved[128];
    snprintf(group, sizeof(group), "%s/group", dir);
    snprintf(saved, sizeof(saved), "%s/group.saved", dir);
    assert_int_equal(rename(group, saved), 0);
    assert_int_equal(mkfifo(group, 0644), 0);
    alarm(10);
    expect("app", 1000, 1000, "1000", "/home/app");
    expect_fail("app:staff", "group staff: no such group");
    alarm(0);
    assert_int_equal(unlink(group), 0);
    assert_int_equal(rename(saved, group), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_file_forms),
        cmocka_unit_test(test_numeric_forms),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_fifo_is_no_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
