/*
 * metastore.h: a container's labels and annotations on disk (the seeds'
 * task API's roUser and rwUser maps), in its state dir (state.h):
 * labels.json, written once by create, and annotations.json, changed by
 * `xl-oci annotate`.  Both are one JSON object of strings; keys and
 * values follow domcfg/metadata.h, whose bounds hold for annotations.json
 * after every change.
 *
 * annotations.json is replaced whole (temp file, fsync, rename) under an
 * flock on annotations.lock, so two annotates at once each see the
 * other's keys, and a reader sees the old or the new map, never half.
 * destroy takes the same lock before removing the dir, so an annotate
 * never writes into a dir being removed; an annotate that waited for a
 * destroy finds the container gone.
 */
#ifndef XL_OCI_XL_PLUGIN_METASTORE_H
#define XL_OCI_XL_PLUGIN_METASTORE_H

#include <json-c/json.h>
#include <stddef.h>

#include "common/error.h"

/* labels.json and annotations.json are at most this large (a label set
 * of a bundle's annotations is bounded by its config.json's size). */
#define METASTORE_FILE_MAX (8 * 1024 * 1024)

/* One change of `annotate`: set key to value, or remove it (value NULL). */
struct metastore_change {
    char *key;         /* owned */
    const char *value; /* borrowed from the argument, NULL: remove */
};

/*
 * Writes `labels` ("KEY=VALUE", n of them) as labels.json into `dir`
 * (create's temporary state dir), mode 0600.
 */
int metastore_write_labels(const char *dir, char *const *labels, size_t n,
                           xo_err *err);

/*
 * Reads a container's labels and annotations as JSON objects (*labels_r,
 * *annotations_r: new references, put them).  A missing file is an empty
 * map (annotations before the first annotate; labels of a container made
 * before labels were kept); a file that is not an object of strings fails
 * naming it.
 */
int metastore_read(json_object **labels_r, json_object **annotations_r,
                   const char *root, const char *name, xo_err *err);

/*
 * `annotate`'s arguments, "KEY=VALUE" or "KEY-", into changes (*ch_r,
 * *n_r; free with metastore_changes_free).  Fails naming the argument
 * when it breaks metadata.h's rules, and when two name the same key.
 */
int metastore_parse_changes(struct metastore_change **ch_r, size_t *n_r,
                            char *const *args, size_t n_args, xo_err *err);
void metastore_changes_free(struct metastore_change *ch, size_t n);

/*
 * Applies `ch` to container `name`'s annotations, all or nothing: EPERM
 * when a key is one of its labels (set or removed), E2BIG when the result
 * breaks metadata.h's bounds, ENOENT when there is no such container.
 * Removing a key that is not there is not an error.
 */
int metastore_annotate(const char *root, const char *name,
                       const struct metastore_change *ch, size_t n,
                       xo_err *err);

/*
 * Takes container `name`'s annotations lock (blocking) and returns its fd
 * (close it to release), after checking the lock file is still the one in
 * the state dir (not one a destroy removed while we waited).  ENOENT when
 * the container's dir does not exist.
 */
int metastore_lock(const char *root, const char *name, xo_err *err);

#endif
