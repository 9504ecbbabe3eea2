/*
 * volstore_data.c: the disk images of managed volumes (volstore_int.h):
 * blank sparse files, formatting, reflink or copy, hashing copies in and
 * out, qcow2 checks and growth.  Everything that writes makes a new file
 * (O_EXCL) in the volume's work directory, so nothing half-made ever
 * carries a volume's name.
 */
#include "image/volstore_int.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/fileio.h"
#include "common/json.h"

/* Copy and hash in chunks of this many bytes; an all-zero chunk becomes a
 * hole. */
#define CHUNK (1024 * 1024)
/* qemu-img info's JSON for one image is a few hundred bytes. */
#define QEMU_INFO_MAX (64 * 1024)

int volstore_data_blank(const char *path, uint64_t size, xo_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return xo_err_sys(err, "cannot create %s", path);
    int rc = 0;
    if (ftruncate(fd, (off_t)size) < 0)
        rc = xo_err_sys(err, "cannot size %s to %llu bytes", path,
                        (unsigned long long)size);
    close(fd);
    return rc;
}

int volstore_data_mkfs(const char *path, enum volstore_fs fs, xo_err *err)
{
    /* -F / -f: the target is a regular file, not a device; -q: only
     * errors, which volstore_run quotes. */
    const char *ext4[] = {"mke2fs", "-q", "-F", "-t", "ext4", path, NULL};
    const char *xfs[] = {"mkfs.xfs", "-q", "-f", path, NULL};
    if (fs == VOLSTORE_FS_NONE)
        return 0;
    if (volstore_run(fs == VOLSTORE_FS_EXT4 ? ext4 : xfs, NULL, 0, err) < 0)
        return xo_err_wrap(err, "formatting %s as %s", path,
                           volstore_fs_to_string(fs));
    return 0;
}

int volstore_data_mkfs_seeded(const char *path, const char *seed, xo_err *err)
{
    struct stat st;
    if (stat(seed, &st) < 0)
        return xo_err_sys(err, "content directory %s", seed);
    if (!S_ISDIR(st.st_mode))
        return xo_err_set(err, ENOTDIR, "content directory %s: not a directory",
                          seed);
    char owner[64], mode[64];
    /* cannot truncate: two ids in 64 bytes */
    snprintf(owner, sizeof(owner), "root_owner=%u:%u", (unsigned)st.st_uid,
             (unsigned)st.st_gid);
    /* cannot truncate: a debugfs command with an octal mode in 64 bytes */
    snprintf(mode, sizeof(mode), "sif / mode 0%o",
             (unsigned)(st.st_mode & (S_IFMT | 07777)));
    /* mke2fs copies the tree but gives its root 0755 and a lost+found:
     * debugfs sets the mode and removes lost+found (e2fsck makes one again
     * when it needs it), so the volume's root is the image's directory. */
    const char *mk[] = {"mke2fs", "-q", "-F",  "-t", "ext4", "-d",
                        seed,     "-E", owner, path, NULL};
    const char *chmod_root[] = {"debugfs", "-w", "-R", mode, path, NULL};
    const char *rm_lf[] = {"debugfs",          "-w", "-R",
                           "rmdir lost+found", path, NULL};
    if (volstore_run(mk, NULL, 0, err) < 0 ||
        volstore_run(chmod_root, NULL, 0, err) < 0 ||
        volstore_run(rm_lf, NULL, 0, err) < 0)
        return xo_err_wrap(err, "formatting %s as ext4 with the content of %s",
                           path, seed);
    return 0;
}

static bool all_zero(const char *b, size_t n)
{
    return n == 0 || (b[0] == 0 && memcmp(b, b + 1, n - 1) == 0);
}

/* Copies in -> out (both at offset 0), zero chunks as holes, data
 * segments found with SEEK_DATA when the file system says (else all of
 * it), hashing every byte including holes' zeros when `h`. */
static int copy_fd(int in, int out, uint64_t size, struct digest_hasher *h,
                   const char *src, const char *dst, xo_err *err)
{
    char *buf = xo_xmalloc(CHUNK);
    int rc = 0;
    uint64_t off = 0;
    while (off < size && rc == 0) {
        /* Without a hasher, skip to the next data; with one, holes are
         * read as the zeros they are (the hash covers every byte). */
        if (!h) {
            off_t d = lseek(in, (off_t)off, SEEK_DATA);
            if (d < 0 && errno == ENXIO)
                break;
            if (d >= 0)
                off = (uint64_t)d;
        }
        size_t want = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
        ssize_t n = pread(in, buf, want, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? xo_err_sys(err, "cannot read %s", src)
                       : xo_err_set(err, EIO, "%s: shorter than %llu bytes",
                                    src, (unsigned long long)size);
            break;
        }
        if (h && digest_hasher_update(h, buf, (size_t)n, err) < 0) {
            rc = -1;
            break;
        }
        if (!all_zero(buf, (size_t)n)) {
            ssize_t w = pwrite(out, buf, (size_t)n, (off_t)off);
            if (w != n) {
                rc = xo_err_sys(err, "cannot write %s", dst);
                break;
            }
        }
        off += (uint64_t)n;
    }
    free(buf);
    if (rc == 0 && ftruncate(out, (off_t)size) < 0)
        rc = xo_err_sys(err, "cannot size %s", dst);
    if (rc == 0 && fsync(out) < 0)
        rc = xo_err_sys(err, "cannot sync %s", dst);
    return rc;
}

int volstore_data_clone(const char *dst, const char *src, const char **how_r,
                        xo_err *err)
{
    int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return xo_err_sys(err, "cannot open %s", src);
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        int rc = xo_err_sys(err, "cannot create %s", dst);
        close(in);
        return rc;
    }
    struct stat st;
    int rc = 0;
    if (fstat(in, &st) < 0) {
        rc = xo_err_sys(err, "cannot stat %s", src);
    } else if (ioctl(out, FICLONE, in) == 0) {
        *how_r = "reflink";
    } else if (errno == EOPNOTSUPP || errno == EXDEV || errno == EINVAL ||
               errno == ENOTTY || errno == EPERM) {
        *how_r = "copy";
        rc = copy_fd(in, out, (uint64_t)st.st_size, NULL, src, dst, err);
    } else {
        rc = xo_err_sys(err, "cannot clone %s to %s", src, dst);
    }
    close(in);
    close(out);
    if (rc < 0)
        unlink(dst);
    return rc;
}

int volstore_data_copy_hash(struct digest *sum_r, uint64_t *size_r,
                            const char *dst, const char *src, xo_err *err)
{
    int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return xo_err_sys(err, "cannot open %s", src);
    struct stat st;
    if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
        int rc = S_ISREG(st.st_mode)
                     ? xo_err_sys(err, "cannot stat %s", src)
                     : xo_err_set(err, EINVAL, "%s is not a regular file", src);
        close(in);
        return rc;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        int rc = xo_err_sys(err, "cannot create %s", dst);
        close(in);
        return rc;
    }
    struct digest_hasher *h = NULL;
    int rc = digest_hasher_new(&h, err);
    if (rc == 0)
        rc = copy_fd(in, out, (uint64_t)st.st_size, h, src, dst, err);
    if (rc == 0)
        rc = digest_hasher_final(h, sum_r, err);
    digest_hasher_free(h);
    close(in);
    close(out);
    if (rc < 0)
        unlink(dst);
    else
        *size_r = (uint64_t)st.st_size;
    return rc;
}

int volstore_data_hash(struct digest *sum_r, uint64_t *size_r, const char *path,
                       xo_err *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "cannot open %s", path);
    int rc = digest_fd(sum_r, size_r, fd, path, err);
    close(fd);
    return rc;
}

int volstore_qcow2_check(uint64_t *size_r, const char *path, const char *shown,
                         xo_err *err)
{
    char *out = xo_xmalloc(QEMU_INFO_MAX);
    /* -f qcow2: never probe the format of an outside file. */
    const char *argv[] = {"qemu-img",      "info", "-f", "qcow2",
                          "--output=json", path,   NULL};
    json_object *o = NULL, *v, *fs = NULL, *data = NULL;
    int rc = volstore_run(argv, out, QEMU_INFO_MAX, err);
    if (rc == 0)
        rc = xo_json_parse(&o, out, strlen(out), QEMU_INFO_MAX, "qemu-img info",
                           err);
    free(out);
    if (rc < 0)
        return xo_err_wrap(err, "%s", shown);
    if (json_object_object_get_ex(o, "backing-filename", NULL))
        rc = xo_err_set(
            err, EPERM,
            "%s: a qcow2 with a backing file is refused (it could name any file of the host); flatten it first (qemu-img convert -O qcow2)",
            shown);
    else if (json_object_object_get_ex(o, "format-specific", &fs) &&
             json_object_object_get_ex(fs, "data", &data) &&
             json_object_object_get_ex(data, "data-file", NULL))
        rc = xo_err_set(err, EPERM,
                        "%s: a qcow2 with an external data file is refused",
                        shown);
    else if (!json_object_object_get_ex(o, "virtual-size", &v) ||
             !json_object_is_type(v, json_type_int) ||
             json_object_get_int64(v) <= 0 ||
             (uint64_t)json_object_get_int64(v) > VOLSTORE_SIZE_MAX)
        rc = xo_err_set(err, EINVAL,
                        "%s: qemu-img gives no usable virtual-size", shown);
    else
        *size_r = (uint64_t)json_object_get_int64(v);
    json_object_put(o);
    return rc;
}

/* Up to `len` bytes of the file at `path` from `off` (not following a
 * symlink): how many were read, -1 when it cannot be opened or read. */
static ssize_t read_at(const char *path, void *buf, size_t len, off_t off)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = pread(fd, buf, len, off);
    close(fd);
    return n;
}

bool volstore_data_is_qcow2(const char *path)
{
    unsigned char m[4];
    return read_at(path, m, sizeof(m), 0) == 4 && memcmp(m, "QFI\xfb", 4) == 0;
}

enum volstore_fs volstore_data_detect_fs(const char *path)
{
    unsigned char sb[1084];
    ssize_t n = read_at(path, sb, sizeof(sb), 0);
    if (n < 0)
        return VOLSTORE_FS_NONE;
    if (n >= 4 && memcmp(sb, "XFSB", 4) == 0)
        return VOLSTORE_FS_XFS;
    /* ext2/3/4 share the magic at 1080; volumes are mounted as ext4,
     * whose driver reads all three. */
    if (n == (ssize_t)sizeof(sb) && sb[1080] == 0x53 && sb[1081] == 0xef)
        return VOLSTORE_FS_EXT4;
    return VOLSTORE_FS_NONE;
}

int volstore_data_grow(const char *path, enum volstore_format f, uint64_t size,
                       xo_err *err)
{
    if (f == VOLSTORE_QCOW2) {
        char sz[32];
        /* cannot truncate: a 64-bit number in 32 bytes */
        snprintf(sz, sizeof(sz), "%llu", (unsigned long long)size);
        const char *argv[] = {"qemu-img", "resize", "-q", "-f",
                              "qcow2",    path,     sz,   NULL};
        return volstore_run(argv, NULL, 0, err) < 0
                   ? xo_err_wrap(err, "growing %s", path)
                   : 0;
    }
    int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return xo_err_sys(err, "cannot open %s", path);
    int rc = 0;
    if (ftruncate(fd, (off_t)size) < 0 || fsync(fd) < 0)
        rc = xo_err_sys(err, "cannot grow %s to %llu bytes", path,
                        (unsigned long long)size);
    close(fd);
    return rc;
}

void volstore_now(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The bytes the ext4 file system of the image at `path` spans, from its
 * superblock (at 1024: blocks count, low 32 bits at 4 and high at 0x150
 * with the 64bit feature, incompat 0x80 at 0x60; block size 1024 << the
 * value at 24), or 0 when it cannot be read. */
static uint64_t ext4_span(const char *path)
{
    unsigned char sb[0x154];
    if (read_at(path, sb, sizeof(sb), 1024) != (ssize_t)sizeof(sb) ||
        sb[0x38] != 0x53 || sb[0x39] != 0xef)
        return 0;
#define LE32(o)                                                                \
    ((uint32_t)sb[o] | (uint32_t)sb[(o) + 1] << 8 |                            \
     (uint32_t)sb[(o) + 2] << 16 | (uint32_t)sb[(o) + 3] << 24)
    uint64_t blocks = LE32(4);
    if (LE32(0x60) & 0x80)
        blocks |= (uint64_t)LE32(0x150) << 32;
    uint32_t log = LE32(24);
#undef LE32
    if (log > 6) /* at most 64 KiB blocks */
        return 0;
    return blocks << (10 + log);
}

int volstore_data_resize(bool *grown_r, bool *kept_r, const char *path,
                         enum volstore_format f, enum volstore_fs fs,
                         uint64_t old_size, uint64_t size, xo_err *err)
{
    *grown_r = false;
    *kept_r = false;
    /* Only a raw ext4 image grows offline on the host: resize2fs works on
     * an image file (after the full check it insists on); xfs grows only
     * mounted (xfs_growfs), a qcow2's file system only through a block
     * device, so those grow in the container. */
    bool ext4 = f == VOLSTORE_RAW && fs == VOLSTORE_FS_EXT4;
    const char *fsck[] = {"e2fsck", "-f", "-p", path, NULL};
    const char *grow[] = {"resize2fs", "-f", path, NULL};
    /* Checked before the file grows: a file system e2fsck cannot mend
     * leaves the file as it was (it once stayed grown, its record not). */
    /* -p mends what is safe to mend and exits 1 (2: "reboot", meant for
     * a mounted root): a file system that was in use when its domain
     * was destroyed always has counts to mend, and is fine after. */
    if (ext4 && volstore_run_upto(fsck, 2, err) < 0)
        return xo_err_wrap(err, "checking the ext4 file system of %s", path);
    if (volstore_data_grow(path, f, size, err) < 0)
        return -1;
    if (!ext4)
        return 0;
    if (volstore_run(grow, NULL, 0, err) < 0) {
        /* The file goes back to its size, which the record still says,
         * only if the file system still ends within it: resize2fs writes
         * the superblock last, and one that says the new size must keep
         * its blocks (the caller then records the size). */
        uint64_t span = ext4_span(path);
        if (span == 0 || span > old_size) {
            *kept_r = true;
            return xo_err_wrap(
                err,
                "growing the ext4 file system of %s (it may span the new size now: the file stays at %llu bytes; check it with e2fsck -f)",
                path, (unsigned long long)size);
        }
        int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        bool back = fd >= 0 && ftruncate(fd, (off_t)old_size) == 0;
        if (fd >= 0)
            close(fd);
        if (!back)
            xo_err_wrap(
                err,
                "(and %s stays at %llu bytes: set it back with truncate -s %llu)",
                path, (unsigned long long)size, (unsigned long long)old_size);
        return xo_err_wrap(err, "growing the ext4 file system of %s", path);
    }
    *grown_r = true;
    return 0;
}
