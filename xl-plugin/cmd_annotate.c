/*
 * cmd_annotate.c: `xl-oci annotate NAME KEY=VALUE... [KEY-]...`: sets and
 * removes a container's writable annotations, all of them or none
 * (metastore.h).  Keys and values follow domcfg/metadata.h; a key that is
 * one of the container's labels is refused, as the seeds' task API says
 * of its rwUser map.
 */
#include <stdio.h>

#include "journal.h"
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
    if (rc == 0) {
        /* The keys changed ("KEY=" set, "KEY-" removed), without their
         * values: annotations may hold anything their owner keeps there. */
        struct event_record ev;
        journal_record_init(&ev, EVENT_ANNOTATED, name);
        char detail[EVENT_TEXT_MAX + 1] = "";
        size_t used = 0;
        for (size_t i = 0; i < n; i++) {
            /* may truncate: the journal keeps at most EVENT_TEXT_MAX */
            int w =
                snprintf(detail + used, sizeof(detail) - used, "%s%s%s",
                         used ? " " : "", ch[i].key, ch[i].value ? "=" : "-");
            if (w < 0 || (size_t)w >= sizeof(detail) - used)
                break;
            used += (size_t)w;
        }
        journal_set_text(ev.detail, detail);
        journal_emit(cmd_state_root(), &ev);
    }
    metastore_changes_free(ch, n);
    return rc < 0 ? cmd_fail(&err) : XO_EXIT_OK;
}
