/* env_merge.c: environment lists merged by name (see env_merge.h). */
#include "env_merge.h"

#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"

struct entry {
    const char *kv;
    size_t klen;
    size_t pos;
};

/* By KEY, then by position, so each KEY's entries end up together and in
 * the order they were set. */
static int cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    size_t l = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->kv, y->kv, l);
    if (c == 0 && x->klen != y->klen)
        c = x->klen < y->klen ? -1 : 1;
    if (c == 0)
        c = x->pos < y->pos ? -1 : 1;
    return c;
}

void env_merge(char ***out_r, size_t *n_r, const char *const *in, size_t n)
{
    struct entry *e = xo_xcalloc(n, sizeof(*e));
    const char **slot = xo_xcalloc(n, sizeof(*slot));
    for (size_t i = 0; i < n; i++) {
        /* A bare KEY (no '=') is KEY's entry too: it unsets it. */
        const char *eq = strchr(in[i], '=');
        e[i] =
            (struct entry){in[i], eq ? (size_t)(eq - in[i]) : strlen(in[i]), i};
    }
    qsort(e, n, sizeof(*e), cmp_entry);
    /* Each KEY: the last value set, in the slot of the first. */
    size_t kept = 0;
    for (size_t a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && e[b].klen == e[a].klen &&
                        memcmp(e[b].kv, e[a].kv, e[a].klen) == 0;
             b++)
            ;
        if (e[b - 1].kv[e[b - 1].klen] != '=')
            continue; /* unset last */
        slot[e[a].pos] = e[b - 1].kv;
        kept++;
    }
    char **out = xo_xcalloc(kept + 1, sizeof(*out));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (slot[i])
            out[k++] = xo_xstrdup(slot[i]);
    *out_r = out;
    *n_r = kept;
    free(slot);
    free(e);
}

bool env_merge_unset_last(const char *const *in, size_t n, const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = n; i-- > 0;)
        if (strncmp(in[i], key, kl) == 0 &&
            (in[i][kl] == '=' || in[i][kl] == '\0'))
            return in[i][kl] == '\0';
    return false;
}
