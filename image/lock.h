/*
 * lock.h: the store-wide lock, <root>/store.lock.  Pulls hold it shared
 * (they only add, and every addition is an atomic rename, so pulls run in
 * parallel); rmi and prune hold it exclusive, so they never remove what a
 * running pull is about to use.
 *
 * It is not the lock of the domains' state (<root>/lock, xl-plugin's
 * state.c), so that a pull, which may wait minutes on a registry, holds
 * up no create, stop or restart.  Where both are held the store's comes
 * first: rmi and prune take it, then the state lock (image_users.hold) to
 * read which volumes domains use; nothing takes the store's lock while it
 * holds the state lock (create lets the state lock go to pull).
 */
#ifndef XL_OCI_IMAGE_LOCK_H
#define XL_OCI_IMAGE_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* The lock file's name under the store's root. */
#define IMAGE_STORE_LOCK "store.lock"

/* Creates root if needed; returns the lock fd (close it to unlock). */
int image_store_lock(int *fd_r, const char *root, bool exclusive, xo_err *err);

/*
 * True when another process holds the store's lock (shared or
 * exclusive), so an exclusive lock would wait: for the command layer to
 * say so before it waits.  False when it is free or cannot be tried.
 */
bool image_store_busy(const char *root);

/*
 * A pull's lock: shared, but when no one else holds the lock at all
 * (taken exclusive without waiting) tmp/ is emptied first with
 * image_clean_tmp() (keeping downloads to resume), so what a killed pull
 * left there (a scratch tmpfs still mounted, a half-built volume) goes
 * with the next pull rather than waiting for a prune.
 */
int image_store_lock_for_pull(int *fd_r, const char *root, xo_err *err);

/*
 * Removes everything in <root>/tmp/ (but interrupted downloads,
 * <hex>.partial, with `keep_partials`: a pull resumes them), unmounting
 * scratch tmpfs mounts first (scratch.h).  Only with the store lock held
 * exclusively: then no pull is running, and these are leftovers of
 * crashed or killed ones.  *removed_r (may be NULL) counts the entries
 * of tmp/ removed, *bytes_r (may be NULL) the bytes of the files among
 * them (a scratch tmpfs held memory, not disk: not counted).
 */
int image_clean_tmp(const char *root, bool keep_partials, size_t *removed_r,
                    uint64_t *bytes_r, xo_err *err);

#endif
