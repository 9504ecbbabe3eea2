# domcfg/: app.cfg + image config -> struct domain_config -> renderings.
LIB_SRCS += domcfg/app_cfg.c domcfg/image_config.c domcfg/domain_config.c \
	domcfg/merge.c domcfg/metadata.c domcfg/env_merge.c domcfg/exec_size.c \
	domcfg/process_limits.c domcfg/build.c domcfg/volumes.c domcfg/spec_mounts.c \
	domcfg/vif.c domcfg/signals.c domcfg/fstype.c domcfg/net_request.c \
	domcfg/render_libxl.c \
	domcfg/render_runtime.c domcfg/render_boot_spec.c domcfg/render_etc.c \
	domcfg/runtime_spec.c domcfg/runtime_spec_process.c \
	domcfg/runtime_spec_mounts.c domcfg/from_runtime_spec.c \
	domcfg/runtime_spec_resources.c domcfg/runtime_spec_sysctl.c \
	domcfg/runtime_spec_hooks.c domcfg/runtime_spec_paths.c \
	domcfg/sysctls.c domcfg/vdev.c
