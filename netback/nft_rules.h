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

/* The object added last to the layout of our tables (kind "set" or
 * "map"): tables without it were made by an older xl-oci. */
struct nb_nft_object {
    const char *kind, *family, *table, *name;
};
extern const struct nb_nft_object nb_nft_newest;

/* A sentinel element (libnftables JSON text, as added and as deleted) of
 * a set or map in one of our tables: nft.c adds and deletes it again in a
 * vif's transaction, which then fails, changing nothing, if that object
 * is missing.  nb_nft_probes holds one per table a vif's own elements do
 * not touch (bridge xl_oci's sets are touched by every vif), the last
 * being nb_nft_newest; terminated by an entry with family NULL. */
struct nb_nft_probe {
    const char *family, *table, *name, *add_elem, *del_elem;
};
extern const struct nb_nft_probe nb_nft_probes[];

/* The forwarding guards of table inet xl_oci (counter guard4/guard6 and
 * its rule), NULL-terminated; forwarding.h says when they exist. */
extern const char *const nb_nft_guard4[];
extern const char *const nb_nft_guard6[];

/* The ND target check in table bridge xl_oci: the declaration of set
 * vif_nd_target (nft text: libnftables 1.0.6's JSON cannot declare it)
 * and the rule of chain nd_target that uses it (JSON, NULL-terminated).
 * Made after the table, as nft.c says. */
extern const char nb_nft_nd_set_text[];
extern const char *const nb_nft_nd_objs[];

#endif
