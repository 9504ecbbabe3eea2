/*
 * env_merge.h: merging environment lists by name, as Docker merges an
 * image's Env with `docker run -e`: a later KEY=VALUE replaces an earlier
 * one of the same KEY, in the position of the first.  O(n log n), so an
 * image config with a hundred thousand entries costs milliseconds, not
 * minutes.
 */
#ifndef XL_OCI_DOMCFG_ENV_MERGE_H
#define XL_OCI_DOMCFG_ENV_MERGE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * `in` holds `n` KEY=VALUE strings (each with a non-empty KEY), or bare
 * KEYs, which unset KEY (an image's Env entry without '=', as Docker's
 * and containerd's merges read it), in the order they were set.  *out_r
 * receives a new NULL-terminated vector of copies, one per KEY whose last
 * entry sets it, and *n_r its length.  Cannot fail: the caller bounded
 * `n` (allocation failure follows common/alloc.h).
 */
void env_merge(char ***out_r, size_t *n_r, const char *const *in, size_t n);

/* True when the last of in[0..n) to name `key` is a bare KEY (unset). */
bool env_merge_unset_last(const char *const *in, size_t n, const char *key);

#endif
