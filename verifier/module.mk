# verifier/: digests (streaming sha256) and, later, signatures.
LIB_SRCS += verifier/digest.c verifier/cosign.c verifier/crypto_lib.c
UNIT_TESTS += tests/unit/test-verifier.c
