/*
 * fuzz-daemon-json.c: libFuzzer target for the admin's Docker daemon
 * configuration as pull reads it (image/insecure_registry.c,
 * registry_insecure(): "insecure-registries" of /etc/docker/daemon.json,
 * names and CIDRs).  The input's first line is the registry host asked
 * about, the rest the file.  A file that is no JSON object or whose list
 * holds what is not a string fails saying why and lists nothing; an entry
 * equal to the host makes it insecure.  Built without libFuzzer, main()
 * replays corpus files.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "image/insecure_registry.h"
#include "fuzz_util.h"
#include "replay.h"

static char path[] = "/tmp/fuzz-daemon-json.XXXXXX";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        fuzz_scratch_file(path);
        setenv("XL_OCI_DOCKER_DAEMON_JSON", path, 1);
        ready = 1;
    }
    const uint8_t *nl = memchr(data, '\n', size);
    size_t hlen = nl ? (size_t)(nl - data) : size;
    char *host = fuzz_cstr(data, hlen);
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    if (nl)
        fwrite(nl + 1, 1, size - hlen - 1, f);
    fclose(f);
    bool insecure = true;
    xo_err err = XO_ERR_INIT;
    if (registry_insecure(&insecure, host, &err) == 0) {
        if (err.msg)
            __builtin_trap();
    } else if (!err.msg || insecure) {
        __builtin_trap();
    }
    xo_err_clear(&err);
    free(host);
    return 0;
}
