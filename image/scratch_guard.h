/*
 * scratch_guard.h: what a pull leaves behind when SIGTERM, SIGINT or
 * SIGHUP ends it: its scratch tmpfs (scratch.h), whose files stay in RAM
 * until the next pull or prune of the same store, and a mkfs.erofs still
 * running (erofs.h); also a temporary file outside the store (`volume
 * export`'s FILE.xl-oci-PID beside the admin's FILE).  While any is
 * registered here, those signals, where their disposition is the
 * default, get a handler that unmounts (lazily) every registered tmpfs,
 * kills every registered child and unlinks every registered file, then
 * lets the signal end the process as before (same exit status).  SIGKILL
 * cannot be caught: then the next pull or prune of the store cleans up.
 * Safe from any thread; the handler only makes system calls.
 */
#ifndef XL_OCI_IMAGE_SCRATCH_GUARD_H
#define XL_OCI_IMAGE_SCRATCH_GUARD_H

#include <sys/types.h>

/* Slots of each kind: pulls run a few layers at once at most. */
#define SCRATCH_GUARD_SLOTS 16

/* Registers the tmpfs mounted on `path` (at most PATH_MAX - 1 bytes);
 * returns the slot for scratch_guard_drop(), -1 when none is free or the
 * path is too long (then nothing is unmounted on a signal). */
int scratch_guard_mount(const char *path);
/* Registers child `pid` to kill with SIGKILL on a signal; the slot, or
 * -1. */
int scratch_guard_child(pid_t pid);
/* Registers the file `path` (at most PATH_MAX - 1 bytes) to unlink on a
 * signal; the slot, or -1. */
int scratch_guard_file(const char *path);
/* Forgets a slot any of them returned (-1: nothing). */
void scratch_guard_drop(int slot);

#endif
