/* common/abi/sysctl.c: sysctl names and values (see the header). */
#include "common/abi/sysctl.h"

#include <string.h>

static bool component_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool oci_sysctl_name_ok(const char *name)
{
    size_t len = strnlen(name, OCI_SYSCTL_MAX_NAME + 1);
    if (len == 0 || len > OCI_SYSCTL_MAX_NAME)
        return false;
    bool after_dot = true; /* the start counts as a separator */
    for (size_t i = 0; i < len; i++) {
        if (name[i] == '.') {
            if (after_dot)
                return false;
            after_dot = true;
        } else if (component_char(name[i])) {
            after_dot = false;
        } else {
            return false;
        }
    }
    return !after_dot;
}

bool oci_sysctl_value_ok(const char *value)
{
    size_t len = strnlen(value, OCI_SYSCTL_MAX_VALUE + 1);
    if (len == 0 || len > OCI_SYSCTL_MAX_VALUE)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if ((c < 0x20 && c != '\t') || c > 0x7e)
            return false;
    }
    return true;
}

bool oci_sysctl_namespaced(const char *name)
{
    static const char *const ipc_uts[] = {
        "kernel.msgmax", "kernel.msgmnb",          "kernel.msgmni",
        "kernel.sem",    "kernel.shmall",          "kernel.shmmax",
        "kernel.shmmni", "kernel.shm_rmid_forced", "kernel.domainname"};
    if (strncmp(name, "net.", 4) == 0 || strncmp(name, "fs.mqueue.", 10) == 0)
        return true;
    for (size_t i = 0; i < sizeof(ipc_uts) / sizeof(ipc_uts[0]); i++)
        if (strcmp(name, ipc_uts[i]) == 0)
            return true;
    return false;
}

const char *oci_sysctl_problem(const char *name, const char *value)
{
    if (!oci_sysctl_name_ok(name))
        return "is not a sysctl name (1-128 bytes: letters, digits, '_' and '-' in components separated by single dots)";
    if (strcmp(name, "kernel.hostname") == 0)
        return "is the hostname, which the container's hostname sets";
    if (!oci_sysctl_value_ok(value))
        return "has a value that is not 1-1024 bytes of printable characters";
    return NULL;
}

int oci_sysctl_split(const char *entry, char *name_buf, const char **value_r)
{
    const char *eq = strchr(entry, '=');
    if (!eq || eq == entry || (size_t)(eq - entry) > OCI_SYSCTL_MAX_NAME)
        return -1;
    memcpy(name_buf, entry, (size_t)(eq - entry));
    name_buf[eq - entry] = '\0';
    *value_r = eq + 1;
    return 0;
}

void oci_sysctl_path(char *buf, const char *name)
{
    size_t i = 0;
    for (; name[i] && i < OCI_SYSCTL_MAX_NAME; i++)
        buf[i] = name[i] == '.' ? '/' : name[i];
    buf[i] = '\0';
}
