/*
 * progress.h: one formatted progress line to an optional callback, the
 * way pull, the registry source and the root volume builder report what
 * they do (image_pull_opts.progress).
 */
#ifndef XL_OCI_IMAGE_PROGRESS_H
#define XL_OCI_IMAGE_PROGRESS_H

#include "common/error.h"

typedef void (*image_progress_fn)(void *arg, const char *line);

/* Formats and hands one line to `fn`; nothing when `fn` is NULL. */
void image_progress(image_progress_fn fn, void *arg, const char *fmt, ...)
    XO_PRINTF(3, 4);

#endif
