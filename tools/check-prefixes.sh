#!/bin/bash
# check-prefixes.sh: every symbol a folder's objects export (nm's global
# defined symbols: functions and data) starts with one of that folder's
# prefixes, so that a name says which folder defines it and never borrows
# a library's (our xenstore client once defined libxenstore's xs_open).
# The table below is the convention (docs/decisions.md, "Exported names:
# a set of prefixes per folder"): a folder's own prefix, else the name of
# the module (file) that defines the symbol.  A prefix P covers P itself
# and P_*; `main` is allowed in any folder's programs.  Also checked:
#   - no prefix of one folder covers another folder's (image would cover
#     image_config), so a name leads to one folder only;
#   - no prefix covers or is covered by a library's (xs, libxl, json...).
# Reads build/obj/FOLDER/NAME.o of every tracked FOLDER/NAME.c (run after
# make all); a folder with C files and no row here is an error too.
# Prints one line per offence and exits 1 when there is any.  Run by tier 95.
set -u
cd "$(dirname "$0")/.."
OBJ=${OBJ:-build/obj}

declare -A PREFIXES=(
    [common]="xo"
    [common/abi]="domain_state guest_phase guest_meminfo oci_cap oci_rlimit oci_tmpfs exec_reader
        exec_request exec_resize exec_signal exec_exit exec_error exec_data
        exec_ok exec_started exec_container event_type restart start_gate oci_sysctl"
    [domcfg]="domcfg app_cfg domain_config env_merge exec_size fstype merge
        metadata net_request process_limits runtime_spec signal vif"
    [hotplug]=""
    [image]="image auth blob_writer blob_tap blobstore bundle erofs fsat gunzip http
        config_rootfs layer_feed layer_xattr layerpath layout manifest mountinfo pull_meter refstore
        registry scratch signature strset unpack volstore volume whiteout
        tar_index tar_entry oci_archive docker_archive"
    [loader]="loader cpio"
    [loader/xen-tools]="boot_spec bs devfs inline_binds modules mounts netcfg dnsfwd privileges
        report run safepath exec_server exec_session pod_container exec_child
        startgate stdio_relay sysctls frontends"
    [netback]="nb netback"
    [verifier]="digest cosign crypto_lib"
    [xl-plugin]="main cmd create guest_report inspect loopdev metastore stats
        monitor netattach nohyper placeholder runc state status volattach share_views xen exec_client journal
        console_log"
)
# Prefixes of the libraries we link (and of libxenstore, which we wrap).
LIB_PREFIXES="xs xc xtl xenstore libxl xlu json curl fdt mnl nft archive
    yajl EVP SSL OPENSSL CRYPTO cmocka"

bad=0
covers() { # PREFIX NAME: does PREFIX cover NAME?
    [ "$2" = "$1" ] || [[ $2 == "$1"_* ]]
}

# The table itself: prefixes that lead to one folder only, none a library's.
for f1 in "${!PREFIXES[@]}"; do
    for p1 in ${PREFIXES[$f1]}; do
        for f2 in "${!PREFIXES[@]}"; do
            [ "$f1" = "$f2" ] && continue
            for p2 in ${PREFIXES[$f2]}; do
                if covers "$p1" "$p2"; then
                    echo "table: $f1's prefix $p1 covers $f2's $p2"
                    bad=1
                fi
            done
        done
        for l in $LIB_PREFIXES; do
            if covers "$p1" "$l" || covers "$l" "$p1"; then
                echo "table: $f1's prefix $p1 and the library prefix $l overlap"
                bad=1
            fi
        done
    done
done

# The objects: each folder's own C files (not its subfolders').  One nm
# for all of them (nm's start-up costs more than its work).
declare -A FOLDER_OF=() # object -> folder
while IFS= read -r src; do
    folder=${src%/*}
    if [ -z "${PREFIXES[$folder]+set}" ]; then
        echo "$src: no prefixes for $folder/ in $0"
        bad=1
        continue
    fi
    obj=$OBJ/${src%.c}.o
    if [ ! -f "$obj" ]; then
        echo "$src: no object $obj (run make all first)"
        bad=1
        continue
    fi
    FOLDER_OF[$obj]=$folder
done < <(git ls-files '*.c' | grep -Ev '^(tests|tools)/' | grep /)

if [ ${#FOLDER_OF[@]} -gt 0 ]; then
    while IFS= read -r line; do
        obj=${line%%:*}
        sym=${line##* }
        [ "$sym" = main ] && continue
        folder=${FOLDER_OF[$obj]}
        ok=0
        for p in ${PREFIXES[$folder]}; do
            if covers "$p" "$sym"; then
                ok=1
                break
            fi
        done
        if [ $ok = 0 ]; then
            echo "${obj#"$OBJ"/}: $sym: exported without a prefix of" \
                "$folder/ ($(echo ${PREFIXES[$folder]}))"
            bad=1
        fi
    done < <(nm -g --defined-only -A "${!FOLDER_OF[@]}")
fi
exit $bad
