/*
 * common/abi/guest_report.h: the guest report, what the loader's init
 * inside a domain (loader/xen-tools/report.c) tells dom0, and what the
 * per-domain monitor (xl-plugin/guest_report.c, monitor.c) accepts.  One
 * definition for both sides, after Xen's public/io/xs_wire.h.
 *
 * The guest writes, relative to its own xenstore home
 * /local/domain/<domid>/, the keys below under GUEST_REPORT_DIR.  The
 * guest is untrusted: dom0 accepts only these keys, values of at most
 * GUEST_REPORT_VALUE_MAX bytes without control characters, phases by
 * their names and exit codes as 0..255 in plain decimal.  The loader cuts
 * longer messages to GUEST_REPORT_VALUE_MAX so that what it writes is
 * always accepted.
 *
 * Order: the guest writes every other key of a phase (exit-code, error,
 * net/N/) before the phase itself, and dom0 reads the phase before it
 * lists and reads the rest; so whatever phase dom0 read, the keys that
 * phase promises are there (a listing taken first could miss a key the
 * guest added just before it wrote the phase).
 *
 * Plain C, no includes of ours: host and guest code include it alike.
 */
#ifndef XL_OCI_COMMON_ABI_GUEST_REPORT_H
#define XL_OCI_COMMON_ABI_GUEST_REPORT_H

/* Relative to /local/domain/<domid>/. */
#define GUEST_REPORT_DIR "data/xl-oci"

/*
 * The loader's lines on the domain's console (xl-oci-loader(7)'s
 * markers) each start with this; a line of the container's own output
 * never has it unless the container prints it.  xl-oci-runc's placeholder
 * leaves these lines (and the kernel's) out of the container's stdout.
 */
#define GUEST_MARKER_PREFIX "xl-oci-loader: "

#define GUEST_REPORT_KEY_PHASE "phase"         /* enum guest_phase */
#define GUEST_REPORT_KEY_EXIT_CODE "exit-code" /* "0".."255" */
#define GUEST_REPORT_KEY_ERROR "error"         /* text, why it failed */
/*
 * "1" when the guest kernel's OOM killer killed a process of the domain
 * while the entrypoint ran (/proc/vmstat's oom_kill grew), as Docker's
 * State.OOMKilled says it of a container's cgroup; written before the
 * exited phase, absent otherwise.  Any other value is refused.
 */
#define GUEST_REPORT_KEY_OOM_KILLED "oom-killed"

/*
 * The addresses the loader configured, per interface N (the boot spec's
 * interface@N, 0 <= N < GUEST_REPORT_NET_MAX_IFACES, written as plain
 * decimal) under GUEST_REPORT_DIR/net/N/:
 *   mac   "xx:xx:xx:xx:xx:xx" (lower case hex)
 *   ipv4  "A.B.C.D/N" entries separated by one space, "" for none
 *   ipv6  "X:..:Y/N" entries (inet_ntop form) separated by one space
 * at most GUEST_REPORT_NET_MAX_ADDRS entries each.  Written before the
 * phase becomes exec; dom0 publishes them with the running state.
 */
#define GUEST_REPORT_NET_DIR "net"
#define GUEST_REPORT_NET_KEY_MAC "mac"
#define GUEST_REPORT_NET_KEY_IPV4 "ipv4"
#define GUEST_REPORT_NET_KEY_IPV6 "ipv6"
#define GUEST_REPORT_NET_MAX_IFACES 8 /* = BOOT_SPEC_MAX_IFACES */
#define GUEST_REPORT_NET_MAX_ADDRS 4
/* Bytes of an address list: 4 entries of at most 45 + "/128", 3 spaces. */
#define GUEST_REPORT_NET_LIST_MAX (GUEST_REPORT_NET_MAX_ADDRS * 50)

/* Bytes of one value, without a terminating NUL (none is written). */
#define GUEST_REPORT_VALUE_MAX 512
/* Entries of GUEST_REPORT_DIR dom0 looks at; a guest may make more. */
#define GUEST_REPORT_MAX_KEYS 16

/* The loader's progress, in the order it goes through them. */
enum guest_phase {
    GUEST_PHASE_NONE = 0, /* nothing reported yet; never written */
    GUEST_PHASE_MOUNTING, /* "mounting": setting up the root and volumes */
    GUEST_PHASE_EXEC,     /* "exec": the entrypoint runs */
    GUEST_PHASE_EXITED,   /* "exited": it ended, exit-code is set */
    GUEST_PHASE_FAILED,   /* "failed": the loader failed, error is set */
};

/* The wire name of a phase; NULL for GUEST_PHASE_NONE or no phase. */
const char *guest_phase_to_string(enum guest_phase p);

/* Parses a wire name; 0 and *p_r set, or -1 for anything else. */
int guest_phase_from_string(const char *s, enum guest_phase *p_r);

#endif
