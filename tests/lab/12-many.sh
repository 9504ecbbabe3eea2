# 12-many.sh: eight container domains created back to back, then destroyed:
# every create succeeds and nothing leaks (domains, xenstore nodes, loop
# devices, state dirs, monitors).  They are created paused (-p): the whole
# create path runs (state dir, ramdisk, libxl, disk and vif hotplug,
# DomainStatus, monitor) without eight guest kernels booting at once under
# TCG, which would only measure the emulator.
# lab-timeout: 600

export XL_OCI_ROOT=$LAB_WORK/state
cp -a /usr/lib/xl-oci-lab/images/probe "$LAB_WORK/probe"
ok=0
t0=$(lab_now)
for i in 1 2 3 4 5 6 7 8; do
    printf 'name = "m%s"\nmemory = 96\noci_root = "%s"\noci_cmd = [ "sleep", "600000" ]\n' \
        "$i" "$LAB_WORK/probe" >"$LAB_WORK/m$i.cfg"
    xl-oci create -p "$LAB_WORK/m$i.cfg" >/dev/null && ok=$((ok + 1))
done
[ $ok -eq 8 ] && lab_ok eight-creates "in $(lab_elapsed "$t0")s" || lab_fail eight-creates "$ok of 8 succeeded"
n=$(xl-oci list | grep -c ' paused ')
[ "$n" -eq 8 ] && lab_ok list-shows-eight-paused || lab_fail list-shows-eight-paused "list shows $n paused"
n=$(xl list | grep -cE '^m[1-8] ')
[ "$n" -eq 8 ] && lab_ok xl-shows-eight || lab_fail xl-shows-eight "xl list shows $n"
for i in 1 2 3 4 5 6 7 8; do xl-oci destroy "m$i"; done
sleep 1
left=""
[ "$(xl list | tail -n +3 | wc -l)" -eq 0 ] || left="$left domains:$(xl list | tail -n +3 | awk '{print $1}' | tr '\n' ,)"
xenstore-list /tool/xl-oci 2>/dev/null | grep -q . && left="$left xenstore"
[ -n "$(losetup -a 2>/dev/null)" ] && left="$left loops:$(losetup -a | tr '\n' ' ')"
ls "$XL_OCI_ROOT/domains" 2>/dev/null | grep -q . && left="$left state-dirs"
for c in /proc/[0-9]*/comm; do
    case "$(cat "$c" 2>/dev/null)" in
    xl-oci | xl-oci-monitor) left="$left monitors"; break ;;
    esac
done
[ -z "$left" ] && lab_ok nothing-leaks || lab_fail nothing-leaks "left:$left"
