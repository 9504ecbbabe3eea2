/*
 * scratch.h: the directory tree a pull unpacks an image's layers into,
 * before mkfs.erofs makes the root volume from it (volume.c).
 *
 * Creating and later removing ~1000 files costs about 100 us each on the
 * store's disk file system, and the tree is thrown away once the volume is
 * built: about 1 s of a 2.5 s pull (BENCHMARKS.md).  So when the process
 * may mount (root) and the layers are small against the host's available
 * memory, the scratch directory is a private tmpfs mounted on a fresh
 * directory under the store's tmp/: creates cost next to nothing and the
 * removal is one unmount.  Otherwise, or when the tmpfs turns out too
 * small or lacks a feature the layers need (user.* xattrs before Linux
 * 6.6), the tree is on disk as before.
 *
 * A pull ended by SIGTERM, SIGINT or SIGHUP unmounts it as it dies
 * (scratch_guard.h).  One killed by SIGKILL leaves the tmpfs mounted;
 * the next pull that finds the store idle, or `prune`, empties tmp/
 * under the store's exclusive lock and unmounts it (lock.h).
 *
 * XL_OCI_SCRATCH=disk or =tmpfs forces the choice (tests, benchmarks);
 * =tmpfs:BYTES also sets the tmpfs's size (to test the fallback); a
 * failed mount still means disk.
 */
#ifndef XL_OCI_IMAGE_SCRATCH_H
#define XL_OCI_IMAGE_SCRATCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"

struct scratch {
    char *path; /* owned: TMPDIR/unpack-TAG-XXXXXX */
    bool tmpfs; /* a tmpfs is mounted on path */
    int guard;  /* with tmpfs: its scratch_guard.h slot, or -1 */
};

/*
 * Makes a fresh scratch directory under `tmpdir` named after `tag` (at
 * most 12 bytes of it), a tmpfs when the rules above allow, for layers of
 * `compressed` bytes in all.  Errors: the directory cannot be made.
 */
int scratch_make(struct scratch *s, const char *tmpdir, const char *tag,
                 uint64_t compressed, xo_err *err);

/* True when a failure with errno `errnum` while unpacking into a tmpfs
 * scratch should be retried on disk (ENOSPC, EOPNOTSUPP, ...). */
bool scratch_retry_on_disk(const struct scratch *s, int errnum);

/* Unmounts the tmpfs and leaves `path` an empty directory on disk. */
int scratch_to_disk(struct scratch *s, xo_err *err);

/* Removes the tree (unmount, or file by file on disk) and frees path;
 * best effort: prune removes what is left. */
void scratch_remove(struct scratch *s);

/*
 * scratch_remove() on a thread of its own, so that freeing the tree (a
 * tmpfs of tens of MB takes milliseconds to unmount) overlaps what the
 * pull does next (hashing the root volume).  Takes the tree over from
 * *s (s->path is NULL afterwards); scratch_remove_end() waits for it.
 * Without a thread to spare, removes it at once.
 */
struct scratch_removal {
    struct scratch s;
    pthread_t thread;
    bool running;
};
void scratch_remove_begin(struct scratch_removal *r, struct scratch *s);
void scratch_remove_end(struct scratch_removal *r);

/* Unmounts a scratch tmpfs left on `path` by a killed pull (prune);
 * nothing when none is mounted there. */
void scratch_unmount_leftover(const char *path);

#endif
