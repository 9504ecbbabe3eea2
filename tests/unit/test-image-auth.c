/*
 * test-image-auth.c: WWW-Authenticate challenges, token request URLs and
 * credential lookup (image/auth.c; issue 11 case 12, Docker Hub names of
 * case 6).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/auth.h"
#include "image/ref.h"

/* auth_lookup's USER:PASSWORD for host (owned, NULL for none); its
 * return value in *rc_r and its refresh token in *token_r (owned). */
static char *lookup(const char *host, const char *path, int *rc_r,
                    char **token_r, xo_err *err)
{
    struct auth_creds c;
    *rc_r = auth_lookup(&c, host, path, NULL, err);
    if (token_r)
        *token_r = c.refresh_token;
    else
        free(c.refresh_token);
    return c.userpass;
}

static void parse_ok(const char *v, enum auth_scheme scheme, const char *realm,
                     const char *service, const char *scope)
{
    struct auth_challenge ch;
    xo_err err = XO_ERR_INIT;
    if (auth_parse_challenge(&ch, v, &err) < 0)
        fail_msg("%s: %s", v, xo_err_msg(&err));
    assert_int_equal(ch.scheme, scheme);
    assert_string_equal(ch.realm, realm);
    assert_string_equal(ch.service, service);
    assert_string_equal(ch.scope, scope);
}

static void test_single_challenges(void **state)
{
    (void)state;
    parse_ok("Basic realm=\"Registry Realm\"", AUTH_BASIC, "Registry Realm", "",
             "");
    parse_ok("Bearer realm=\"https://auth.docker.io/token\","
             "service=\"registry.docker.io\","
             "scope=\"repository:library/ubuntu:pull\"",
             AUTH_BEARER, "https://auth.docker.io/token", "registry.docker.io",
             "repository:library/ubuntu:pull");
    parse_ok("bearer  realm = \"http://t/x\" , service=svc", AUTH_BEARER,
             "http://t/x", "svc", "");
    /* A comma inside a quoted value is not a separator. */
    parse_ok("Bearer realm=\"http://t/\",scope=\"repository:a:pull,push\"",
             AUTH_BEARER, "http://t/", "", "repository:a:pull,push");
}

/* Issue 11 case 12: one header offering Basic and Bearer means Bearer, in
 * either order; so do two headers joined by http.c. */
static void test_bearer_preferred(void **state)
{
    (void)state;
    parse_ok("Basic realm=\"r\", Bearer realm=\"https://t/token\","
             "service=\"s\"",
             AUTH_BEARER, "https://t/token", "s", "");
    parse_ok("Bearer realm=\"https://t/token\",service=\"s\", Basic "
             "realm=\"r\"",
             AUTH_BEARER, "https://t/token", "s", "");
    parse_ok("Negotiate, Basic realm=\"r\"", AUTH_BASIC, "r", "", "");
    parse_ok("Basic realm=\"r\", Negotiate abc==", AUTH_BASIC, "r", "", "");
}

static void test_challenge_refused(void **state)
{
    (void)state;
    struct auth_challenge ch;
    xo_err err = XO_ERR_INIT;
    assert_int_equal(auth_parse_challenge(&ch, "Negotiate abc", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "unsupported"));
    xo_err_clear(&err);
    assert_int_equal(
        auth_parse_challenge(&ch, "Bearer realm=\"ftp://x\"", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "http(s) realm"));
    xo_err_clear(&err);
    assert_int_equal(auth_parse_challenge(&ch, "", &err), -1);
    xo_err_clear(&err);
}

/* Issue 11 case 12: no empty service= when the challenge names none. */
static void test_token_url(void **state)
{
    (void)state;
    struct auth_challenge ch = {.scheme = AUTH_BEARER};
    strcpy(ch.realm, "https://t/token");
    char *u = auth_token_url(&ch, "repository:library/ubuntu:pull");
    assert_string_equal(
        u, "https://t/token?scope=repository%3Alibrary%2Fubuntu%3Apull");
    free(u);
    strcpy(ch.service, "registry.docker.io");
    strcpy(ch.realm, "https://t/token?x=1");
    u = auth_token_url(&ch, "repository:a:pull");
    assert_string_equal(u, "https://t/token?x=1&service=registry.docker.io&"
                           "scope=repository%3Aa%3Apull");
    free(u);
    strcpy(ch.scope, "repository:b:pull");
    u = auth_token_url(&ch, "repository:a:pull");
    assert_non_null(strstr(u, "scope=repository%3Ab%3Apull"));
    free(u);
}

/* Token responses: the token, or an error naming the realm and field;
 * a NUL in any string is refused (issue 13). */
static void test_token_response(void **state)
{
    (void)state;
    char *h = NULL;
    xo_err err = XO_ERR_INIT;
    const char *ok1 = "{\"token\":\"abc.def\",\"expires_in\":300}";
    assert_int_equal(
        auth_token_header(&h, ok1, strlen(ok1), 4096, "https://t", &err), 0);
    assert_string_equal(h, "Authorization: Bearer abc.def");
    free(h);
    const char *ok2 = "{\"access_token\":\"xyz\"}";
    assert_int_equal(
        auth_token_header(&h, ok2, strlen(ok2), 4096, "https://t", &err), 0);
    assert_string_equal(h, "Authorization: Bearer xyz");
    free(h);
    /* access_token wins when it is not empty, as docker's distribution
     * client takes it (helper-61: an empty token failed, a different one
     * was sent). */
    const char *both = "{\"token\":\"old\",\"access_token\":\"new\"}";
    assert_int_equal(
        auth_token_header(&h, both, strlen(both), 4096, "https://t", &err), 0);
    assert_string_equal(h, "Authorization: Bearer new");
    free(h);
    const char *empty_tok = "{\"token\":\"\",\"access_token\":\"T\"}";
    assert_int_equal(auth_token_header(&h, empty_tok, strlen(empty_tok), 4096,
                                       "https://t", &err),
                     0);
    assert_string_equal(h, "Authorization: Bearer T");
    free(h);
    const char *empty_acc = "{\"token\":\"T2\",\"access_token\":\"\"}";
    assert_int_equal(auth_token_header(&h, empty_acc, strlen(empty_acc), 4096,
                                       "https://t", &err),
                     0);
    assert_string_equal(h, "Authorization: Bearer T2");
    free(h);
    const char *nul = "{\"token\":\"abc\\u0000\\r\\nX-Evil: 1\"}";
    assert_int_equal(
        auth_token_header(&h, nul, strlen(nul), 4096, "https://t", &err), -1);
    assert_string_equal(xo_err_msg(&err), "token response from https://t: "
                                          "\"token\" holds a NUL character "
                                          "(\\u0000)");
    xo_err_clear(&err);
    const char *crlf = "{\"token\":\"abc\\r\\nX-Evil: 1\"}";
    assert_int_equal(
        auth_token_header(&h, crlf, strlen(crlf), 4096, "https://t", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "no usable token"));
    xo_err_clear(&err);
    const char *none = "{\"other\":1}";
    assert_int_equal(
        auth_token_header(&h, none, strlen(none), 4096, "https://t", &err), -1);
    assert_non_null(strstr(xo_err_msg(&err), "no usable token"));
    xo_err_clear(&err);
}

/* Docker Hub credentials as `docker login` writes them. */
static void test_docker_hub_credentials(void **state)
{
    (void)state;
    char path[] = "/tmp/test-auth.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    /* base64("hub:pw") and base64("reg:pw") */
    const char *json = "{\"auths\":{\"https://index.docker.io/v1/\":"
                       "{\"auth\":\"aHViOnB3\"},\"reg.example\":"
                       "{\"auth\":\"cmVnOnB3\"}}}";
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    char *up = NULL;
    int rc;
    xo_err err = XO_ERR_INIT;
    up = lookup(REF_DEFAULT_REGISTRY, path, &rc, NULL, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(up, "hub:pw");
    free(up);
    up = lookup("reg.example", path, &rc, NULL, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(up, "reg:pw");
    free(up);
    up = lookup("other.example", path, &rc, NULL, &err);
    assert_int_equal(rc, 0);
    assert_null(up);
    unlink(path);
}

/* Keys as docker's ConvertToHostname reads them: a scheme and a path do
 * not hide the host; username and password without "auth"; an
 * identitytoken kept as the refresh token (helper-61). */
static void test_auth_file_keys(void **state)
{
    (void)state;
    char path[] = "/tmp/test-auth.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *json =
        "{\"auths\":{\"http://127.0.0.1:5000\":{\"auth\":\"cmVnOnB3\"},"
        "\"https://r2.example/v2/\":{\"auth\":\"cmVnOnB3\"},"
        "\"r3.example/v2\":{\"username\":\"u3\",\"password\":\"p3\"},"
        "\"r30.example\":{\"auth\":\"aHViOnB3\"},"
        "\"acr.example\":{\"auth\":\"MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwOg==\","
        "\"identitytoken\":\"eyJ\"}}}";
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    char *up = NULL;
    int rc;
    xo_err err = XO_ERR_INIT;
    up = lookup("127.0.0.1:5000", path, &rc, NULL, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(up, "reg:pw");
    free(up);
    up = lookup("r2.example", path, &rc, NULL, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(up, "reg:pw");
    free(up);
    up = lookup("r3.example", path, &rc, NULL, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(up, "u3:p3");
    free(up);
    /* A key is a whole host: r3.example is not r30.example's prefix. */
    up = lookup("r30.example", path, &rc, NULL, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(up, "hub:pw");
    free(up);
    up = lookup("127.0.0.1", path, &rc, NULL, &err);
    assert_int_equal(rc, 0);
    assert_null(up);
    /* docker login's OAuth2 refresh token, beside the user ACR writes
     * (00000000-0000-0000-0000-000000000000 and no password). */
    char *tok = NULL;
    up = lookup("acr.example", path, &rc, &tok, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(up, "00000000-0000-0000-0000-000000000000:");
    assert_string_equal(tok, "eyJ");
    free(up);
    free(tok);
    unlink(path);
}

/* The OAuth2 refresh-token request's body: every value escaped, the
 * challenge's scope preferred. */
static void test_token_form(void **state)
{
    (void)state;
    struct auth_challenge ch = {.scheme = AUTH_BEARER};
    strcpy(ch.realm, "https://auth.example/oauth2/token");
    strcpy(ch.service, "reg example");
    char *f = auth_token_form(&ch, "repository:a/b:pull", "t+k/=");
    assert_string_equal(
        f,
        "grant_type=refresh_token&refresh_token=t%2Bk%2F%3D&service=reg%20example&scope=repository%3Aa%2Fb%3Apull&client_id=xl-oci");
    free(f);
    strcpy(ch.scope, "repository:c:pull");
    f = auth_token_form(&ch, "repository:a/b:pull", "t");
    assert_non_null(strstr(f, "&scope=repository%3Ac%3Apull&"));
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_challenges),
        cmocka_unit_test(test_token_form),
        cmocka_unit_test(test_bearer_preferred),
        cmocka_unit_test(test_challenge_refused),
        cmocka_unit_test(test_token_url),
        cmocka_unit_test(test_token_response),
        cmocka_unit_test(test_docker_hub_credentials),
        cmocka_unit_test(test_auth_file_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
