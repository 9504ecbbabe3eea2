/* registry.c: the OCI distribution API source (see source.h). */
#include <errno.h>

#include "image.h"
#include "source.h"

int registry_source_new(struct image_source **src_r, const char *host,
                        const char *repo, const char *tag,
                        const struct digest *pinned,
                        const struct image_pull_opts *opts, xo_err *err)
{
    (void)src_r;
    (void)tag;
    (void)pinned;
    (void)opts;
    return xo_err_set(err, ENOTSUP, "registry %s/%s: not supported yet",
                      host, repo);
}
