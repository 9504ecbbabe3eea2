/*
 * volstore.h: managed volumes, the seeds' storage elements: block images
 * an admin creates (blank, from a parent, or imported), reads, changes
 * and deletes by name, and that app.cfg names in oci_volumes.  Not root
 * volumes (volume.h: EROFS images a pull builds); those are shared,
 * read-only and content-addressed, these are named, writable and owned.
 *
 * Layout, under the state root (one owner: this module spells it):
 *   storage/lock                  flock: exclusive while a command changes
 *                                 any volume (create, rm, resize, import,
 *                                 annotate, users), shared while export
 *                                 reads one; readers of records need none
 *   storage/volumes/<name>/       one volume, appearing by rename() only
 *                                 once complete
 *       volume.json               its record (volstore_record below),
 *                                 replaced whole (temp, fsync, rename)
 *       data.raw | data.qcow2     its disk image
 *   storage/volumes/.new-<name>.XXXXXX/   a create, import or removal
 *                                 in progress (or what a killed one
 *                                 left: the next create and prune remove
 *                                 it); names never begin with '.', so it
 *                                 is nobody's
 * The work directory sits beside the volumes so that a qcow2 child's
 * backing file, "../<parent>/data.<fmt>", names the parent from both.
 *
 * Rules (docs/decisions.md, "Managed volumes"):
 * - Names: 1 to VOLSTORE_NAME_MAX of [A-Za-z0-9_.-], beginning with a
 *   letter or digit (Docker's volume names); "tmpfs" is app.cfg's.
 * - Labels are fixed at create, annotations writable, a key in both
 *   refused; keys and values follow domcfg/metadata.h, as a container's.
 * - A volume with children (volumes made --from it) cannot be removed;
 *   one with qcow2 children backed by it is used read-only only, since a
 *   write would change what its children read.
 * - A volume in use by a container (its users) cannot be removed,
 *   resized or imported over; a parent in read-write use cannot give
 *   children (its data would be copied mid-write).
 */
#ifndef XL_OCI_IMAGE_VOLSTORE_H
#define XL_OCI_IMAGE_VOLSTORE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "verifier/digest.h"

#define VOLSTORE_NAME_MAX 64
/* Sizes: whole MiB (a size is rounded up to one), 1 MiB to 64 TiB. */
#define VOLSTORE_SIZE_UNIT (1024ULL * 1024)
#define VOLSTORE_SIZE_MAX (64ULL << 40)
/* Users: containers, at most this many per volume. */
#define VOLSTORE_MAX_USERS 256
#define VOLSTORE_RECORD "volume.json"
#define VOLSTORE_RECORD_VERSION 1
/* labels and annotations are bounded by metadata.h (256 KiB each). */
#define VOLSTORE_RECORD_MAX (1024 * 1024)

enum volstore_format { VOLSTORE_RAW, VOLSTORE_QCOW2 };
enum volstore_fs { VOLSTORE_FS_NONE, VOLSTORE_FS_EXT4, VOLSTORE_FS_XFS };

const char *volstore_format_to_string(enum volstore_format f);
int volstore_format_from_string(enum volstore_format *f_r, const char *s,
                                xo_err *err);
const char *volstore_fs_to_string(enum volstore_fs fs);
int volstore_fs_from_string(enum volstore_fs *fs_r, const char *s, xo_err *err);

/* 0 when `name` is a volume name (see above); else EINVAL saying why. */
int volstore_check_name(const char *name, xo_err *err);

/*
 * "SIZE": decimal digits with an optional K, M, G or T (powers of 1024,
 * either case, an optional trailing "iB"/"B"), none meaning bytes.
 * Rounded up to whole MiB; EINVAL for anything else, ERANGE outside 1 MiB
 * to VOLSTORE_SIZE_MAX.  *bytes_r is set on success only.
 */
int volstore_size_parse(uint64_t *bytes_r, const char *s, xo_err *err);

/* A container using a volume, and how (an app.cfg entry's ":ro"). */
struct volstore_user {
    char *container;
    bool read_only;
};

/*
 * A volume's record, volume.json:
 *   {"version": 1, "name": "data", "size": <bytes the guest sees>,
 *    "format": "raw"|"qcow2", "fs": "ext4"|"xfs"|"none",
 *    "parent": "base" (absent: none), "backed": true when the data is a
 *    qcow2 whose backing file is the parent's (the parent must then stay
 *    unchanged), "created": "2026-11-30T13:00:00Z",
 *    "checksum": "sha256:<hex>" of the data's bytes as last imported or
 *    exported (absent: never), "modified": true once written since,
 *    "labels": {..}, "annotations": {..},
 *    "users": [{"container": "web", "read_only": false}, ..],
 *    "owner": "web" (absent: none): the container an anonymous volume
 *    was made for (the image's Volumes), removed with it}
 * Init before use, dispose once (idempotent).
 */
struct volstore_record {
    char name[VOLSTORE_NAME_MAX + 1];
    uint64_t size;
    enum volstore_format format;
    enum volstore_fs fs;
    char parent[VOLSTORE_NAME_MAX + 1]; /* "" when none */
    bool backed;
    char created[32];
    bool has_checksum;
    struct digest checksum;
    bool modified;
    json_object *labels;      /* object of strings, owned */
    json_object *annotations; /* object of strings, owned */
    struct volstore_user *users;
    size_t n_users;
    char *owner; /* an anonymous volume's container, or NULL */
};

void volstore_record_init(struct volstore_record *r);
void volstore_record_dispose(struct volstore_record *r);

/* The record as JSON (a new object, put it), the form volume.json holds
 * and `volume inspect --json` prints. */
json_object *volstore_record_to_json(const struct volstore_record *r);

/*
 * Parses a record (`where` names it in errors): every field is checked,
 * "missing" and "wrong type" said apart, labels and annotations against
 * metadata.h, users bounded and unique.  *r_r is filled on success only
 * (init it first; it is disposed and replaced).
 */
int volstore_record_from_json(struct volstore_record *r_r, json_object *o,
                              const char *where, xo_err *err);

/* Reads and parses `path` (at most VOLSTORE_RECORD_MAX bytes). */
int volstore_record_read(struct volstore_record *r_r, const char *path,
                         xo_err *err);
/* Writes `r` to `path` atomically (temp file, fsync, rename), 0600. */
int volstore_record_write(const char *path, const struct volstore_record *r,
                          xo_err *err);

/* "data.raw" or "data.qcow2": a volume's disk image in its directory. */
const char *volstore_data_name(enum volstore_format f);

/*
 * Paths of the layout above into buf[len] (ENAMETOOLONG when they do not
 * fit); `name` is checked first (EINVAL).  `file` NULL: the directory.
 */
int volstore_path(char *buf, size_t len, const char *root, const char *name,
                  const char *file, xo_err *err);
/* "<root>/storage/volumes" into buf[len]. */
int volstore_dir(char *buf, size_t len, const char *root, xo_err *err);

/* Takes storage/lock (making storage/volumes/ when missing); returns the
 * fd, close it to release. */
int volstore_lock(const char *root, bool exclusive, xo_err *err);

/*
 * For `xl-oci prune`: removes the work directories (.new-NAME.XXXXXX)
 * that volume creates, imports and removals cut short left, counted into
 * *removed_r and their bytes into *bytes_r.  Only while no volume command
 * holds storage/lock, tried without waiting (an import or export of a
 * large image holds it long): held, nothing goes, since a work directory
 * may then be a running command's, and *busy_r is true when there is
 * one.  A root without a volume store has nothing to remove.
 */
int volstore_prune(const char *root, size_t *removed_r, uint64_t *bytes_r,
                   bool *busy_r, xo_err *err);

/*
 * Reads volume `name`'s record.  ENOENT "no volume named ..." when there
 * is none; a broken record fails naming its file and field.
 */
int volstore_get(struct volstore_record *r_r, const char *root,
                 const char *name, xo_err *err);

/* The names of all volumes, sorted (NULL-terminated, free with
 * xo_strv_free); work directories are skipped. */
int volstore_list(char ***names_r, size_t *n_r, const char *root, xo_err *err);

/* Names of the volumes whose record names `parent` (sorted, owned vector,
 * NULL-terminated). */
int volstore_children(char ***names_r, size_t *n_r, const char *root,
                      const char *parent, xo_err *err);

/* What `volume create` makes. */
struct volstore_create_opts {
    const char *name;
    uint64_t size; /* bytes; 0 with a parent: the parent's size */
    enum volstore_format format;
    bool format_set; /* else: raw, or a qcow2 parent's format */
    enum volstore_fs fs;
    bool fs_set;        /* else: none, or the parent's */
    const char *parent; /* NULL: blank */
    const char *owner;  /* an anonymous volume's container, or NULL */
    /* A directory whose content fills a new raw ext4 volume (mke2fs -d:
     * files, owners, modes, xattrs), its root taking the directory's
     * owner and mode, without lost+found: an anonymous volume gets the
     * image's content at its path, as Docker copies it.  NULL: blank. */
    const char *seed;
    char *const *labels; /* "KEY=VALUE", n_labels of them */
    size_t n_labels;
    /* Progress and how the data was made ("reflink", "copied ..."), or
     * NULL for none. */
    void (*say)(void *arg, const char *line);
    void *say_arg;
};

/*
 * Creates a volume under the store lock: EEXIST "volume NAME exists" when
 * the name is taken (concurrent creates of one name: the first wins, the
 * others get EEXIST), ENOENT for an unknown parent, EBUSY when the parent
 * is not usable (in read-write use by the containers named), EINVAL for a
 * combination that cannot be made (a size smaller than the parent's, a
 * file system other than the parent's).  Nothing is left on failure.
 */
int volstore_create(struct volstore_record *r_r, const char *root,
                    const struct volstore_create_opts *o, xo_err *err);

/*
 * Imports the disk image FILE (`format`; a raw image's file system is
 * read from its superblock unless `fs_set`) as a new volume: copied
 * (holes kept) while hashing, a qcow2 checked with qemu-img to have no
 * backing file (which could name any host file).  With `expect` the copy
 * must hash to it (else EBADMSG and nothing is kept).  The sha256 is
 * recorded as the volume's checksum.  Errors as volstore_create's.
 */
struct volstore_import_opts {
    const char *name;
    const char *file;
    enum volstore_format format;
    enum volstore_fs fs;
    bool fs_set;
    const struct digest *expect; /* or NULL */
    char *const *labels;
    size_t n_labels;
};
int volstore_import(struct volstore_record *r_r, const char *root,
                    const struct volstore_import_opts *o, xo_err *err);

/*
 * Writes volume `name`'s disk image to `file` (a new file, made by
 * rename; an existing one is refused with EEXIST): its bytes, or for a
 * qcow2 child a standalone qcow2 without its backing file.  When the
 * record has a checksum and the volume was not written since, the bytes
 * must hash to it (EBADMSG, "does not match its recorded checksum").
 * Records and returns the sha256 of what was written.
 */
int volstore_export(struct digest *sum_r, const char *root, const char *name,
                    const char *file, xo_err *err);

/*
 * Grows volume `name` to `size` bytes (a smaller size is EINVAL, a volume
 * in use EBUSY naming its users).  The disk grows; a raw ext4 volume's
 * file system grows with it (e2fsck, resize2fs); others grow theirs when
 * mounted (*fs_grown_r false).
 */
int volstore_resize(const char *root, const char *name, uint64_t size,
                    bool *fs_grown_r, xo_err *err);

/*
 * Removes volume `name`: EBUSY naming its users while containers use it,
 * naming its children while volumes were made from it.
 */
int volstore_remove(const char *root, const char *name, xo_err *err);

/*
 * Sets (value non-NULL) or removes (value NULL) annotations, all or
 * nothing: EPERM when a key is a label, E2BIG past metadata.h's bounds.
 */
int volstore_annotate(const char *root, const char *name,
                      const char *const *keys, const char *const *values,
                      size_t n, xo_err *err);

/*
 * Users: `container` starts using volume `name` (read-only or not), or
 * stops.  add fails EBUSY when `name` must be used read-only (qcow2
 * children are backed by it) and read_only is false, and when another
 * container uses it read-write or this one would while others use it
 * (one writer, or readers only: a block file system is not shared).
 * Adding a user already there updates its mode; removing one not there
 * is not an error.  Adding a read-write user marks the data modified.
 */
int volstore_user_add(const char *root, const char *name, const char *container,
                      bool read_only, xo_err *err);
int volstore_user_remove(const char *root, const char *name,
                         const char *container, xo_err *err);

/*
 * A read-only use of a qcow2 volume goes through an overlay of its own
 * (volstore_reader.c says why): "<volume dir>/reader-<container>.qcow2",
 * a qcow2 backed by the volume's data.  _path puts that path in buf[len];
 * _make creates it (replacing a leftover), EINVAL for a raw volume;
 * _remove deletes it (none is not an error).  volstore_user_remove and
 * volstore_release remove the overlay with the use.
 */
int volstore_reader_path(char *buf, size_t len, const char *root,
                         const char *name, const char *container, xo_err *err);
int volstore_reader_make(const char *root, const char *name,
                         const char *container, xo_err *err);
int volstore_reader_remove(const char *root, const char *name,
                           const char *container, xo_err *err);

/*
 * `container` is gone (destroy, or a create that failed): it is removed
 * from every volume's users, and the anonymous volumes it owned are
 * removed, or with `keep` kept as ordinary volumes (their owner
 * cleared).  One it owned that others use or have children of stays,
 * owner cleared.  What is removed and kept is told through `say` (NULL
 * for nothing).
 */
int volstore_release(const char *root, const char *container, bool keep,
                     void (*say)(void *arg, const char *line), void *say_arg,
                     xo_err *err);

/*
 * Formats blank volume `name` (file system none, raw, no other users) as
 * ext4 and records it: the ":mkfs" of an oci_volumes entry, asked for in
 * app.cfg.  EINVAL for a qcow2 (formatted at create: --fs) and for a
 * volume that has a file system already.
 */
int volstore_mkfs(const char *root, const char *name, xo_err *err);

/*
 * Whether volume `r` is as `volume create --fs ext4` made it: raw, ext4,
 * never used read-write, no parent, not imported, no user.  Such a
 * volume holds nothing but an empty file system.
 */
bool volstore_fresh_ext4(const struct volstore_record *r);

/*
 * Formats volume `name` again as ext4 holding the tree `seed` (its root
 * taking seed's owner and mode, no lost+found), when it is blank (file
 * system none, as volstore_mkfs takes it) or fresh (volstore_fresh_ext4),
 * both checked under the store's lock: Docker copies an image's files
 * into an empty named volume at its first use, and an image's data
 * directory (postgres's, owned by its user, 0700) must not become a bare
 * root-owned ext4 with lost+found, which initdb refuses.  1 when it was
 * formatted, 0 when the volume is neither (left as it is), -1 with err.
 */
int volstore_seed(const char *root, const char *name, const char *seed,
                  xo_err *err);

#endif
