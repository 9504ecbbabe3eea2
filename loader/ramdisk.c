/* ramdisk.c: per-domain ramdisk = loader initramfs + boot spec archive. */
#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpio.h"
#include "common/alloc.h"
#include "common/fileio.h"

#ifndef XO_LOADER_DIR
#define XO_LOADER_DIR "/usr/local/lib/xl-oci/loader/xen-tools"
#endif

void loader_files_dispose(struct loader_files *f)
{
    free(f->kernel);
    free(f->initramfs);
    f->kernel = f->initramfs = NULL;
}

int loader_locate(struct loader_files *out, const char *dir, xo_err *err)
{
    out->kernel = out->initramfs = NULL;
    if (!dir)
        dir = XO_LOADER_DIR;
    out->kernel = xo_path_join(dir, "kernel");
    out->initramfs = xo_path_join(dir, "initramfs");
    const char *files[] = {out->kernel, out->initramfs};
    for (int i = 0; i < 2; i++) {
        struct stat st;
        if (stat(files[i], &st) < 0 || !S_ISREG(st.st_mode)) {
            xo_err_sys(
                err,
                "loader %s: %s (build it with 'make loader', install with 'make install')",
                dir, files[i]);
            loader_files_dispose(out);
            return -1;
        }
    }
    return 0;
}

/* Copies all of `in` to `out`, in the kernel when it can. */
static int copy_all(int in, int out, const char *src, xo_err *err)
{
    /* Ask for exactly what is left: tmpfs (dom0's rootfs in the lab) fails
     * a copy_file_range larger than its free space with ENOSPC, even when
     * the source is far smaller. */
    struct stat st;
    if (fstat(in, &st) < 0)
        return xo_err_sys(err, "cannot stat %s", src);
    off_t left = st.st_size;
    while (left > 0) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
        if (n == 0)
            return 0;
        if (n > 0) {
            left -= n;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno != EXDEV && errno != ENOSYS && errno != EINVAL &&
            errno != EOPNOTSUPP)
            return xo_err_sys(err, "copying %s", src);
        break;
    }
    if (left == 0)
        return 0;
    /* File systems or kernels without copy_file_range: plain copy. */
    char buf[1 << 16];
    for (;;) {
        ssize_t n = read(in, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return xo_err_sys(err, "reading %s", src);
        if (n == 0)
            return 0;
        if (xo_write_all(out, buf, (size_t)n) < 0)
            return xo_err_sys(err, "writing copy of %s", src);
    }
}

static int append_spec(int fd, off_t at, const void *spec, size_t len,
                       const char *path, xo_err *err)
{
    if (lseek(fd, at, SEEK_SET) < 0)
        return xo_err_sys(err, "%s: seek", path);
    /*
     * The kernel looks for the next archive at a 4-byte aligned offset and
     * skips the zeros before it; 512 also suits compressed initramfs.
     */
    static const char zeros[512];
    size_t padn = (size_t)((512 - at % 512) % 512);
    if (padn && xo_write_all(fd, zeros, padn) < 0)
        return xo_err_sys(err, "%s: write", path);
    struct cpio_writer w;
    cpio_init(&w, fd, path);
    if (cpio_add_dir(&w, BOOT_SPEC_INITRAMFS_DIR, 0755, err) < 0 ||
        cpio_add_data(&w, BOOT_SPEC_INITRAMFS_PATH, 0400, spec, len, err) < 0 ||
        cpio_finish(&w, err) < 0)
        return -1;
    return 0;
}

int loader_ramdisk_build(const char *loader_initramfs, const void *boot_spec,
                         size_t len, const char *out_path, xo_err *err)
{
    if (len == 0 || len > BOOT_SPEC_MAX_BLOB)
        return xo_err_set(err, EINVAL, "boot spec for %s: %zu bytes (limit %d)",
                          out_path, len, BOOT_SPEC_MAX_BLOB);
    char *tmp = xo_xasprintf("%s.tmp.XXXXXX", out_path);

    int in = -1, out = -1, rc = -1;
    in = open(loader_initramfs, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        xo_err_sys(err, "loader initramfs %s", loader_initramfs);
        goto out;
    }
    out = mkostemp(tmp, O_CLOEXEC);
    if (out < 0) {
        xo_err_sys(err, "creating %s", tmp);
        goto out;
    }
    struct stat st;
    if (fstat(in, &st) < 0) {
        xo_err_sys(err, "%s", loader_initramfs);
        goto out;
    }
    if (copy_all(in, out, loader_initramfs, err) < 0 ||
        append_spec(out, st.st_size, boot_spec, len, tmp, err) < 0)
        goto out;
    if (close(out) < 0) {
        out = -1;
        xo_err_sys(err, "closing %s", tmp);
        goto out;
    }
    out = -1;
    if (rename(tmp, out_path) < 0) {
        xo_err_sys(err, "renaming %s to %s", tmp, out_path);
        goto out;
    }
    rc = 0;
out:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int loader_ramdisk_rebuild(const char *kernel_path, const char *boot_spec_path,
                           const char *out_path, xo_err *err)
{
    const char *slash = strrchr(kernel_path, '/');
    if (!slash || strcmp(slash + 1, "kernel") != 0)
        return xo_err_set(
            err, EINVAL,
            "%s: not a loader kernel (DIR/kernel), so no initramfs beside it for %s",
            kernel_path, out_path);
    char *initramfs =
        xo_xasprintf("%.*s/initramfs", (int)(slash - kernel_path), kernel_path);
    char *spec = NULL;
    size_t len = 0;
    int rc = xo_read_file(&spec, &len, boot_spec_path, BOOT_SPEC_MAX_BLOB, err);
    if (rc == 0)
        rc = loader_ramdisk_build(initramfs, spec, len, out_path, err);
    free(spec);
    free(initramfs);
    return rc;
}
