/*
 * lock.h: the store-wide lock, <root>/lock.  Pulls hold it shared (they
 * only add, and every addition is an atomic rename, so pulls run in
 * parallel); rmi and prune hold it exclusive, so they never remove what a
 * running pull is about to use.
 */
#ifndef XL_OCI_IMAGE_LOCK_H
#define XL_OCI_IMAGE_LOCK_H

#include <stdbool.h>

#include "common/error.h"

/* Creates root if needed; returns the lock fd (close it to unlock). */
int image_store_lock(int *fd_r, const char *root, bool exclusive, xo_err *err);

#endif
