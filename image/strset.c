/* strset.c: open-addressing string set (see strset.h). */
#include "strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static size_t find(char **slots, size_t cap, const char *str)
{
    size_t i = (size_t)hash(str) & (cap - 1);
    while (slots[i] && strcmp(slots[i], str) != 0)
        i = (i + 1) & (cap - 1);
    return i;
}

static void grow(struct strset *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 64;
    char **ns = xo_xcalloc(ncap, sizeof(*ns));
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i])
            ns[find(ns, ncap, s->slots[i])] = s->slots[i];
    free(s->slots);
    s->slots = ns;
    s->cap = ncap;
}

void strset_add(struct strset *s, const char *str)
{
    if ((s->n + 1) * 2 > s->cap)
        grow(s);
    size_t i = find(s->slots, s->cap, str);
    if (s->slots[i])
        return;
    s->slots[i] = xo_xstrdup(str);
    s->n++;
}

bool strset_has(const struct strset *s, const char *str)
{
    return s->cap && s->slots[find(s->slots, s->cap, str)] != NULL;
}

void strset_clear(struct strset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i]);
    free(s->slots);
    memset(s, 0, sizeof(*s));
}
