/*
 * cred_helper.h: docker's credential helpers, the programs an auth file's
 * "credsStore" or "credHelpers" names (docker-credential-helpers'
 * protocol: `docker-credential-NAME get` reads the server's address on
 * stdin and writes {"ServerURL", "Username", "Secret"} as JSON; a
 * Username of "<token>" makes Secret an identity token).  Such as
 * amazon-ecr-credential-helper (ecr-login), pass and secretservice.
 */
#ifndef XL_OCI_IMAGE_CRED_HELPER_H
#define XL_OCI_IMAGE_CRED_HELPER_H

#include "auth.h"
#include "common/error.h"

/* Bytes of a helper's answer read at most. */
#define CRED_HELPER_OUT_MAX (64 * 1024)
/* Longest helper name (the NAME of docker-credential-NAME). */
#define CRED_HELPER_NAME_MAX 64

/*
 * Asks the helper `name` (found on PATH as docker-credential-NAME) for
 * the credentials of `server` (a host, or Docker Hub's
 * "https://index.docker.io/v1/", as docker asks).  Returns 1 with *c
 * filled (userpass, or refresh_token for an identity token), 0 when the
 * helper has none for the server ("credentials not found"), -1 when it
 * cannot be run, fails otherwise or answers what is not its protocol:
 * the message names `what` (the auth file and its key), the program and
 * quotes the start of what it said.
 */
int auth_cred_helper_get(struct auth_creds *c, const char *name,
                         const char *server, const char *what, xo_err *err);

/*
 * The helper's answer out[len] (JSON: "Username", "Secret") into *c, which
 * is zeroed first: userpass "USER:SECRET", or refresh_token when Username
 * is "<token>".  -1 with err naming `where` when it is not the protocol's
 * JSON, has no Secret or is longer than AUTH_TOKEN_MAX (*c then holds
 * nothing to dispose).
 */
int auth_cred_helper_parse(struct auth_creds *c, const char *out, size_t len,
                           const char *where, xo_err *err);

#endif
