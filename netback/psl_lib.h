/*
 * psl_lib.h: libpsl (the Public Suffix List), opened on first use
 * (common/dlib.h), for a network name that is a top-level domain.
 *
 * A network's name is the DNS domain of its containers, and its dnsmasq
 * answers every name under it (NXDOMAIN for what it does not hold), so a
 * network named `dev` or `app` would hide every real name under that
 * top-level domain from its containers (helper-80).  The list's ICANN
 * section names every delegated top-level domain; libpsl reads the newest
 * of its built-in copy and Debian's publicsuffix package
 * (/usr/share/publicsuffix).
 */
#ifndef XL_OCI_NETBACK_PSL_LIB_H
#define XL_OCI_NETBACK_PSL_LIB_H

#include <stdbool.h>

#include "common/error.h"

/* 1 when `name` (one DNS label, lower case) is a top-level domain in the
 * ICANN section of the list (its wildcard rules not applied, so a label
 * the list does not name is not one), 0 when not; -1 with err set when
 * libpsl cannot be opened or has no list (EIO, naming the package). */
int nb_psl_is_tld(const char *name, xo_err *err);

#endif
