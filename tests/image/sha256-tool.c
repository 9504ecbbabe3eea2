/*
 * sha256-tool.c: prints "sha256:<hex>  FILE" for each file, hashed with
 * the verifier's streaming hasher (verifier/digest.c).  Used by the image
 * benchmark to compare the verifier with `openssl dgst -sha256`.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "verifier/digest.h"

int main(int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        xo_err err = XO_ERR_INIT;
        struct digest d;
        int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            perror(argv[i]);
            rc = 1;
            continue;
        }
        if (digest_fd(&d, NULL, fd, argv[i], &err) < 0) {
            xo_err_print(&err, "xl-oci-sha256", stderr);
            rc = 1;
        } else {
            printf("%s  %s\n", d.str, argv[i]);
        }
        close(fd);
    }
    return rc;
}
