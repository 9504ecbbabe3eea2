/*
 * monitor_filter.h: what of a domain's console is the container's output.
 * The console also carries the loader's marker lines (GUEST_MARKER_PREFIX,
 * common/abi/guest_report.h) and the kernel's messages ("[  12.345678]
 * ..."); xl-oci-runc's placeholder passes on everything else.
 *
 * Decided at the start of each line, on as few bytes as it takes: bytes
 * that could still begin a marker or a kernel line are held; once they
 * cannot, they and the rest of the line go out as they come (so a shell's
 * prompt, which has no newline, shows at once on a terminal); a line that
 * is a marker or a kernel message is dropped through its newline.
 */
#ifndef XL_OCI_XL_PLUGIN_MONITOR_FILTER_H
#define XL_OCI_XL_PLUGIN_MONITOR_FILTER_H

#include <stddef.h>

/* The longest start of a line ever held: a kernel line's "[" with its
 * padding and time stamp, or the marker prefix, fit well within it. */
#define MONITOR_FILTER_HELD 64

struct monitor_filter {
    void (*out)(void *arg, const char *buf, size_t len); /* what passes */
    void *arg;
    char held[MONITOR_FILTER_HELD];
    size_t n_held;
    enum { CF_DECIDING, CF_PASSING, CF_DROPPING } mode;
};

/* A filter at the start of a line that gives what passes to out(arg). */
void monitor_filter_init(struct monitor_filter *f,
                         void (*out)(void *arg, const char *buf, size_t len),
                         void *arg);

/* Filters `len` console bytes (any split of the stream gives the same
 * output). */
void monitor_filter_feed(struct monitor_filter *f, const char *buf, size_t len);

/* The console ended: what is held passes (a last line without its
 * newline that could still have become a marker is output after all). */
void monitor_filter_flush(struct monitor_filter *f);

#endif
