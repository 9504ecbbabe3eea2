/*
 * nft_rules.h: the definitions of xl-oci's nftables tables (nft_rules.c),
 * each a list of libnftables JSON objects (counter, set, map, chain, rule)
 * to which nft.c adds "family" and "table".
 */
#ifndef XL_OCI_NETBACK_NFT_RULES_H
#define XL_OCI_NETBACK_NFT_RULES_H

struct nb_nft_table {
    const char *family;
    const char *name;
    const char *const *objs; /* NULL-terminated */
};

/* Every table we own, terminated by an entry with family NULL. */
extern const struct nb_nft_table nb_nft_tables[];

#endif
