/*
 * xenlight_lib.h: libxenlight, libxlutil and libyajl, opened on first use
 * (common/dlib.h), for domcfg's rendering and xl-plugin's domain calls.
 *
 * libxenlight brings twelve more shared objects (libxenguest, libxenctrl,
 * the foreign-memory, device-model and hypercall libraries, zlib, lzma,
 * zstd, libuuid, ...): half of what the dynamic loader mapped at every
 * start of every command, yet exec, list, status and logs never call
 * libxl (docs/decisions.md, "Optional libraries opened on first use").
 * xo_xenlight_load() opens the three at the entry points of the code that
 * needs them: xen_open() (xl-plugin/xen.h), app_cfg_parse() and the
 * renderers of domcfg, create_rendered_init(); a libxl context, an app.cfg
 * or a rendered config therefore means they are loaded.  The calls go
 * through the tables `xo_xl`, `xo_xlu` and `xo_yajl`, whose fields have
 * the types of the libraries' own functions, so the compiler checks each
 * call as it did the direct ones.  libxentoollog (the logger libxl is
 * given) stays linked: libxenvchan needs it anyway.
 */
#ifndef XL_OCI_COMMON_XENLIGHT_LIB_H
#define XL_OCI_COMMON_XENLIGHT_LIB_H

#include <libxl.h>
#include <libxl_json.h>
#include <libxl_utils.h>
#include <libxlutil.h>
#include <yajl/yajl_gen.h>

#include "common/dlib.h"
#include "common/error.h"

/* The functions xl-oci calls: (field, the library's function). */
#define XO_XL_FUNCS(X)                                                         \
    X(action_on_shutdown_to_string, libxl_action_on_shutdown_to_string)        \
    X(bitmap_init, libxl_bitmap_init)                                          \
    X(ctx_alloc, libxl_ctx_alloc)                                              \
    X(ctx_free, libxl_ctx_free)                                                \
    X(device_disk_add, libxl_device_disk_add)                                  \
    X(device_disk_destroy, libxl_device_disk_destroy)                          \
    X(device_disk_dispose, libxl_device_disk_dispose)                          \
    X(device_disk_init, libxl_device_disk_init)                                \
    X(device_disk_list, libxl_device_disk_list)                                \
    X(device_disk_list_free, libxl_device_disk_list_free)                      \
    X(device_disk_remove, libxl_device_disk_remove)                            \
    X(device_nic_add, libxl_device_nic_add)                                    \
    X(device_nic_dispose, libxl_device_nic_dispose)                            \
    X(device_nic_init, libxl_device_nic_init)                                  \
    X(device_nic_remove, libxl_device_nic_remove)                              \
    X(device_p9_init, libxl_device_p9_init)                                    \
    X(domain_build_info_init_type, libxl_domain_build_info_init_type)          \
    X(domain_config_copy, libxl_domain_config_copy)                            \
    X(domain_config_dispose, libxl_domain_config_dispose)                      \
    X(domain_config_from_json, libxl_domain_config_from_json)                  \
    X(domain_config_gen_json, libxl_domain_config_gen_json)                    \
    X(domain_config_init, libxl_domain_config_init)                            \
    X(domain_create_new, libxl_domain_create_new)                              \
    X(domain_destroy, libxl_domain_destroy)                                    \
    X(domain_info, libxl_domain_info)                                          \
    X(domain_pause, libxl_domain_pause)                                        \
    X(domain_sched_params_dispose, libxl_domain_sched_params_dispose)          \
    X(domain_sched_params_get, libxl_domain_sched_params_get)                  \
    X(domain_sched_params_init, libxl_domain_sched_params_init)                \
    X(domain_sched_params_set, libxl_domain_sched_params_set)                  \
    X(domain_shutdown, libxl_domain_shutdown)                                  \
    X(domain_unpause, libxl_domain_unpause)                                    \
    X(domid_to_name, libxl_domid_to_name)                                      \
    X(get_memory_target, libxl_get_memory_target)                              \
    X(dominfo_dispose, libxl_dominfo_dispose)                                  \
    X(dominfo_init, libxl_dominfo_init)                                        \
    X(name_to_domid, libxl_name_to_domid)                                      \
    X(scheduler_to_string, libxl_scheduler_to_string)                          \
    X(set_memory_target, libxl_set_memory_target)                              \
    X(shutdown_reason_from_string, libxl_shutdown_reason_from_string)          \
    X(uuid_from_string, libxl_uuid_from_string)                                \
    X(uuid_generate, libxl_uuid_generate)                                      \
    X(uuid_is_nil, libxl_uuid_is_nil)                                          \
    X(vdev_to_device_disk, libxl_vdev_to_device_disk)

#define XO_XLU_FUNCS(X)                                                        \
    X(cfg_destroy, xlu_cfg_destroy)                                            \
    X(cfg_get_list, xlu_cfg_get_list)                                          \
    X(cfg_get_listitem, xlu_cfg_get_listitem)                                  \
    X(cfg_get_string, xlu_cfg_get_string)                                      \
    X(cfg_init, xlu_cfg_init)                                                  \
    X(cfg_readdata, xlu_cfg_readdata)                                          \
    X(disk_parse, xlu_disk_parse)                                              \
    X(vif_parse_rate, xlu_vif_parse_rate)

#define XO_YAJL_FUNCS(X)                                                       \
    X(gen_alloc, yajl_gen_alloc)                                               \
    X(gen_config, yajl_gen_config)                                             \
    X(gen_free, yajl_gen_free)                                                 \
    X(gen_get_buf, yajl_gen_get_buf)

struct xo_xl_fns {
    XO_XL_FUNCS(XO_DLIB_FIELD)
};
struct xo_xlu_fns {
    XO_XLU_FUNCS(XO_DLIB_FIELD)
};
struct xo_yajl_fns {
    XO_YAJL_FUNCS(XO_DLIB_FIELD)
};

/* Valid after xo_xenlight_load() returned 0. */
extern struct xo_xl_fns xo_xl;
extern struct xo_xlu_fns xo_xlu;
extern struct xo_yajl_fns xo_yajl;

/*
 * Opens libxenlight, libxlutil and libyajl (XO_XENLIGHT_SONAME,
 * XO_XLUTIL_SONAME, XO_YAJL_SONAME, from configure) once per process;
 * errors as xo_dlib_load(), naming the library that failed.
 */
int xo_xenlight_load(xo_err *err);

/* True once xo_xenlight_load() succeeded (what a dispose checks). */
bool xo_xenlight_loaded(void);

#endif
