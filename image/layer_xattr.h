/*
 * layer_xattr.h: which extended attributes of a layer entry become the
 * root volume's.
 *
 * A layer records a file's xattrs as pax SCHILY.xattr.NAME (or
 * LIBARCHIVE.xattr.NAME) keys; the image spec says they SHOULD be carried.
 * Two kinds are not image content and are dropped, as umoci and
 * containerd drop them:
 * - host state: trusted.overlay.* (an overlayfs upper layer's opaque,
 *   redirect, metacopy, whiteout marks: the root volume is itself an
 *   overlay's lower layer in the domain, where such marks would hide or
 *   break files) and security.selinux (the build host's label);
 * - foreign names: outside Linux's user, trusted, security and system
 *   namespaces (macOS tar writes com.apple.provenance on every file), or
 *   a system.* name the file system has no handler for (system.nfs4_acl):
 *   no Linux file can hold them.
 */
#ifndef XL_OCI_IMAGE_LAYER_XATTR_H
#define XL_OCI_IMAGE_LAYER_XATTR_H

#include <stdbool.h>

enum layer_xattr_rule {
    LAYER_XATTR_KEEP,
    LAYER_XATTR_HOST_STATE,
    LAYER_XATTR_FOREIGN,
};

/* The rule for xattr `name` (NUL-terminated, as libarchive gives it). */
enum layer_xattr_rule layer_xattr_rule(const char *name);

/* True when a failure to set `name` with `errnum` means the name is
 * foreign to Linux file systems (EOPNOTSUPP for a system.* name), not
 * that this scratch tree cannot hold it. */
bool layer_xattr_foreign_error(const char *name, int errnum);

#endif
