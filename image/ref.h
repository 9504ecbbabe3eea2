/*
 * ref.h: image references as users write them.
 *
 *   oci:DIR[:NAME]                        an OCI image layout directory
 *   oci-archive:FILE[:NAME]               ... in a tar file (skopeo's)
 *   docker-archive:FILE[:REF|:@N]         what `docker save` writes
 *   docker://HOST[:PORT]/REPO[:TAG]       a registry (OCI distribution API)
 *   docker://HOST[:PORT]/REPO@sha256:HEX  ... pinned by manifest digest
 *   sha256:HEX                            an image already in the store
 *
 * A layout's DIR ends at the first ':' (skopeo's rule), so NAME, the
 * image-spec's ref.name, may hold ':' and '/' ("app:v1"); without NAME
 * the layout's only image is meant, else the one named "latest".  An
 * archive's FILE ends there too.  A docker-archive's REF is one of its
 * images' RepoTags, written as `docker save` was given it ("app:v1",
 * "busybox" for busybox:latest), and @N its Nth image from 0 (skopeo's
 * syntax); without either, the archive must hold one image.
 *
 * A reference without a scheme is a registry reference.  Its first
 * component is a registry host only when it holds a ".", ":" or an
 * upper-case letter or is "localhost" (distribution's rule); otherwise the
 * name is on Docker Hub.  A host is a domain, an IPv4 address or a
 * bracketed IPv6 one, with an optional port; HOST/REPO is at most 255
 * bytes, Docker Hub's counted as docker.io/library/NAME.  Docker Hub's names
 * (docker.io, index.docker.io, registry-1.docker.io,
 * registry.hub.docker.com) all mean its endpoint REF_DEFAULT_REGISTRY, and
 * a one-component repository there is in "library/": "ubuntu",
 * "docker.io/ubuntu" and "index.docker.io/library/ubuntu" are one image,
 * docker://registry-1.docker.io/library/ubuntu:latest.  Every part is
 * checked against the distribution spec's grammar, so a reference can be
 * put into a URL or a file without escaping surprises.
 */
#ifndef XL_OCI_IMAGE_REF_H
#define XL_OCI_IMAGE_REF_H

#include <stdbool.h>

#include "common/error.h"
#include "verifier/digest.h"

#define REF_MAX_LEN 1024
#define REF_DEFAULT_REGISTRY "registry-1.docker.io"

enum image_ref_kind {
    IMAGE_REF_LAYOUT,
    IMAGE_REF_REGISTRY,
    IMAGE_REF_DIGEST,
    IMAGE_REF_OCI_ARCHIVE,
    IMAGE_REF_DOCKER_ARCHIVE,
};

/* Longest layout image name (ref.name) taken. */
#define REF_NAME_MAX_LEN 512

struct image_ref {
    enum image_ref_kind kind;
    char *dir;       /* layout: absolute directory; archive: absolute file */
    char *host;      /* registry: host[:port] */
    char *repo;      /* registry: repository path */
    char *tag;       /* layout or archive (NULL: none given: NAME, REF or @N),
                   or registry (NULL when pinned) */
    bool has_digest; /* registry pinned, or IMAGE_REF_DIGEST */
    struct digest digest;
    char *canonical; /* the normalised reference, used as the image name */
};

int image_ref_parse(struct image_ref *r, const char *s, xo_err *err);
void image_ref_dispose(struct image_ref *r);

/* Whether a and b name one image: the same text, or the same registry
 * reference once both are normalised ("busybox" and
 * "docker.io/library/busybox:latest"). */
bool image_ref_same_name(const char *a, const char *b);

#endif
