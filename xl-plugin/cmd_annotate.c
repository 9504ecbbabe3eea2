/*
 * cmd_annotate.c: `xl-oci annotate NAME KEY=VALUE... [KEY-]...`: sets and
 * removes a container's writable annotations, all of them or none
 * (metastore.h).  Keys and values follow domcfg/metadata.h; a key that is
 * one of the container's labels is refused, as the seeds' task API says
 * of its rwUser map.
 */
#include "metastore.h"
#include "xl_oci.h"

int main_annotate(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "annotate", 2)) != -1)
        ;
    const char *name = argv[optind];
    struct metastore_change *ch = NULL;
    size_t n = 0;
    xo_err err = XO_ERR_INIT;
    if (metastore_parse_changes(&ch, &n, argv + optind + 1,
                                (size_t)(argc - optind - 1), &err) < 0)
        return cmd_fail(&err);
    int rc = metastore_annotate(cmd_state_root(), name, ch, n, &err);
    metastore_changes_free(ch, n);
    return rc < 0 ? cmd_fail(&err) : XO_EXIT_OK;
}
