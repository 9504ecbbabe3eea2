/*
 * typo.h: is a word a slip of another?  The one test behind "Did you
 * mean" for commands (xl-plugin/cmd_help.c) and config keys
 * (domcfg/app_cfg.c): one or two edits (insert, delete, substitute) for
 * words longer than 4 characters, one for shorter ones.
 */
#ifndef XL_OCI_COMMON_TYPO_H
#define XL_OCI_COMMON_TYPO_H

#include <stdbool.h>

/* Edit distance of a and b, stopping at 3 (only "close enough to be a
 * typo" matters); 3 for words over 24 characters. */
int xo_typo_distance(const char *a, const char *b);

/* True when `typed` is within a typo of `known` (and not equal to it). */
bool xo_typo_close(const char *typed, const char *known);

#endif
