# tests/netfix/: golden-net, `xl-oci create -N` with managed networks
# resolved from a fixture instead of netback, for tests/tiers/20-golden.sh.
$(B)/netfix/golden-net: $(OBJ)/tests/netfix/golden-net.o $(B)/libxloci.a
	@mkdir -p $(@D)
	$(CC) -pie -o $@ $< $(B)/libxloci.a $(DEPS_LIBS) $(XL_LIBS) $(LDFLAGS)

BIN_TARGETS += $(B)/netfix/golden-net
