/* inoset.c: open-addressing set of (device, inode) pairs (see inoset.h). */
#include "inoset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t find(const struct inoset_slot *slots, size_t cap, dev_t dev,
                   ino_t ino)
{
    uint64_t h = ((uint64_t)ino * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)dev;
    size_t i = (size_t)(h ^ (h >> 29)) & (cap - 1);
    while (slots[i].used && !(slots[i].dev == dev && slots[i].ino == ino))
        i = (i + 1) & (cap - 1);
    return i;
}

static int grow(struct inoset *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 256;
    struct inoset_slot *ns = calloc(ncap, sizeof(*ns));
    if (!ns)
        return -1;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].used)
            ns[find(ns, ncap, s->slots[i].dev, s->slots[i].ino)] = s->slots[i];
    free(s->slots);
    s->slots = ns;
    s->cap = ncap;
    return 0;
}

int inoset_add(struct inoset *s, const struct stat *st)
{
    if ((s->n + 1) * 2 > s->cap && grow(s) < 0)
        return -1;
    size_t i = find(s->slots, s->cap, st->st_dev, st->st_ino);
    if (s->slots[i].used)
        return 0;
    s->slots[i] = (struct inoset_slot){st->st_dev, st->st_ino, true};
    s->n++;
    return 0;
}

bool inoset_has(const struct inoset *s, const struct stat *st)
{
    return s->n &&
           s->slots[find(s->slots, s->cap, st->st_dev, st->st_ino)].used;
}

void inoset_clear(struct inoset *s)
{
    free(s->slots);
    memset(s, 0, sizeof(*s));
}
