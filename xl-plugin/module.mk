# xl-plugin/: the xl-oci command.  Command groups written next to other
# components add their files to XLOCI_CMD_SRCS from their own module.mk.
XLOCI_CMD_SRCS += xl-plugin/main.c xl-plugin/cmd_util.c \
	xl-plugin/cmdtable.c xl-plugin/cmd_help.c xl-plugin/cmd_create.c
XLOCI_CMD_OBJS = $(XLOCI_CMD_SRCS:%.c=$(OBJ)/%.o)

$(B)/xl-oci: $(XLOCI_CMD_OBJS) $(B)/libxloci.a
	$(CC) -pie -o $@ $(XLOCI_CMD_OBJS) $(B)/libxloci.a $(DEPS_LIBS) $(LDFLAGS)

BIN_TARGETS += $(B)/xl-oci
