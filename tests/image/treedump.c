/*
 * treedump.c: one line per entry of a directory tree, sorted by path, for
 * comparing two unpacks of an image (tests/tiers/65-real-images.sh):
 *
 *   PATH<TAB>type=T<TAB>mode=0755<TAB>owner=0:0[<TAB>KEY=VALUE...]
 *
 * with, by type, size= and sha256= (regular files), target= (symlinks),
 * rdev=MAJ:MIN (devices), mtime=SEC.NSEC (everything but directories,
 * whose times legitimately differ where whiteouts removed children),
 * hardlink=FIRST (the first path, in sort order, of a regular file's
 * other names in the tree) and xattr.NAME=HEX for every extended
 * attribute (security.capability included).  Paths and targets are
 * escaped (\ooo for bytes outside printable ASCII, space, '\\' and '=')
 * so every line splits on tabs.  A name listed that lstat() does not
 * find is left out, with a line on stderr.  Used by a test, never on hostile trees
 * beyond what the test itself unpacked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "verifier/digest.h"

#define XATTR_LIST_MAX_BYTES 65536
#define XATTR_VALUE_MAX_BYTES 65536

struct node {
    char *path; /* relative, "./..." */
    struct stat st;
    const char *first_link; /* first name of a multiply linked file */
};

static struct node *nodes;
static size_t n_nodes, cap_nodes;
static size_t root_len;

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        perror("treedump");
        exit(2);
    }
    return q;
}

static int visit(const char *path, const struct stat *st, int flag,
                 struct FTW *ftw)
{
    (void)ftw;
    /* A name the directory lists but lstat() does not find: an overlay's
     * whiteout in a directory no lower layer merges with
     * (image/bundle_ghosts.h).  No file is there: said, not dumped. */
    if (flag == FTW_NS) {
        fprintf(stderr, "treedump: %s: listed but not found\n", path);
        return 0;
    }
    if (n_nodes == cap_nodes) {
        cap_nodes = cap_nodes ? cap_nodes * 2 : 4096;
        nodes = xrealloc(nodes, cap_nodes * sizeof(*nodes));
    }
    const char *rel = path + root_len;
    struct node *n = &nodes[n_nodes++];
    if (asprintf(&n->path, ".%s", rel) < 0) {
        perror("treedump");
        exit(2);
    }
    n->st = *st;
    n->first_link = NULL;
    return 0;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct node *)a)->path,
                  ((const struct node *)b)->path);
}

/* Indexes sorted by inode, then path. */
static int by_inode(const void *a, const void *b)
{
    const struct node *x = &nodes[*(const size_t *)a];
    const struct node *y = &nodes[*(const size_t *)b];
    if (x->st.st_dev != y->st.st_dev)
        return x->st.st_dev < y->st.st_dev ? -1 : 1;
    if (x->st.st_ino != y->st.st_ino)
        return x->st.st_ino < y->st.st_ino ? -1 : 1;
    return strcmp(x->path, y->path);
}

static void put_escaped(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= ' ' || *p >= 0x7f || *p == '\\' || *p == '=')
            printf("\\%03o", *p);
        else
            putchar(*p);
    }
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void put_xattrs(const char *full)
{
    static char names[XATTR_LIST_MAX_BYTES];
    static unsigned char val[XATTR_VALUE_MAX_BYTES];
    ssize_t len = llistxattr(full, names, sizeof(names));
    if (len <= 0)
        return;
    /* Names in sorted order: the list order is the file system's. */
    const char *sorted[1024];
    size_t k = 0;
    for (ssize_t off = 0; off < len && k < 1024;
         off += (ssize_t)strlen(names + off) + 1)
        sorted[k++] = names + off;
    qsort(sorted, k, sizeof(*sorted), by_string);
    for (size_t i = 0; i < k; i++) {
        ssize_t vl = lgetxattr(full, sorted[i], val, sizeof(val));
        printf("\txattr.");
        put_escaped(sorted[i]);
        putchar('=');
        if (vl < 0) {
            printf("<error %d>", errno);
            continue;
        }
        for (ssize_t b = 0; b < vl; b++)
            printf("%02x", val[b]);
    }
}

static void put_node(int rootfd, const char *root, const struct node *n)
{
    const struct stat *st = &n->st;
    char type = S_ISREG(st->st_mode)    ? 'f'
                : S_ISDIR(st->st_mode)  ? 'd'
                : S_ISLNK(st->st_mode)  ? 'l'
                : S_ISCHR(st->st_mode)  ? 'c'
                : S_ISBLK(st->st_mode)  ? 'b'
                : S_ISFIFO(st->st_mode) ? 'p'
                                        : 's';
    put_escaped(n->path);
    printf("\ttype=%c\tmode=%04o\towner=%u:%u", type,
           (unsigned)(st->st_mode & 07777), (unsigned)st->st_uid,
           (unsigned)st->st_gid);
    if (type == 'f') {
        int fd = openat(rootfd, n->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        struct digest d;
        xo_err err = XO_ERR_INIT;
        if (fd < 0 || digest_fd(&d, NULL, fd, n->path, &err) < 0) {
            printf("\tsize=%lld\tsha256=<unreadable>", (long long)st->st_size);
            xo_err_clear(&err);
        } else {
            printf("\tsize=%lld\tsha256=%s", (long long)st->st_size,
                   digest_hex(&d));
        }
        if (fd >= 0)
            close(fd);
        if (n->first_link) {
            printf("\thardlink=");
            put_escaped(n->first_link);
        }
    } else if (type == 'l') {
        char target[PATH_MAX + 1];
        ssize_t tl = readlinkat(rootfd, n->path, target, PATH_MAX);
        target[tl < 0 ? 0 : tl] = '\0';
        printf("\ttarget=");
        put_escaped(target);
    } else if (type == 'c' || type == 'b') {
        printf("\trdev=%u:%u", major(st->st_rdev), minor(st->st_rdev));
    }
    if (type != 'd')
        printf("\tmtime=%lld.%09ld", (long long)st->st_mtim.tv_sec,
               st->st_mtim.tv_nsec);
    char full[PATH_MAX * 2];
    snprintf(full, sizeof(full), "%s/%s", root, n->path);
    put_xattrs(full);
    putchar('\n');
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: xl-oci-treedump DIR\n");
        return 2;
    }
    const char *root = argv[1];
    root_len = strlen(root);
    while (root_len > 1 && root[root_len - 1] == '/')
        root_len--;
    if (nftw(root, visit, 64, FTW_PHYS) < 0) {
        perror(root);
        return 1;
    }
    int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        perror(root);
        return 1;
    }
    /* Hardlink groups: regular files sharing an inode name the first. */
    size_t *idx = xrealloc(NULL, (n_nodes ? n_nodes : 1) * sizeof(*idx));
    for (size_t i = 0; i < n_nodes; i++)
        idx[i] = i;
    qsort(idx, n_nodes, sizeof(*idx), by_inode);
    for (size_t i = 0; i < n_nodes;) {
        size_t j = i + 1;
        while (j < n_nodes &&
               nodes[idx[j]].st.st_ino == nodes[idx[i]].st.st_ino &&
               nodes[idx[j]].st.st_dev == nodes[idx[i]].st.st_dev)
            j++;
        if (j - i > 1 && S_ISREG(nodes[idx[i]].st.st_mode))
            for (size_t k = i; k < j; k++)
                nodes[idx[k]].first_link = nodes[idx[i]].path;
        i = j;
    }
    /* first_link points at paths, which stay put while nodes move. */
    qsort(nodes, n_nodes, sizeof(*nodes), by_path);
    for (size_t i = 0; i < n_nodes; i++)
        put_node(rootfd, root, &nodes[i]);
    close(rootfd);
    free(idx);
    return 0;
}
