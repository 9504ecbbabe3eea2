/*
 * refstore.h: image names -> manifest digests, one small JSON file per name
 * under <root>/refs/, named by the sha256 of the name (so any name fits in
 * a file name) and written atomically.
 */
#ifndef XL_OCI_IMAGE_REFSTORE_H
#define XL_OCI_IMAGE_REFSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "verifier/digest.h"

#define REFSTORE_FILE_MAX (64 * 1024)

struct ref_entry {
    char *name;
    struct digest manifest;
    bool has_index;
    struct digest index;
    int64_t pulled;
};

void refstore_entry_dispose(struct ref_entry *e);

int refstore_put(const char *root, const struct ref_entry *e, xo_err *err);

/* 1 and *e_r filled when present, 0 when absent, -1 on error. */
int refstore_get(const char *root, const char *name, struct ref_entry *e_r,
                 xo_err *err);

/* Absent is not an error. */
int refstore_remove(const char *root, const char *name, xo_err *err);

int refstore_list(const char *root, struct ref_entry **list_r, size_t *n_r,
                  xo_err *err);
void refstore_list_free(struct ref_entry *list, size_t n);

#endif
