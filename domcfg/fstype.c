/* fstype.c: superblock magics of the file systems the loader mounts. */
#include "fstype.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *fstype_detect(const char *path)
{
    /* A qcow2 image's content is what the guest mounts: normally ext4. */
    const char *t = fstype_probe(path);
    return t && strcmp(t, "qcow2") != 0 ? t : FSTYPE_DEFAULT;
}

const char *fstype_probe(const char *path)
{
    unsigned char sb[2048];
    /* O_NONBLOCK: a FIFO named as a volume must not hang us; only regular
     * files and block devices are read. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return NULL;
    struct stat st;
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
        n = pread(fd, sb, sizeof(sb), 0);
    close(fd);
    if (n < (ssize_t)sizeof(sb))
        return NULL;
    if (memcmp(sb, "hsqs", 4) == 0)
        return "squashfs";
    /* EROFS: little-endian 0xE0F5E1E2 at 1024. */
    if (sb[1024] == 0xe2 && sb[1025] == 0xe1 && sb[1026] == 0xf5 &&
        sb[1027] == 0xe0)
        return "erofs";
    /* ext2/3/4: little-endian 0xEF53 at 1024 + 56. */
    if (sb[1080] == 0x53 && sb[1081] == 0xef)
        return "ext4";
    /* qcow2: "QFI\xfb" (a qdisk image; its content is the guest's). */
    if (memcmp(sb, "QFI\xfb", 4) == 0)
        return "qcow2";
    return NULL;
}
