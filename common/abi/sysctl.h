/*
 * common/abi/sysctl.h: kernel parameters (sysctls) as the OCI runtime
 * spec's linux.sysctl names them ("net.ipv4.ip_unprivileged_port_start"),
 * the way the boot spec carries them (version 8, the root's `sysctl`
 * stringlist of "NAME=VALUE"), and the rules both domcfg and the loader's
 * init check them by.  The blob is hostile to the loader, so the loader
 * checks again what domcfg checked.
 *
 * Plain C, no includes of ours.
 */
#ifndef XL_OCI_COMMON_ABI_SYSCTL_H
#define XL_OCI_COMMON_ABI_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>

#define OCI_SYSCTL_MAX 64         /* entries of one container */
#define OCI_SYSCTL_MAX_NAME 128   /* bytes of a name, NUL excluded */
#define OCI_SYSCTL_MAX_VALUE 1024 /* bytes of a value, NUL excluded */

/*
 * A name: 1 to OCI_SYSCTL_MAX_NAME bytes, components of letters, digits,
 * '_' and '-' separated by single dots, none empty (so no "..", no
 * leading or trailing dot, and nothing that could leave /proc/sys).  The
 * runtime spec's dotted form only: a component holding a dot (an
 * interface named "eth0.100") cannot be named.
 */
bool oci_sysctl_name_ok(const char *name);

/* A value: 1 to OCI_SYSCTL_MAX_VALUE bytes of printable ASCII, spaces
 * and tabs ("32768 60999" for a range); no newline or other control. */
bool oci_sysctl_value_ok(const char *value);

/*
 * Whether the kernel keeps the name per namespace, runc's rule
 * (libcontainer/configs/validate): net.* (network), kernel.msgmax,
 * kernel.msgmnb, kernel.msgmni, kernel.sem, kernel.shmall, kernel.shmmax,
 * kernel.shmmni, kernel.shm_rmid_forced, fs.mqueue.* (IPC) and
 * kernel.domainname (UTS).  kernel.hostname is refused by both runc and
 * the boot spec: the spec's hostname says it.
 */
bool oci_sysctl_namespaced(const char *name);

/*
 * What is wrong with NAME and VALUE as a sysctl setting, as a phrase for
 * an error message ("is not a sysctl name ..."), or NULL when nothing is:
 * the name and the value as above, and not kernel.hostname.
 */
const char *oci_sysctl_problem(const char *name, const char *value);

/*
 * Splits "NAME=VALUE" (a boot spec entry, an app.cfg item) at its first
 * '=': 0 with the name copied into name_buf (at least OCI_SYSCTL_MAX_NAME
 * + 1 bytes) and *value_r pointing into entry, -1 when there is no '='
 * or the name is empty or longer than OCI_SYSCTL_MAX_NAME.  Check the
 * halves with oci_sysctl_problem().
 */
int oci_sysctl_split(const char *entry, char *name_buf, const char **value_r);

/* The name's file below /proc/sys ("net/ipv4/ip_forward") into buf of at
 * least OCI_SYSCTL_MAX_NAME + 1 bytes; the name must be valid. */
void oci_sysctl_path(char *buf, const char *name);

#endif
