/*
 * bootspec.h: the boot spec as the loader's init sees it (docs/boot-spec.md).
 *
 * The blob comes from the host and is treated as hostile: it is checked
 * with fdt_check_full(), every limit of the format is enforced, every
 * string must end inside its property, every number must be exactly one
 * cell.  The parsed struct points into the blob it owns, so one free
 * releases everything.
 */
#ifndef XL_OCI_LOADER_BOOTSPEC_H
#define XL_OCI_LOADER_BOOTSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/abi/boot_spec.h"
#include "common/error.h"

/* The format's limits (common/abi/boot_spec.h) under the reader's names. */
#define BS_MAX_BLOB BOOT_SPEC_MAX_BLOB
#define BS_MAX_ARGS BOOT_SPEC_MAX_ARGS
#define BS_MAX_ENV BOOT_SPEC_MAX_ENV
#define BS_MAX_STR BOOT_SPEC_MAX_STR
#define BS_MAX_MOUNTS BOOT_SPEC_MAX_MOUNTS
#define BS_MAX_IFACES BOOT_SPEC_MAX_IFACES
#define BS_MAX_DNS BOOT_SPEC_MAX_DNS

struct bs_mount {
    const char *device;
    const char *target;
    const char *fstype;
    const char *options;
    bool read_only;
};

struct bs_iface {
    const char *mac;
    const char *address; /* NULL: link up only */
    const char *gateway; /* NULL: no default route */
};

struct boot_spec {
    void *blob; /* owned; every pointer below points into it */
    const char *args[BS_MAX_ARGS + 1]; /* NULL-terminated */
    size_t nargs;
    const char *env[BS_MAX_ENV + 1]; /* NULL-terminated */
    size_t nenv;
    const char *cwd;
    const char *user;
    uint32_t stop_signal;
    uint32_t stop_timeout;
    const char *hostname;
    const char *root_device;
    const char *root_fstype;
    const char *wr_type; /* "tmpfs" or "disk" */
    const char *wr_size; /* NULL when absent */
    const char *wr_device;
    const char *wr_fstype;
    struct bs_mount mounts[BS_MAX_MOUNTS];
    size_t nmounts;
    bool has_network;
    const char *dns[BS_MAX_DNS + 1]; /* NULL-terminated */
    size_t ndns;
    struct bs_iface ifaces[BS_MAX_IFACES];
    size_t nifaces;
};

/* Reads and parses the blob at `path`; on success fills *spec (owned). */
int boot_spec_load(struct boot_spec *spec, const char *path, xo_err *err);

/* Parses `len` bytes (copied); for tests and boot_spec_load(). */
int boot_spec_parse(struct boot_spec *spec, const void *buf, size_t len,
                    xo_err *err);

/* Frees what *spec owns; safe on a zeroed or already freed spec. */
void boot_spec_free(struct boot_spec *spec);

#endif
