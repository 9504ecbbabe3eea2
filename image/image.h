/*
 * image.h: the image library behind `xl-oci pull/images/rmi/prune` and
 * `oci_image = "REF"` in app.cfg.
 *
 * State lives under a root directory (the global --root, default
 * /var/lib/xl-oci):
 *   blobs/sha256/<hex>           verified blobs (manifests, configs, layers)
 *   volumes/sha256/<hex>/        one root volume per manifest digest
 *                                (or per bundle rootfs key,
 *                                bundle_rootfs.h: bundle.json instead of
 *                                manifest.json and volume.json):
 *       image-config.json        exact bytes of the config blob
 *       manifest.json            exact bytes of the image manifest
 *       rootfs.erofs             the read-only rootfs (mkfs.erofs), the
 *                                same bytes for the same manifest on
 *                                any host
 *       volume.json              the volume's record: manifest digest,
 *                                sha256 and size of rootfs.erofs
 *                                (volume_record.h)
 *       passwd, group            copies of the rootfs's /etc/passwd, group
 *   refs/<sha256 of the name>.json  image name -> manifest digest
 *   policy.json                  optional signature policy (signature.h)
 *   tmp/                         work in progress, partial downloads
 *   lock                         flock: shared while pulling, exclusive
 *                                while removing or pruning
 * A root volume directory appears only by rename() once complete.
 */
#ifndef XL_OCI_IMAGE_IMAGE_H
#define XL_OCI_IMAGE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "verifier/digest.h"

#define IMAGE_VOLUME_CONFIG "image-config.json"
#define IMAGE_VOLUME_MANIFEST "manifest.json"
#define IMAGE_VOLUME_ROOTFS "rootfs.erofs"
#define IMAGE_VOLUME_PASSWD "passwd"
#define IMAGE_VOLUME_GROUP "group"
#define IMAGE_POLICY_FILE "policy.json"

/* One layer's download, as image_pull_opts.bytes reports it. */
struct image_pull_blob {
    struct digest digest;
    int64_t size; /* bytes the manifest declares */
    int64_t done; /* bytes stored so far (size once stored) */
};

struct image_pull_bytes {
    size_t n; /* layers, in manifest order */
    const struct image_pull_blob *blobs;
    int64_t size, done; /* over all layers */
    bool final;         /* the last report: every layer is stored */
};

struct image_pull_opts {
    /* registry transport */
    bool plain_http;       /* http:// instead of https:// */
    bool tls_no_verify;    /* accept any certificate (tests only) */
    const char *cert_dir;  /* extra CA certificates (*.crt) */
    const char *auth_file; /* containers auth.json / docker config.json */
    const char *creds;     /* "user:password", overrides auth_file */
    /* signatures (image/signature.h) */
    const char *verify_key;  /* PEM public key: require a cosign signature */
    const char *policy_file; /* else <root>/policy.json when present */
    /* unpack */
    bool allow_devices;
    uint64_t max_entries; /* 0: default */
    uint64_t max_bytes;   /* 0: default */
    /* progress lines ("fetching sha256:.. 12.3 MB"), NULL for none */
    void (*progress)(void *arg, const char *line);
    /* warnings worth a line even when quiet (device nodes skipped in the
     * image's /dev), NULL for none; both get progress_arg */
    void (*warn)(void *arg, const char *line);
    /* byte counts per layer and overall while layers download, about five
     * times a second from one thread, NULL for none; gets progress_arg */
    void (*bytes)(void *arg, const struct image_pull_bytes *b);
    void *progress_arg;
};

struct image_info {
    char *name;             /* canonical reference */
    struct digest manifest; /* the image manifest */
    bool has_index;         /* resolved through an index / manifest list */
    struct digest index;
    char *volume_dir;            /* root volume directory */
    int64_t rootfs_size;         /* bytes of rootfs.erofs, -1 if unknown */
    bool has_rootfs_digest;      /* the volume records it (volume_record.h) */
    struct digest rootfs_digest; /* sha256 of rootfs.erofs */
    int64_t pulled;              /* seconds since the epoch */
};

void image_info_dispose(struct image_info *info);

/*
 * Pulls `ref` (see ref.h for the forms) into the store under `root` and
 * builds its root volume; *info_r (optional) describes the result.
 */
int image_pull(const char *root, const char *ref,
               const struct image_pull_opts *opts, struct image_info *info_r,
               xo_err *err);

/*
 * All named images, sorted by name.  A name record that cannot be read
 * (refstore.h) does not hide the others: its message (the file and why)
 * goes into *damaged_r (an array of *n_damaged_r strings, the caller
 * frees each and the array) when damaged_r is not NULL.
 */
int image_list(const char *root, struct image_info **list_r, size_t *n_r,
               char ***damaged_r, size_t *n_damaged_r, xo_err *err);
void image_list_free(struct image_info *list, size_t n);

/*
 * Which root volumes the caller's domains use.  The image library does not
 * know how domains keep their state; whoever owns that layout (xl-oci's
 * state.c) hands each state file that may name a volume to `note` as text
 * (a volume path, "volumes/sha256/<hex>" anywhere in it, or a bare digest)
 * with the name of the domain it is of (for messages), and returns 0, or
 * -1 with err set.  NULL: no domain uses anything.
 */
typedef void (*image_note_fn)(void *note_ctx, const char *user,
                              const char *text);
typedef int (*image_in_use_fn)(void *opaque, image_note_fn note, void *note_ctx,
                               xo_err *err);
/*
 * The lock that keeps the domains' state still while rmi or prune decide
 * (xl-oci's state lock): taken after the store's own lock (lock.h gives
 * the order), returns an fd the library closes when done, or -1 with err
 * set.  NULL: nothing to hold.
 */
typedef int (*image_hold_fn)(void *opaque, xo_err *err);

struct image_users {
    image_in_use_fn in_use;
    void *opaque;
    image_hold_fn hold;
};

/*
 * Removes the name `ref` (or, for "sha256:HEX", every name of that image)
 * and the root volume when no name is left.  As docker rmi, the last name
 * of an image a domain uses (as `users` tells), or its digest, is refused
 * with EBUSY naming the domain, unless `force`; then the names go and the
 * volume is kept while a domain uses it (see image_prune).
 */
int image_remove(const char *root, const char *ref,
                 const struct image_users *users, bool force, xo_err *err);

struct image_prune_stats {
    size_t volumes_removed;
    size_t blobs_removed;
    uint64_t bytes_freed;
    size_t damaged_records;   /* name records that could not be read: what
                               only they named was pruned */
    size_t leftovers_removed; /* what killed pulls left in tmp/ */
};

/*
 * Removes root volumes no name and no domain uses (as `users` tells; NULL:
 * none), then blobs no remaining volume or name refers to, then leftovers
 * in tmp/.
 */
int image_prune(const char *root, const struct image_users *users,
                struct image_prune_stats *stats_r, xo_err *err);

/*
 * The root volume for `ref` (a name, or "sha256:HEX") in the store,
 * without pulling: 1 with *dir_r (the caller's), 0 when a name's volume is
 * not there, or damaged unless `damage_is_error` (a pull makes it again),
 * -1 with err (a digest not in the store, a damaged digest's volume, a
 * bad reference; a name's damaged volume or record with
 * `damage_is_error`, saying what differs).  It takes no lock: a caller
 * that must keep the volume holds the state lock, which prune waits for.
 */
int image_find_root_volume(const char *root, const char *ref,
                           bool damage_is_error, char **dir_r, xo_err *err);

/*
 * The root volume for `ref` (a name, or "sha256:HEX"), pulling it first
 * with default options when the name is not in the store and `may_pull`
 * (else ENOENT, saying so: a dry run changes no store).  *dir_r is owned
 * by the caller.
 */
int image_resolve_root_volume(const char *root, const char *ref, bool may_pull,
                              char **dir_r, xo_err *err);

#endif
