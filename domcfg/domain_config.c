/* domain_config.c: init/dispose of struct domain_config. */
#include "domain_config.h"

#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "vif.h"

void domain_config_init(struct domain_config *dc)
{
    memset(dc, 0, sizeof(*dc));
    dc->cpu_weight = -1;
    dc->cap = -1;
}

void domain_config_dispose(struct domain_config *dc)
{
    char **strs[] = {
        &dc->name,
        &dc->uuid,
        &dc->cpus,
        &dc->on_poweroff,
        &dc->on_reboot,
        &dc->on_crash,
        &dc->root_volume,
        &dc->rootfs_image,
        &dc->rootfs_fstype,
        &dc->rootfs_vdev,
        &dc->image_config_path,
        &dc->os,
        &dc->architecture,
        &dc->loader_dir,
        &dc->kernel,
        &dc->ramdisk,
        &dc->cmdline,
        &dc->cwd,
        &dc->user,
        &dc->user_from,
        &dc->hostname,
        &dc->netns_path,
        &dc->cgroups_path,
        &dc->writable_size,
        &dc->writable_source,
        &dc->writable_vdev,
        &dc->writable_volume,
        &dc->binds_image,
        &dc->binds_vdev,
        &dc->gateway,
        &dc->ports_where,
        &dc->where_volumes,
        &dc->where_writable,
    };
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
        free(*strs[i]);
    for (size_t i = 0; i < dc->n_vifs; i++)
        vif_dispose(&dc->vifs[i]);
    for (size_t i = 0; i < dc->n_disks; i++)
        free(dc->disks[i]);
    for (size_t i = 0; i < dc->n_volumes; i++) {
        free(dc->volumes[i].source);
        free(dc->volumes[i].target);
        free(dc->volumes[i].vdev);
        free(dc->volumes[i].name);
        free(dc->volumes[i].size);
        free(dc->volumes[i].tmpfs_opts);
        free(dc->volumes[i].fstype);
        free(dc->volumes[i].subpath);
        free(dc->volumes[i].share_dir);
        free(dc->volumes[i].where);
    }
    for (size_t i = 0; i < dc->n_bind_entries; i++) {
        free(dc->bind_entries[i].path);
        free(dc->bind_entries[i].data);
    }
    free(dc->bind_entries);
    free(dc->groups);
    for (size_t i = 0; i < dc->n_dns; i++) {
        free(dc->dns[i]);
        free(dc->dns_domain[i]);
    }
    for (size_t i = 0; i < dc->n_search; i++)
        free(dc->search[i]);
    xo_strv_free(dc->args);
    xo_strv_free(dc->env);
    xo_strv_free(dc->labels);
    xo_strv_free(dc->warnings);
    xo_strv_free(dc->sysctls);
    xo_strv_free(dc->masked_paths);
    xo_strv_free(dc->readonly_paths);
    domain_config_init(dc);
}
