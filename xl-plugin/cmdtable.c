/* cmdtable.c: every xl-oci command, as xl's xl_cmdtable.c lists xl's. */
#include "xl_oci.h"

const struct cmd_spec cmd_table[] = {
    {"create", main_create, true,
     "Create a container domain from a config file",
     "[options] <ConfigFile>",
     "  -N, --dryrun           print the libxl domain config (JSON) and stop\n"
     "  --runtime-spec FILE    also write the OCI runtime spec (\"-\" = "
     "stdout)\n"
     "  --boot-spec FILE       also write the loader boot spec (FDT)\n"},
    {"help", main_help, false, "Print help for xl-oci or one command",
     "[COMMAND]", NULL},
    {"version", main_version, false, "Print the version of xl-oci", "",
     NULL},
};

const int cmd_table_size = sizeof(cmd_table) / sizeof(cmd_table[0]);
