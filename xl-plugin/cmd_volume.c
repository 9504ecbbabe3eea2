/*
 * cmd_volume.c: `xl-oci volume create|ls|inspect|annotate|rm`, thin
 * commands over the store of managed volumes (image/volstore.h); the
 * data commands (resize, import, export) are cmd_volume_data.c.  `volume`
 * alone dispatches to the rows "volume SUB" of the command table, as
 * `network` does.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/json.h"
#include "common/json_build.h"
#include "common/table.h"
#include "common/pathfmt.h"
#include "image/volstore.h"
#include "xl-plugin/metastore.h"
#include "xl_oci.h"

int main_volume(int argc, char **argv)
{
    char name[64];
    if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "--help") == 0) {
        /* asked for: stdout; a usage error: stderr, as xl-oci alone */
        fprintf(
            argc < 2 ? stderr : stdout,
            "Usage: xl-oci volume create|ls|inspect|annotate|resize|rm|import|export [ARGS]\n\nManage volumes.  'xl-oci volume SUB --help' for a subcommand's options.\n");
        return argc < 2 ? XO_EXIT_USAGE : XO_EXIT_OK;
    }
    const struct cmd_spec *cmd =
        xo_path_fmt(name, sizeof(name), NULL, "volume %s", argv[1]) < 0
            ? NULL
            : cmd_find(name);
    if (!cmd || cmd->fn == main_volume) {
        fprintf(stderr, "xl-oci: unknown volume command '%s'\n", argv[1]);
        return XO_EXIT_USAGE;
    }
    optind = 0;
    return cmd->fn(argc - 1, argv + 1);
}

/* volstore_create_opts.say: a line of what create did. */
static void say_line(void *arg, const char *line)
{
    printf("%s: %s\n", (const char *)arg, line);
}

int main_volume_create(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"size", 1, NULL, 's'},   {"fs", 1, NULL, 'f'},
        {"format", 1, NULL, 'F'}, {"from", 1, NULL, 'p'},
        {"label", 1, NULL, 'l'},  {"content", 1, NULL, 'c'},
        {NULL, 0, NULL, 0}};
    struct volstore_create_opts o = {.say = say_line};
    char **labels = xo_xcalloc((size_t)argc + 1, sizeof(*labels));
    xo_err err = XO_ERR_INIT;
    int opt, rc = XO_EXIT_OK;
    /* rc first: after a bad value, no usage on top of its error */
    while (rc == XO_EXIT_OK && (opt = cmd_getopt(argc, argv, "", longopts,
                                                 "volume create", 1)) != -1) {
        switch (opt) {
        case 's':
            if (volstore_size_parse(&o.size, optarg, &err) < 0) {
                xo_err_wrap(&err, "--size");
                rc = cmd_fail(&err);
            }
            break;
        case 'f':
            o.fs_set = true;
            if (volstore_fs_from_string(&o.fs, optarg, &err) < 0)
                rc = cmd_fail(&err);
            break;
        case 'F':
            o.format_set = true;
            if (volstore_format_from_string(&o.format, optarg, &err) < 0)
                rc = cmd_fail(&err);
            break;
        case 'p':
            o.parent = optarg;
            break;
        case 'l':
            labels[o.n_labels++] = optarg;
            break;
        case 'c':
            o.seed = optarg;
            break;
        }
    }
    if (rc == XO_EXIT_OK && argc - optind == 1 && !o.size && !o.parent) {
        /* The one thing missing, said first: the usage line alone reads
         * as if the name were wrong. */
        fprintf(
            stderr,
            "xl-oci volume create: %s needs --size (a blank volume) or --from PARENT (a child of one)\n\n",
            argv[optind]);
        cmd_print_usage(cmd_find("volume create"), true);
        rc = XO_EXIT_USAGE;
    } else if (rc == XO_EXIT_OK && argc - optind != 1) {
        cmd_print_usage(cmd_find("volume create"), true);
        rc = XO_EXIT_USAGE;
    }
    if (rc == XO_EXIT_OK) {
        o.name = argv[optind];
        o.say_arg = (void *)o.name;
        o.labels = labels;
        struct volstore_record r;
        volstore_record_init(&r);
        if (volstore_create(&r, cmd_state_root(), &o, &err) < 0)
            rc = cmd_fail(&err);
        else
            printf("%s: created, %s, %llu bytes, file system %s\n", r.name,
                   volstore_format_to_string(r.format),
                   (unsigned long long)r.size, volstore_fs_to_string(r.fs));
        volstore_record_dispose(&r);
    }
    free(labels);
    return rc;
}

static void print_json(json_object *o)
{
    char *s = xo_json_to_string(o);
    fputs(s, stdout);
    free(s);
}

/* "a,b" of r's users ("-" when none), ":ro" after read-only ones. */
static void users_text(char *buf, size_t len, const struct volstore_record *r)
{
    size_t used = 0;
    /* may truncate: display text, cut at the buffer */
    snprintf(buf, len, "-");
    for (size_t i = 0; i < r->n_users && used + 8 < len; i++)
        /* may truncate: display text; the loop stops past the end */
        used += (size_t)snprintf(buf + used, len - used, "%s%s%s", i ? "," : "",
                                 r->users[i].container,
                                 r->users[i].read_only ? ":ro" : "");
}

int main_volume_ls(int argc, char **argv)
{
    bool json = cmd_json_option(argc, argv, "volume ls", 0);
    xo_err err = XO_ERR_INIT;
    char **names = NULL;
    size_t n = 0;
    if (volstore_list(&names, &n, cmd_state_root(), &err) < 0)
        return cmd_fail(&err);
    json_object *arr = json ? xo_jarr() : NULL;
    static const struct xo_table_col cols[] = {
        {"NAME", 20, false, 0},   {"FORMAT", 6, false, 0},
        {"SIZE", 14, true, 0},    {"FS", 5, false, 0},
        {"PARENT", 20, false, 0}, {"USERS", 0, false, 0},
    };
    struct xo_table table;
    xo_table_init(&table, cols, 6);
    int rc = XO_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        struct volstore_record r;
        volstore_record_init(&r);
        if (volstore_get(&r, cmd_state_root(), names[i], &err) < 0) {
            rc = cmd_fail(&err);
        } else if (json) {
            xo_jpush(arr, volstore_record_to_json(&r));
        } else {
            char users[256], size[24];
            users_text(users, sizeof(users), &r);
            /* cannot truncate: a 64-bit number in 24 bytes */
            snprintf(size, sizeof(size), "%llu", (unsigned long long)r.size);
            const char *row[] = {r.name,
                                 volstore_format_to_string(r.format),
                                 size,
                                 volstore_fs_to_string(r.fs),
                                 r.parent[0] ? r.parent : "-",
                                 users};
            xo_table_add(&table, row);
        }
        volstore_record_dispose(&r);
    }
    if (json) {
        print_json(arr);
        json_object_put(arr);
    } else {
        xo_table_print(&table, stdout);
    }
    xo_strv_free(names);
    return rc;
}

static void print_map(const char *title, json_object *m)
{
    /* The value column of the lines above: "annotations: " is 13 wide. */
    if (json_object_object_length(m) == 0)
        printf("%s:%*s-\n", title, 12 - (int)strlen(title), "");
    else
        printf("%s:\n", title);
    json_object_object_foreach (m, k, v)
        printf("  %s=%s\n", k, json_object_get_string(v));
}

int main_volume_inspect(int argc, char **argv)
{
    bool json = cmd_json_option(argc, argv, "volume inspect", 1);
    const char *root = cmd_state_root(), *name = argv[optind];
    xo_err err = XO_ERR_INIT;
    struct volstore_record r;
    volstore_record_init(&r);
    char path[4096], **kids = NULL;
    size_t nk = 0;
    if (volstore_get(&r, root, name, &err) < 0 ||
        volstore_path(path, sizeof(path), root, name,
                      volstore_data_name(r.format), &err) < 0 ||
        volstore_children(&kids, &nk, root, name, &err) < 0) {
        volstore_record_dispose(&r);
        return cmd_fail(&err);
    }
    /* One object, printed as JSON or as text, so the two agree. */
    json_object *o = volstore_record_to_json(&r), *ch = xo_jarr();
    xo_jset(o, "path", xo_jstr(path));
    for (size_t i = 0; i < nk; i++)
        xo_jpush(ch, xo_jstr(kids[i]));
    xo_jset(o, "children", ch);
    if (json) {
        print_json(o);
    } else {
        char users[1024];
        users_text(users, sizeof(users), &r);
        printf(
            "name:        %s\nformat:      %s\nsize:        %llu\nfs:          %s\nparent:      %s%s\ncreated:     %s\nchecksum:    %s%s\npath:        %s\nusers:       %s\n",
            r.name, volstore_format_to_string(r.format),
            (unsigned long long)r.size, volstore_fs_to_string(r.fs),
            r.parent[0] ? r.parent : "-",
            r.backed ? " (qcow2 backing file)" : "", r.created,
            r.has_checksum ? r.checksum.str : "-",
            r.has_checksum && r.modified ? " (written since)" : "", path,
            users);
        printf("children:    %s", nk ? "" : "-");
        for (size_t i = 0; i < nk; i++)
            printf("%s%s", i ? ", " : "", kids[i]);
        printf("\n");
        print_map("labels", r.labels);
        print_map("annotations", r.annotations);
    }
    json_object_put(o);
    xo_strv_free(kids);
    volstore_record_dispose(&r);
    return XO_EXIT_OK;
}

int main_volume_annotate(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "volume annotate", 2)) != -1)
        ;
    struct metastore_change *ch = NULL;
    size_t n = 0;
    xo_err err = XO_ERR_INIT;
    /* The grammar of a container's annotate (metadata.h), parsed once. */
    if (metastore_parse_changes(&ch, &n, argv + optind + 1,
                                (size_t)(argc - optind - 1), &err) < 0)
        return cmd_fail(&err);
    const char **keys = xo_xcalloc(n + 1, sizeof(*keys));
    const char **values = xo_xcalloc(n + 1, sizeof(*values));
    for (size_t i = 0; i < n; i++) {
        keys[i] = ch[i].key;
        values[i] = ch[i].value;
    }
    int rc = volstore_annotate(cmd_state_root(), argv[optind], keys, values, n,
                               &err);
    free(keys);
    free(values);
    metastore_changes_free(ch, n);
    return rc < 0 ? cmd_fail(&err) : XO_EXIT_OK;
}

int main_volume_rm(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "volume rm", 1)) != -1)
        ;
    xo_err err = XO_ERR_INIT;
    int rc = XO_EXIT_OK;
    /* Each name removed is said, as docker volume rm does: with one name
     * refused among several the admin sees which went. */
    for (int i = optind; i < argc; i++)
        if (volstore_remove(cmd_state_root(), argv[i], &err) < 0)
            rc = cmd_fail(&err);
        else
            printf("%s\n", argv[i]);
    return rc;
}
