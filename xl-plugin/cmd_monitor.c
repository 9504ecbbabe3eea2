/* cmd_monitor.c: `xl-oci monitor NAME`, the monitor in the foreground. */
#include "monitor.h"
#include "xl_oci.h"

int main_monitor(int argc, char **argv)
{
    int opt;
    while ((opt = xo_getopt(argc, argv, "", NULL, "monitor", 1)) != -1)
        ;
    xo_err err = XO_ERR_INIT;
    if (monitor_run(xo_state_root(), argv[optind], &err) < 0)
        return xo_fail(&err);
    return XO_EXIT_OK;
}
