/* test-image-ref.c: image reference grammar (image/ref.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "image/ref.h"

#define HEX "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void ok(const char *s, const char *canonical)
{
    struct image_ref r;
    xo_err err = XO_ERR_INIT;
    if (image_ref_parse(&r, s, &err) < 0)
        fail_msg("%s: %s", s, xo_err_msg(&err));
    if (canonical)
        assert_string_equal(r.canonical, canonical);
    image_ref_dispose(&r);
}

static void bad(const char *s, const char *why)
{
    struct image_ref r;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(image_ref_parse(&r, s, &err), -1);
    if (!strstr(xo_err_msg(&err), why))
        fail_msg("%s: error \"%s\" lacks \"%s\"", s, xo_err_msg(&err), why);
    xo_err_clear(&err);
}

static void test_layout(void **state)
{
    (void)state;
    ok("oci:/nonexistent/dir:1", "oci:/nonexistent/dir:1");
    /* No name: the layout's only image (else "latest"), said as given. */
    ok("oci:/nonexistent/dir", "oci:/nonexistent/dir");
    /* The directory ends at the first ':', as skopeo reads it; the name
     * is a whole ref.name as skopeo writes it (helper-64). */
    ok("oci:/nonexistent/dir:app:v1", "oci:/nonexistent/dir:app:v1");
    ok("oci:/nonexistent/dir:localhost/app:1.0",
       "oci:/nonexistent/dir:localhost/app:1.0");
    ok("oci:/nonexistent/dir:a--b@c+d", "oci:/nonexistent/dir:a--b@c+d");
    ok("oci:/", "oci:/");
    bad("oci:", "no directory");
    bad("oci:/x:ba$d", "invalid image name \"ba$d\"");
    bad("oci:/x:-tag", "invalid image name");
    bad("oci:/x:a::b", "invalid image name");
    bad("oci:/x:a/", "invalid image name");
    bad("oci:/x:", "invalid image name");
}

/* Archives: the file ends at the first ':' as a layout's directory
 * does; a docker-archive's selector is a registry reference or @N. */
static void test_archive(void **state)
{
    (void)state;
    ok("oci-archive:/nonexistent/a.tar", "oci-archive:/nonexistent/a.tar");
    ok("oci-archive:/nonexistent/a.tar:localhost/app:1.0",
       "oci-archive:/nonexistent/a.tar:localhost/app:1.0");
    bad("oci-archive:", "no file");
    bad("oci-archive:/x.tar:ba$d", "invalid image name");
    ok("docker-archive:/nonexistent/a.tar",
       "docker-archive:/nonexistent/a.tar");
    ok("docker-archive:/nonexistent/a.tar:busybox",
       "docker-archive:/nonexistent/a.tar:busybox");
    ok("docker-archive:/nonexistent/a.tar:localhost:5000/app:v1",
       "docker-archive:/nonexistent/a.tar:localhost:5000/app:v1");
    ok("docker-archive:/nonexistent/a.tar:@12",
       "docker-archive:/nonexistent/a.tar:@12");
    bad("docker-archive:", "no file");
    bad("docker-archive:/x.tar:@", "neither an image");
    bad("docker-archive:/x.tar:@-1", "neither an image");
    bad("docker-archive:/x.tar:@1x", "neither an image");
    bad("docker-archive:/x.tar:Bad", "neither an image");
    bad("docker-archive:/x.tar:", "neither an image");
    /* Before the archives were known, "docker-archive:x.tar" was a Docker
     * Hub reference (library/docker-archive, tag x.tar). */
    struct image_ref r;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(image_ref_parse(&r, "docker-archive:x.tar", &err), 0);
    assert_int_equal(r.kind, IMAGE_REF_DOCKER_ARCHIVE);
    image_ref_dispose(&r);
}

static void test_registry(void **state)
{
    (void)state;
    ok("docker://127.0.0.1:5000/small:1", "docker://127.0.0.1:5000/small:1");
    ok("docker://127.0.0.1:5000/a/b-c/d__e",
       "docker://127.0.0.1:5000/a/b-c/d__e:latest");
    ok("docker://localhost/x@sha256:" HEX, "docker://localhost/x@sha256:" HEX);
    ok("busybox", "docker://registry-1.docker.io/library/busybox:latest");
    ok("example.com/team/app:v1", "docker://example.com/team/app:v1");
    bad("docker://127.0.0.1:5000/Upper:1",
        "invalid repository \"Upper\": a repository name must be lowercase");
    bad("docker://127.0.0.1:5000/a//b", "invalid repository");
    /* A control character is named by its place, never echoed
     * (helper-61: a newline and an escape sequence reached the terminal). */
    bad("docker://127.0.0.1:5000/a:1\n\033[31m",
        "\"docker://127.0.0.1:5000/a:1...\": a control character (byte 0x0a) "
        "at byte 27");
    bad("docker://127.0.0.1:5000/-a", "invalid repository");
    bad("docker://127.0.0.1:5000/a-", "invalid repository");
    bad("docker://127.0.0.1:5000/a/../b", "invalid repository");
    bad("docker://bad_host!:5000/a", "invalid registry host");
    bad("docker://h:99999999/a", "invalid registry host");
    bad("docker://127.0.0.1:5000/a@sha256:xyz", "invalid digest");
    bad("docker://127.0.0.1:5000/a:t@g", "invalid digest");
    bad("http://x/y", "unsupported transport");
}

/* Issue 11 case 6: every spelling of a Docker Hub name is one image on
 * its registry endpoint; only "."/":"/localhost make a first component a
 * host. */
static void test_docker_hub(void **state)
{
    (void)state;
    const char *want = "docker://registry-1.docker.io/library/ubuntu:latest";
    const char *same[] = {
        "ubuntu",
        "docker.io/ubuntu",
        "docker.io/library/ubuntu",
        "index.docker.io/ubuntu",
        "index.docker.io/library/ubuntu:latest",
        "registry-1.docker.io/ubuntu",
        "registry.hub.docker.com/library/ubuntu",
        "docker://docker.io/ubuntu",
        "docker://index.docker.io/library/ubuntu",
        "library/ubuntu",
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++)
        ok(same[i], want);
    ok("docker.io/ubuntu:22.04",
       "docker://registry-1.docker.io/library/ubuntu:22.04");
    ok("docker.io/ubuntu@sha256:" HEX,
       "docker://registry-1.docker.io/library/ubuntu@sha256:" HEX);
    ok("docker.io/bitnami/redis:7",
       "docker://registry-1.docker.io/bitnami/redis:7");
    ok("bitnami/redis", "docker://registry-1.docker.io/bitnami/redis:latest");
    ok("localhost/app", "docker://localhost/app:latest");
    ok("localhost:5000/app", "docker://localhost:5000/app:latest");
    ok("myregistry.local/app", "docker://myregistry.local/app:latest");
    ok("team/sub/app", "docker://registry-1.docker.io/team/sub/app:latest");
    /* A dotted name that only looks like Docker Hub is its own host. */
    ok("docker.io.example.com/ubuntu",
       "docker://docker.io.example.com/ubuntu:latest");
}

/* The rest of distribution's grammar (github.com/distribution/reference),
 * as skopeo and Docker read it: a host is dot-separated components of
 * letters, digits and inner '-', an IPv4 address or a bracketed IPv6 one,
 * with a port of 1 to 65535; an upper-case first component is a host;
 * HOST/REPOSITORY is at most 255 bytes, Docker Hub's counted as
 * docker.io/library/NAME; a digest wins over a tag. */
static void test_distribution_grammar(void **state)
{
    (void)state;
    ok("[::1]:5000/x", "docker://[::1]:5000/x:latest");
    ok("[2001:db8::1]/a/b:t", "docker://[2001:db8::1]/a/b:t");
    ok("docker://[fe80::1]:443/x@sha256:" HEX,
       "docker://[fe80::1]:443/x@sha256:" HEX);
    ok("Foo/bar", "docker://Foo/bar:latest");
    ok("Example.COM:5000/bar", "docker://Example.COM:5000/bar:latest");
    ok("host:05000/x", "docker://host:05000/x:latest");
    ok("a-b.c-d.e/x", "docker://a-b.c-d.e/x:latest");
    ok("u:tag@sha256:" HEX,
       "docker://registry-1.docker.io/library/u@sha256:" HEX);
    bad("example.com/Bar", "invalid repository");
    bad("-bad.com/x", "a part between dots");
    bad("bad-.com/x", "a part between dots");
    bad("a..b.com/x", "a part between dots");
    bad(".a.com/x", "a part between dots");
    bad("a_b.com/x", "a part between dots");
    bad("host:0/x", "a port is 1 to 65535");
    bad("host:65536/x", "a port is 1 to 65535");
    bad("host:/x", "a port is 1 to 65535");
    bad("[::1/x", "IPv6");
    bad("[::1]x/y", "only \":PORT\"");
    bad("[::g]/x", "IPv6");

    char ref[400], name[300];
    /* 255 bytes with "docker.io/library/" (18): a name of 237 fits. */
    memset(name, 'a', 237);
    name[237] = '\0';
    ok(name, NULL);
    strcpy(name + 237, "a");
    bad(name, "at most 255");
    snprintf(ref, sizeof(ref), "docker.io/library/%s", name);
    bad(ref, "is 256 bytes");
    /* example.com/ is 12: a repository of 243 fits, 244 does not. */
    memset(name, 'b', 243);
    name[243] = '\0';
    snprintf(ref, sizeof(ref), "example.com/%s:t", name);
    ok(ref, NULL);
    snprintf(ref, sizeof(ref), "example.com/%sb:t", name);
    bad(ref, "at most 255");
}

static void test_digest(void **state)
{
    (void)state;
    ok("sha256:" HEX, "sha256:" HEX);
    bad("sha256:abc", "invalid digest");
}

static void test_too_long(void **state)
{
    (void)state;
    char big[3000];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    bad(big, "longer than");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_archive),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_docker_hub),
        cmocka_unit_test(test_distribution_grammar),
        cmocka_unit_test(test_digest),
        cmocka_unit_test(test_too_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
