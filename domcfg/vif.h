/*
 * vif.h: xl's vif syntax ("mac=..,bridge=..,ip=.."), which libxlutil does
 * not parse (xl does it in its own front end).  Keys we do not know are
 * refused rather than silently ignored.
 */
#ifndef XL_OCI_DOMCFG_VIF_H
#define XL_OCI_DOMCFG_VIF_H

#include "common/error.h"
#include "domain_config.h"

/* Parses one vif spec; on failure the message names the vif key at fault. */
int vif_parse(struct dc_vif *vif, const char *spec, xo_err *err);
void vif_dispose(struct dc_vif *vif);

/*
 * A MAC in Xen's OUI (00:16:3e) derived from the domain name and the vif
 * index, so a domain's guest side and libxl agree on it without libxl
 * choosing a random one at create time.  Fails only when libcrypto
 * cannot be opened for the SHA-256 (digest_sha256_bin()).
 */
int vif_default_mac(char out[18], const char *domain_name, unsigned index,
                    xo_err *err);

/* Checks "A.B.C.D" or "A.B.C.D/N" (N <= 32). */
bool vif_valid_ipv4(const char *s, bool allow_prefix);

#endif
