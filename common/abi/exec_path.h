/*
 * exec_path.h: the search path for an entrypoint given without a '/' when
 * its environment has no PATH.  The loader's exec (loader/xen-tools/run.c),
 * xl-oci-runc's check of the entrypoint before a domain is built
 * (xl-plugin/runc_entrypoint.h) and app.cfg's default environment
 * (domcfg/merge.c) must agree on it: it is the list runc's and Docker's
 * default specs set, the one execvp(3) callers in containers expect.
 */
#ifndef XL_OCI_COMMON_ABI_EXEC_PATH_H
#define XL_OCI_COMMON_ABI_EXEC_PATH_H

#define XO_EXEC_DEFAULT_PATH                                                   \
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#endif
