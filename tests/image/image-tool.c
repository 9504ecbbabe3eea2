/*
 * image-tool.c: a stand-in `xl-oci` with only the image commands, used by
 * tests/tiers/60-image.sh when build/xl-oci does not list them yet.  It
 * shares the real handlers (xl-plugin/cmd_image.c) and option helpers.
 *   usage: xl-oci-image [--root DIR] COMMAND [ARGS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"

#include "xl-plugin/xl_oci.h"

int main_pull(int argc, char **argv);
int main_images(int argc, char **argv);
int main_rmi(int argc, char **argv);
int main_prune(int argc, char **argv);

/* resolve REF: image_resolve_root_volume(), as `oci_image = "REF"` does. */
static int main_resolve(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: xl-oci-image resolve REF\n");
        return XO_EXIT_USAGE;
    }
    xo_err err = XO_ERR_INIT;
    char *dir = NULL;
    if (image_resolve_root_volume(cmd_state_root(), argv[1], true, &dir, &err) <
        0)
        return cmd_fail(&err);
    printf("%s\n", dir);
    free(dir);
    return XO_EXIT_OK;
}

const struct cmd_spec cmd_table[] = {
    {"pull", main_pull, false, "Pull an image and build its root volume",
     "[options] <REF>", NULL},
    {"images", main_images, false, "List pulled images", "[--json]", NULL},
    {"rmi", main_rmi, false, "Remove images", "[-f] <REF>...", NULL},
    {"prune", main_prune, false,
     "Remove root volumes and blobs no image or domain uses", "", NULL},
    {"resolve", main_resolve, false,
     "Print the root volume of an image, pulling it if needed", "<REF>", NULL},
};
const int cmd_table_size = sizeof(cmd_table) / sizeof(cmd_table[0]);

int main(int argc, char **argv)
{
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "--root")) {
        cmd_set_state_root(argv[i + 1]);
        i += 2;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: xl-oci-image [--root DIR] COMMAND ...\n");
        return XO_EXIT_USAGE;
    }
    const struct cmd_spec *c = cmd_find(argv[i]);
    if (!c) {
        fprintf(stderr, "xl-oci-image: unknown command %s\n", argv[i]);
        return XO_EXIT_USAGE;
    }
    return c->fn(argc - i, argv + i);
}
