/*
 * image_config.h: the OCI image config (image-spec config.md), as stored in
 * a root volume's image-config.json.  Only the fields a container domain
 * needs are kept; unknown fields are ignored, known ones are type-checked.
 */
#ifndef XL_OCI_DOMCFG_IMAGE_CONFIG_H
#define XL_OCI_DOMCFG_IMAGE_CONFIG_H

#include <stddef.h>

#include "common/error.h"

/* The bound on an image config's bytes, for pull (its blob) and create
 * (the volume's image-config.json) alike.  Its Env and Cmd may carry up
 * to the kernel's 2 MiB of exec strings (exec_size.h) as JSON, escapes
 * included; beyond 8 MiB it is hostile or broken. */
#define IMAGE_CONFIG_MAX_BYTES (8 << 20)

struct image_config {
    char *os, *architecture;
    char *user;
    char **env; /* NULL-terminated, or NULL when absent */
    char **entrypoint;
    char **cmd;
    char *working_dir;
    char *stop_signal;
    char **volumes; /* keys of Volumes */
    char **labels;  /* KEY=VALUE */
};

void domcfg_image_config_init(struct image_config *ic);
void domcfg_image_config_dispose(struct image_config *ic);

/* Parses JSON text; `where` (file name or digest) opens every message. */
int domcfg_image_config_parse(struct image_config *ic, const char *buf,
                              size_t len, const char *where, xo_err *err);
int domcfg_image_config_load(struct image_config *ic, const char *path,
                             xo_err *err);

#endif
