/*
 * cmd_volume_data.c: `xl-oci volume resize|import|export`, the commands
 * that move or grow a volume's data (image/volstore.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "image/volstore.h"
#include "xl_oci.h"

int main_volume_resize(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "volume resize", 2)) != -1)
        ;
    if (argc - optind != 2) {
        cmd_print_usage(cmd_find("volume resize"), true);
        return XO_EXIT_USAGE;
    }
    xo_err err = XO_ERR_INIT;
    uint64_t size;
    bool grown = false;
    const char *name = argv[optind];
    if (volstore_size_parse(&size, argv[optind + 1], &err) < 0 ||
        volstore_resize(cmd_state_root(), name, size, &grown, &err) < 0)
        return cmd_fail(&err);
    printf(
        "%s: %llu bytes%s\n", name, (unsigned long long)size,
        grown
            ? ", file system grown"
            : "; a file system on it grows when grown in the container (resize2fs, xfs_growfs)");
    return XO_EXIT_OK;
}

int main_volume_import(int argc, char **argv)
{
    static const struct option longopts[] = {{"format", 1, NULL, 'F'},
                                             {"fs", 1, NULL, 'f'},
                                             {"sha256", 1, NULL, 'd'},
                                             {"label", 1, NULL, 'l'},
                                             {NULL, 0, NULL, 0}};
    struct volstore_import_opts o = {.format = VOLSTORE_RAW};
    struct digest expect;
    char **labels = xo_xcalloc((size_t)argc + 1, sizeof(*labels));
    xo_err err = XO_ERR_INIT;
    int opt, rc = XO_EXIT_OK;
    /* rc first: after a bad value, no usage on top of its error */
    while (rc == XO_EXIT_OK && (opt = cmd_getopt(argc, argv, "", longopts,
                                                 "volume import", 2)) != -1) {
        switch (opt) {
        case 'F':
            if (volstore_format_from_string(&o.format, optarg, &err) < 0)
                rc = cmd_fail(&err);
            break;
        case 'f':
            o.fs_set = true;
            if (volstore_fs_from_string(&o.fs, optarg, &err) < 0)
                rc = cmd_fail(&err);
            break;
        case 'd':
            if (digest_parse(&expect, optarg, &err) < 0)
                rc = cmd_fail(&err);
            o.expect = &expect;
            break;
        case 'l':
            labels[o.n_labels++] = optarg;
            break;
        }
    }
    if (rc == XO_EXIT_OK && argc - optind != 2) {
        cmd_print_usage(cmd_find("volume import"), true);
        rc = XO_EXIT_USAGE;
    }
    if (rc == XO_EXIT_OK) {
        o.name = argv[optind];
        o.file = argv[optind + 1];
        o.labels = labels;
        struct volstore_record r;
        volstore_record_init(&r);
        if (volstore_import(&r, cmd_state_root(), &o, &err) < 0)
            rc = cmd_fail(&err);
        else
            printf("%s: imported, %s, %llu bytes, file system %s, %s\n", r.name,
                   volstore_format_to_string(r.format),
                   (unsigned long long)r.size, volstore_fs_to_string(r.fs),
                   r.checksum.str);
        volstore_record_dispose(&r);
    }
    free(labels);
    return rc;
}

int main_volume_export(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "volume export", 2)) != -1)
        ;
    if (argc - optind != 2) {
        cmd_print_usage(cmd_find("volume export"), true);
        return XO_EXIT_USAGE;
    }
    xo_err err = XO_ERR_INIT;
    struct digest sum;
    if (volstore_export(&sum, cmd_state_root(), argv[optind], argv[optind + 1],
                        &err) < 0)
        return cmd_fail(&err);
    printf("%s  %s\n", digest_hex(&sum), argv[optind + 1]);
    return XO_EXIT_OK;
}
