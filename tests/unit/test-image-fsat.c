/*
 * test-image-fsat.c: the component walker resolves exactly as the kernel's
 * openat2(RESOLVE_IN_ROOT) does.  A small tree with every kind of symlink
 * (absolute, relative, climbing past the root, chains, loops, dangling, to
 * a file) is resolved along every path of up to four components drawn
 * from its names, "." and ".."; both resolvers must give the same
 * directory (device, inode) or the same errno.  Then creation: missing
 * directories, through a dangling symlink too, land in the same place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/fsat.h"

static const char *const names[] = {
    "a", "b", "abs", "rel", "up", "loop", "dang", "file", "chain", ".", ".."};
#define N_NAMES (sizeof(names) / sizeof(*names))

static void make_tree(const char *root)
{
    char p[256];
#define AT(rel) (snprintf(p, sizeof(p), "%s/%s", root, rel), p)
    assert_int_equal(mkdir(AT("a"), 0755), 0);
    assert_int_equal(mkdir(AT("a/b"), 0755), 0);
    assert_int_equal(mkdir(AT("b"), 0755), 0);
    assert_int_equal(symlink("/a/b", AT("abs")), 0);
    assert_int_equal(symlink("../b", AT("a/rel")), 0);
    assert_int_equal(symlink("../../../../a", AT("a/b/up")), 0);
    assert_int_equal(symlink("loop", AT("loop")), 0);
    assert_int_equal(symlink("/nowhere/x", AT("b/dang")), 0);
    assert_int_equal(close(creat(AT("a/file"), 0644)), 0);
    assert_int_equal(symlink("abs/up", AT("chain")), 0);
    assert_int_equal(symlink("/", AT("a/b/abs")), 0);
#undef AT
}

/* "ino" or "-errno" of what `path` resolves to. */
static long long resolve(int rootfd, const char *path, bool kernel)
{
    fsat_set_use_openat2(kernel);
    int fd = fsat_dir_in_root(rootfd, path, false);
    if (fd < 0)
        return -errno;
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    close(fd);
    return (long long)st.st_ino;
}

static void test_walker_equals_kernel(void **state)
{
    (void)state;
    char root[] = "/tmp/test-fsat.XXXXXX";
    assert_non_null(mkdtemp(root));
    make_tree(root);
    int rootfd = open(root, O_RDONLY | O_DIRECTORY);
    assert_true(rootfd >= 0);
    size_t checked = 0;
    char path[128];
    for (size_t len = 1; len <= 4; len++) {
        size_t total = 1;
        for (size_t i = 0; i < len; i++)
            total *= N_NAMES;
        for (size_t k = 0; k < total; k++) {
            path[0] = '\0';
            for (size_t i = 0, x = k; i < len; i++, x /= N_NAMES) {
                strcat(path, i ? "/" : (x % 2 ? "/" : ""));
                strcat(path, names[x % N_NAMES]);
            }
            long long a = resolve(rootfd, path, true);
            long long b = resolve(rootfd, path, false);
            if (a != b)
                fail_msg("\"%s\": openat2 %lld, walker %lld", path, a, b);
            checked++;
        }
    }
    assert_true(checked > 10000);
    fsat_set_use_openat2(true);
    close(rootfd);
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    assert_int_equal(system(cmd), 0);
}

/* Creating through a dangling symlink or ".." past the root gives the
 * same tree with either resolver. */
static void test_create_same_place(void **state)
{
    (void)state;
    const char *paths[] = {"b/dang/new", "a/b/up/c/d", "../../x/y", "chain/z",
                           "abs/up/abs/w"};
    for (int kernel = 0; kernel < 2; kernel++) {
        char root[] = "/tmp/test-fsat.XXXXXX";
        assert_non_null(mkdtemp(root));
        make_tree(root);
        int rootfd = open(root, O_RDONLY | O_DIRECTORY);
        fsat_set_use_openat2(kernel);
        for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
            int fd = fsat_dir_in_root(rootfd, paths[i], true);
            if (fd < 0)
                fail_msg("%s: %s", paths[i], strerror(errno));
            close(fd);
        }
        const char *want[] = {"nowhere/x/new", "a/c/d", "x/y", "a/z",
                              "a/abs/w"};
        for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
            struct stat st;
            char p[256];
            snprintf(p, sizeof(p), "%s/%s", root, want[i]);
            if (lstat(p, &st) < 0 || !S_ISDIR(st.st_mode))
                fail_msg("%s resolver: %s missing",
                         kernel ? "kernel" : "walker", want[i]);
        }
        close(rootfd);
        char cmd[64];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
        assert_int_equal(system(cmd), 0);
    }
    fsat_set_use_openat2(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walker_equals_kernel),
        cmocka_unit_test(test_create_same_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
