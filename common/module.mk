# common/: helpers every component uses.
LIB_SRCS += common/error.c common/fileio.c common/json.c common/log.c common/user.c
UNIT_TESTS += tests/unit/test-user.c
