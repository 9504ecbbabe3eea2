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
    char *name; /* NULL for a damaged record refstore_list() lists */
    struct digest manifest;
    bool has_index;
    struct digest index;
    int64_t pulled;
    char *damaged; /* refstore_list(): the record's file and why it cannot
                      be read; NULL for a readable one */
};

void refstore_entry_dispose(struct ref_entry *e);

int refstore_put(const char *root, const struct ref_entry *e, xo_err *err);

/* What refstore_get() returns for a record that is present but cannot be
 * read (not JSON, a field missing or wrong, another name's): err says
 * so, naming the file; *e_r is not filled. */
#define REFSTORE_DAMAGED 2

/* 1 and *e_r filled when present, 0 when absent, REFSTORE_DAMAGED, or -1
 * on another error (the file cannot be opened). */
int refstore_get(const char *root, const char *name, struct ref_entry *e_r,
                 xo_err *err);

/* Absent is not an error. */
int refstore_remove(const char *root, const char *name, xo_err *err);

/*
 * Every record, sorted by name.  A damaged one (a name no command can
 * read from it) does not stop the others: with `with_damaged` it is an
 * entry of its own (name NULL, `damaged` set, sorted last), else it is
 * left out.  -1 only when the directory cannot be read.
 */
int refstore_list(const char *root, bool with_damaged,
                  struct ref_entry **list_r, size_t *n_r, xo_err *err);
void refstore_list_free(struct ref_entry *list, size_t n);

#endif
