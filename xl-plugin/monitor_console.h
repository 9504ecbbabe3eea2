/*
 * monitor_console.h: the Xen monitor's console log.  The monitor is the
 * one reader of the domain's console pty (two readers would split its
 * output); it appends what it reads to the console log
 * (console_log.h).
 */
#ifndef XL_OCI_XL_PLUGIN_MONITOR_CONSOLE_H
#define XL_OCI_XL_PLUGIN_MONITOR_CONSOLE_H

#include <stddef.h>

#include "common/xs_client.h"
#include "console_log.h"

struct monitor_console {
    int tty_fd; /* -1 when not open */
    struct console_log log;
};

/* Opens (creates) the log for appending; a failure is logged, not fatal:
 * the domain is watched without a console log. */
void monitor_console_open_log(struct monitor_console *c);

/* Opens the pty named at xenstore key `tty_key` (xenconsoled writes it
 * once the console is up), raw and non-blocking; nothing while absent. */
void monitor_console_tty_open(struct monitor_console *c, struct xo_xs *xs,
                              const char *tty_key);

/* Copies what the pty has now into the log; closes it at EOF or EIO. */
void monitor_console_drain(struct monitor_console *c);

/* The guest's last words (see monitor_console.c). */
void monitor_console_final_drain(struct monitor_console *c);

#endif
