/* strset.h: a set of strings (open addressing), for paths seen in a layer. */
#ifndef XL_OCI_IMAGE_STRSET_H
#define XL_OCI_IMAGE_STRSET_H

#include <stdbool.h>
#include <stddef.h>

struct strset {
    char **slots;
    size_t cap; /* power of two, or 0 */
    size_t n;
};

/* Adds a copy of s (allocation failure: common/alloc.h).  The callers
 * bound how many they add (a layer's entries, the store's files). */
void strset_add(struct strset *s, const char *str);
bool strset_has(const struct strset *s, const char *str);
/* Empties the set, keeping nothing. */
void strset_clear(struct strset *s);

#endif
