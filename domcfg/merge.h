/* merge.h: image config + app.cfg -> the process of a domain_config. */
#ifndef XL_OCI_DOMCFG_MERGE_H
#define XL_OCI_DOMCFG_MERGE_H

#include <stdbool.h>

#include "common/error.h"
#include "domain_config.h"
#include "image_config.h"

struct app_cfg;

/* Fills args, env, cwd, user, stop signal/timeout and labels of `dc`. */
int merge_process(struct domain_config *dc, const struct app_cfg *ac,
                  const struct image_config *ic, bool args_later, xo_err *err);

/* Adds KEY=VALUE to dc->env unless KEY is set (HOSTNAME, as Docker adds
 * it: the image or app.cfg may set their own). */
void merge_env_default(struct domain_config *dc, const char *key,
                       const char *value);

/*
 * Cleans an absolute path (p[0] is '/') lexically, in place, as Go's
 * filepath.Clean (which Docker applies to WorkingDir): repeated and
 * trailing '/' go, "." components go, ".." takes away the component
 * before it and stays at "/" at the root.  The loader refuses a ".." on
 * its walk, and runc's chdir() would need every component before it to
 * exist.  The result is never longer than p.
 */
void merge_clean_abs_path(char *p);

#endif
