/*
 * app_cfg.h: reading app.cfg, an xl-syntax file with oci_ keys, through
 * libxlutil (the only parser of xl syntax we use).  Every key is checked
 * against the table of known keys and types; errors name file, line, key.
 */
#ifndef XL_OCI_DOMCFG_APP_CFG_H
#define XL_OCI_DOMCFG_APP_CFG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct app_cfg;

/* The bound on app.cfg's bytes (create reads it, and keeps a copy): room
 * for the kernel's 2 MiB of oci_env and oci_cmd strings (exec_size.h) in
 * xl syntax; more is hostile or broken. */
#define APP_CFG_MAX_BYTES (8 << 20)

/* Parses `path`; fails on a syntax error, unknown key or wrong type. */
int app_cfg_read(struct app_cfg **out_r, const char *path, xo_err *err);
/* Same, from memory; `name` is used in messages (fuzzing, tests). */
int app_cfg_read_data(struct app_cfg **out_r, const char *name,
                      const char *data, size_t len, xo_err *err);
void app_cfg_free(struct app_cfg *ac);

const char *app_cfg_path(const struct app_cfg *ac);

/*
 * Getters return 1 with the value when the key is set, 0 when it is not,
 * -1 with an error naming file, line and key when the value is bad.
 * Strings are borrowed from the app_cfg; lists are owned, NULL-terminated
 * vectors (free with xo_strv_free).
 */
int app_cfg_string(const struct app_cfg *ac, const char *key,
                   const char **out_r, xo_err *err);
int app_cfg_list(const struct app_cfg *ac, const char *key, size_t max,
                 char ***out_r, size_t *n_r, xo_err *err);
/*
 * A list that becomes part of execve()'s args or env: items up to
 * DC_MAX_ARG_STRLEN bytes, as many as could ever fit DC_MAX_EXEC_BYTES;
 * the bytes of the whole are checked once args and env are merged.
 */
int app_cfg_exec_list(const struct app_cfg *ac, const char *key, char ***out_r,
                      size_t *n_r, xo_err *err);
int app_cfg_long(const struct app_cfg *ac, const char *key, long min, long max,
                 long *out_r, xo_err *err);

/* Fails with "FILE:LINE: KEY: <message>" for a value found bad later on. */
int app_cfg_bad_value(const struct app_cfg *ac, const char *key, xo_err *err,
                      const char *fmt, ...) XO_PRINTF(4, 5);

/* "FILE:LINE: KEY" (or "FILE: KEY"), the start of app_cfg_bad_value()'s
 * message, for a value found bad once the app_cfg is gone; never NULL
 * (common/alloc.h).  Free it. */
char *app_cfg_where(const struct app_cfg *ac, const char *key);
/* "FILE:LINE" of `key`'s setting (or "FILE"), for a message that names
 * the key itself; never NULL.  Free it. */
char *app_cfg_where_file(const struct app_cfg *ac, const char *key);

/*
 * The same for an item of a list key (`index` from 0, as app_cfg_list
 * gives them): the line the item was written on, which is not the key's
 * where the list spans lines or is added to with +=.  Without such an
 * item, the key's line.
 */
int app_cfg_bad_item(const struct app_cfg *ac, const char *key, size_t index,
                     xo_err *err, const char *fmt, ...) XO_PRINTF(5, 6);
char *app_cfg_where_item(const struct app_cfg *ac, const char *key,
                         size_t index);
char *app_cfg_where_item_file(const struct app_cfg *ac, const char *key,
                              size_t index);
/* The item's line (0 when neither item nor key is known). */
int app_cfg_item_line(const struct app_cfg *ac, const char *key, size_t index);
/* The index of the last item of `key` equal to `text`, or -1. */
ptrdiff_t app_cfg_item_index(const struct app_cfg *ac, const char *key,
                             const char *text);

/* libxlutil's own handle, for xlu_disk_parse; borrowed. */
struct XLU_Config *app_cfg_xlu(const struct app_cfg *ac);

#endif
