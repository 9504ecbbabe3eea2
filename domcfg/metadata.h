/*
 * metadata.h: the rules of a container's user metadata, the seeds' task
 * API's roUser and rwUser maps: read-only labels, fixed at create from the
 * image config's Labels and app.cfg's oci_labels (the domain's keys win),
 * and writable annotations (`xl-oci annotate`, xl-plugin/metastore.h).
 * Both are maps of text keys to text values under one grammar, checked
 * here for every source, so a key accepted as a label is one annotate can
 * name (and refuse), and the store never holds what the rules refuse.
 *
 * The grammar (docs/decisions.md, "Labels and annotations"), modelled on
 * Kubernetes' qualified names and OCI's reverse-domain annotation keys:
 *   key    1 to METADATA_KEY_MAX bytes of ASCII letters, digits, '.', '-',
 *          '_' and '/', beginning and ending with a letter or digit
 *          ("org.opencontainers.image.title", "example.com/team").  So a
 *          key never holds '=' and never ends in '-': "KEY-" in annotate
 *          is always a removal.  Keys under METADATA_RESERVED_PREFIX are
 *          xl-oci's own (the runtime spec's stop-signal annotations).
 *   value  0 to METADATA_VALUE_MAX bytes of UTF-8 text with no control
 *          character but tab and newline; 3840, so that the longest key's
 *          "KEY=VALUE" still fits one app.cfg string (DC_MAX_STRING).
 *   a set  at most METADATA_MAX_ENTRIES keys and METADATA_MAX_TOTAL bytes
 *          of keys and values (Kubernetes' 256 KiB for annotations).
 */
#ifndef XL_OCI_DOMCFG_METADATA_H
#define XL_OCI_DOMCFG_METADATA_H

#include <stddef.h>

#include "common/error.h"

#define METADATA_KEY_MAX 253
#define METADATA_VALUE_MAX 3840
#define METADATA_MAX_ENTRIES 256
#define METADATA_MAX_TOTAL (256 * 1024)
#define METADATA_RESERVED_PREFIX "org.xl-oci."

struct domain_config;
struct app_cfg;
struct image_config;

/* 0 when `key` follows the grammar; else -1, err saying why, quoting at
 * most 64 bytes of the key ("key \"a b\": ' ' is not allowed ..."). */
int metadata_check_key(const char *key, xo_err *err);

/* 0 when `value` (of `key`, named in the message) follows the grammar. */
int metadata_check_value(const char *key, const char *value, xo_err *err);

/*
 * Splits "KEY=VALUE" at its first '=' into *key_r (owned, free it) and
 * *value_r (borrowed, inside `kv`) after checking both; -1 when there is
 * no '=' or either part breaks the grammar.
 */
int metadata_split(char **key_r, const char **value_r, const char *kv,
                   xo_err *err);

/* 0 when a set of `n` entries of `bytes` key and value bytes is within
 * the bounds; else E2BIG naming `what` ("labels", "annotations"). */
int metadata_check_bounds(size_t n, size_t bytes, const char *what,
                          xo_err *err);

/*
 * dc->labels (NULL-terminated "KEY=VALUE") from the image config's Labels,
 * then app.cfg's oci_labels: an oci_labels key replaces the image's value
 * in place, a new key is appended.  Image labels failing the rules fail
 * naming the image config file and key; oci_labels entries, app.cfg's
 * file, line and entry; a key given twice in oci_labels is refused.
 */
int metadata_merge_labels(struct domain_config *dc, const struct app_cfg *ac,
                          const struct image_config *ic, xo_err *err);

#endif
