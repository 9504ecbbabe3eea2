/*
 * inoset.h: a set of file identities (device, inode), for the objects one
 * layer has made while it is being applied (whiteout.h asks it what a
 * whiteout must keep).  Identities rather than names, because a layer can
 * reach one object by several names (symlinked parents, hardlinks).
 */
#ifndef XL_OCI_IMAGE_INOSET_H
#define XL_OCI_IMAGE_INOSET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct inoset_slot {
    dev_t dev;
    ino_t ino;
    bool used;
};

struct inoset {
    struct inoset_slot *slots;
    size_t cap; /* power of two, or 0 */
    size_t n;
};

/* Adds the identity of `st`; returns 0, or -1 when out of memory. */
int inoset_add(struct inoset *s, const struct stat *st);
bool inoset_has(const struct inoset *s, const struct stat *st);
/* Empties the set, keeping nothing. */
void inoset_clear(struct inoset *s);

#endif
