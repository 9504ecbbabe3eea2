/* cmdtable.c: every xl-oci command, as xl's xl_cmdtable.c lists xl's. */
#include "xl_oci.h"

const struct cmd_spec cmd_table[] = {
    {"create", main_create, true,
     "Create a container domain from a config file", "[options] <ConfigFile>",
     "  -N, --dryrun           print the libxl domain config (JSON) and stop\n"
     "  -F                     stay in the foreground as the domain's monitor\n"
     "  -p                     leave the domain paused\n"
     "  -c                     attach to the console after creating\n"
     "  -k, --keep-broken      on failure keep DomainStatus (state broken)\n"
     "  --runtime-spec FILE    also write the OCI runtime spec (\"-\" = "
     "stdout)\n"
     "  --boot-spec FILE       also write the loader boot spec (FDT)\n"},
    {"list", main_list, false, "List container domains", "[--json]",
     "  --json   print a JSON array of DomainStatus objects\n"},
    {"status", main_status, false, "Show the DomainStatus of a domain",
     "[--json] <Name>", "  --json   print a JSON object\n"},
    {"logs", main_logs, false, "Print the console log of a domain",
     "[-f] [--tail N] <Name>",
     "  -f, --follow   keep printing until the domain halts\n"
     "  -n, --tail N   only the last N lines\n"},
    {"console", main_console, false,
     "Attach to a domain's console (Ctrl-] detaches)", "<Name>", NULL},
    {"stop", main_stop, false,
     "Stop a domain: its stop signal, grace, then force",
     "[-t SECONDS] "
     "<Name>",
     "  -t SECONDS   destroy the domain if it has not halted by then "
     "(default 30)\n"},
    {"destroy", main_destroy, false,
     "Remove a domain, its DomainStatus and its state directory", "<Name>",
     NULL},
    {"wait", main_wait, false,
     "Wait until a domain halts; exit with its container's exit code", "<Name>",
     NULL},
    {"monitor", main_monitor, false,
     "Run the monitor of a domain in the foreground (for debugging)", "<Name>",
     NULL},
    {"shutdown-action", main_shutdown_action, false,
     "Apply on_poweroff/on_reboot/on_crash to a domain that shut down (run "
     "by its monitor)",
     "<Name> <Domid> <Reason>",
     "  Reason is libxl's: poweroff, reboot, crash, watchdog, soft_reset\n"},
    {"pull", main_pull, false, "Pull an image and build its root volume",
     "[options] <REF>",
     "  REF is oci:DIR[:TAG] (an OCI image layout) or\n"
     "  docker://HOST[:PORT]/REPO[:TAG|@sha256:HEX] (a registry)\n"
     "  -q, --quiet          no progress output\n"
     "  --plain-http         talk HTTP, not HTTPS, to the registry\n"
     "  --tls-no-verify      do not verify the registry's certificate\n"
     "  --cert-dir DIR       extra CA certificates (*.crt) in DIR\n"
     "  --authfile FILE      credentials (auth.json / docker config.json)\n"
     "  --creds USER:PASS    credentials for this pull\n"
     "  --verify-key PEM     require a cosign signature by this key\n"
     "  --policy FILE        signature policy (keys per image name)\n"
     "  --allow-devices      create device nodes from layers (else: skip\n"
     "                       those in /dev, refuse the image for others)\n"},
    {"images", main_images, false, "List pulled images", "[--json]",
     "  --json   print a JSON array\n"},
    {"rmi", main_rmi, false, "Remove images", "<REF|sha256:DIGEST>...", NULL},
    {"prune", main_prune, false,
     "Remove root volumes and blobs no image or domain uses", "", NULL},
    {"help", main_help, false, "Print help for xl-oci or one command",
     "[COMMAND]", NULL},
    {"version", main_version, false, "Print the version of xl-oci", "", NULL},
};

const int cmd_table_size = sizeof(cmd_table) / sizeof(cmd_table[0]);
