/* cmd_monitor.c: `xl-oci monitor NAME`, the monitor in the foreground. */
#include "monitor_spawn.h"
#include "xl_oci.h"

int main_monitor(int argc, char **argv)
{
    int opt;
    while ((opt = cmd_getopt(argc, argv, "", NULL, "monitor", 1)) != -1)
        ;
    xo_err err = XO_ERR_INIT;
    monitor_exec(cmd_state_root(), argv[optind], false, &err);
    return cmd_fail(&err);
}
