#!/bin/bash
# check-includes.sh: the include graph between the project's folders
# (DESIGN.md's "talks to" column).  Prints one line per offending
# include and exits 1 when there is any:
#   - a forbidden edge: domcfg -> loader, the guest (loader/xen-tools) ->
#     any host folder, image -> xl-plugin, netback -> xl-plugin or image,
#     common -> anything of ours outside common/;
#   - a bare include ("error.h") of a header in another folder: it resolves
#     only through -Icommon and collides with system headers of the same
#     name (glibc's and json-c's error.h), so it must say its folder
#     ("common/error.h").
# Run by tier 95 over every tracked C file.
set -u
cd "$(dirname "$0")/.."
bad=0
# folder_of PATH: the component a file belongs to.
folder_of() {
    case $1 in
    loader/xen-tools/mkcpio.c) echo loader ;; # a build tool, runs on the host
    loader/xen-tools/*) echo guest ;;
    common/*) echo common ;;
    */*) echo "${1%%/*}" ;;
    *) echo top ;;
    esac
}
forbidden() { # FROM TO
    case "$1>$2" in
    domcfg\>loader | domcfg\>guest) return 0 ;;
    guest\>xl-plugin | guest\>image | guest\>domcfg | guest\>netback | \
        guest\>verifier | guest\>loader) return 0 ;;
    image\>xl-plugin) return 0 ;;
    netback\>xl-plugin | netback\>image) return 0 ;;
    common\>common | common\>top) return 1 ;;
    common\>*) return 0 ;;
    esac
    return 1
}
while IFS= read -r f; do
    from=$(folder_of "$f")
    dir=$(dirname "$f")
    while IFS= read -r line; do
        inc=${line#*\"}
        inc=${inc%%\"*}
        target=
        if [ -f "$dir/$inc" ]; then
            target=$dir/$inc
        elif [ -f "$inc" ]; then
            target=$inc
        elif [ -f "common/$inc" ]; then
            target=common/$inc
            if [ "$dir" != common ]; then
                echo "$f: #include \"$inc\" is common/$inc: name its folder"
                bad=1
            fi
        else
            continue # generated or system header
        fi
        to=$(folder_of "$target")
        if [ "$from" != "$to" ] && forbidden "$from" "$to"; then
            echo "$f: #include \"$inc\": $from must not include $to ($target)"
            bad=1
        fi
    done < <(grep -E '^#[[:space:]]*include[[:space:]]+"' "$f")
done < <(git ls-files '*.c' '*.h' | grep -v '^tests/')
exit $bad
