/* rlimits.c: resource limit names and numbers (see rlimits.h). */
#include "common/abi/rlimits.h"

#include <stddef.h>
#include <string.h>

static const char *const names[OCI_RLIMIT_COUNT] = {
    "RLIMIT_CPU",      "RLIMIT_FSIZE", "RLIMIT_DATA",   "RLIMIT_STACK",
    "RLIMIT_CORE",     "RLIMIT_RSS",   "RLIMIT_NPROC",  "RLIMIT_NOFILE",
    "RLIMIT_MEMLOCK",  "RLIMIT_AS",    "RLIMIT_LOCKS",  "RLIMIT_SIGPENDING",
    "RLIMIT_MSGQUEUE", "RLIMIT_NICE",  "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
};

const char *oci_rlimit_name(int resource)
{
    return resource >= 0 && resource < OCI_RLIMIT_COUNT ? names[resource]
                                                        : NULL;
}

int oci_rlimit_from_name(const char *name)
{
    for (int i = 0; i < OCI_RLIMIT_COUNT; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}
