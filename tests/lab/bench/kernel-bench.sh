# kernel-bench.sh: issue 17's benchmark, in the lab's dom0 (tools/bench.sh
# runs it with BENCH_ONLY=kernel; the test tiers do not).  The loader's own
# kernel (the default loader, xen-tools) against Debian's (xen-tools-debian),
# in one lab boot, both with the probe root volume:
#   - `xl create -p` (domain build: libxenguest loads kernel and ramdisk)
#     and unpause -> phase=exec, in pairs, the two kernels alternating;
#   - the smallest memory (MiB) at which the probe runs and exits 0, found
#     by bisection with plain `xl create` (so create's own floor does not
#     interfere), to 2 MiB.
# Prints "BENCH kernel_create_paused OWN DEBIAN", "BENCH
# kernel_unpause_to_exec OWN DEBIAN" per pair and "BENCH
# kernel_min_memory_mb OWN DEBIAN" once.
# lab-timeout: 3000

vol=/usr/lib/xl-oci-lab/images/probe
own=/usr/lib/xl-oci/loader/xen-tools
deb=/usr/lib/xl-oci/loader/xen-tools-debian
for d in "$own" "$deb"; do
    [ -f "$d/kernel" ] && [ -f "$d/initramfs" ] ||
        { lab_fail setup "no loader in $d (make loader)"; exit 1; }
done
cp "$vol/rootfs.erofs" "$LAB_WORK/rootfs.erofs" || { lab_fail setup "no probe volume"; exit 1; }
# libxenguest mmaps the kernel: keep both on tmpfs (docs/lab.md); the
# helpers boot $LAB_WORK/kernel, a link switched between them.
cp "$own/kernel" "$LAB_WORK/kernel-own"
cp -L "$deb/kernel" "$LAB_WORK/kernel-debian"
xs() { xenstore-read "/local/domain/$1/data/xl-oci/$2" 2>/dev/null; }

# use own|debian: the helpers' ldir and kernel become that loader's.
use() {
    case $1 in
    own) ldir=$own ;;
    debian) ldir=$deb ;;
    esac
    ln -sfn "$LAB_WORK/kernel-$1" "$LAB_WORK/kernel"
}

# timed KIND N: prints "CREATE_SECONDS EXEC_SECONDS" for one paused create
# and unpause -> phase=exec.
timed() {
    local name=kb$1$2 domid t0 t1 c
    use "$1"
    # The probe sleeps: with `exit 0`, phase can pass from exec to exited
    # between two polls and the wait would miss it.
    ramdisk "$name" '[ "sleep", "600000" ]' || return 1
    t0=$(lab_now)
    domid=$(boot "$name" "" -p) || return 1
    c=$(lab_elapsed "$t0")
    t1=$(lab_now)
    xl unpause "$name"
    if ! lab_wait_xs "/local/domain/$domid/data/xl-oci/phase" 240 exec >/dev/null; then
        lab_log "$name: phase '$(xs "$domid" phase)' error '$(xs "$domid" error)'"
        lab_guest_console "$name" | tail -15 >&2
        xl destroy "$name" 2>/dev/null
        return 1
    fi
    echo "$c $(lab_elapsed "$t1")"
    xl destroy "$name" 2>/dev/null
}

for i in $(seq "${BENCH_RUNS:-3}"); do
    if o=$(timed own "$i") && d=$(timed debian "$i"); then
        echo "BENCH kernel_create_paused ${o% *} ${d% *}"
        echo "BENCH kernel_unpause_to_exec ${o#* } ${d#* }"
        lab_ok "pair-$i" "create -p own ${o% *}s debian ${d% *}s; unpause->exec own ${o#* }s debian ${d#* }s"
    else
        lab_fail "pair-$i" "a bench guest did not reach exec"
    fi
done

# runs KIND MEM: the probe `exit 0` at MEM MiB reaches phase=exited with
# exit code 0.  Gives up as soon as the domain is gone, shut down or
# crashed (an out-of-memory boot panics), else after 240 s.
runs() {
    local name=km$1$2 domid i st
    use "$1"
    # dom0's root is RAM: each try's ramdisk (4 MB for Debian's) goes.
    rm -f "$LAB_WORK"/km*.ramdisk
    rm -rf "$LAB_WORK"/km*.tail
    ramdisk "$name" '[ "exit", "0" ]' || return 1
    lab_pv_config "$LAB_WORK/$name.xl" "$name" "$LAB_WORK/$name.ramdisk" \
        "kernel = \"$LAB_WORK/kernel\"" "extra = \"console=hvc0 quiet\"" \
        "disk = [ \"format=raw,vdev=xvda,access=ro,target=$LAB_WORK/rootfs.erofs\" ]"
    sed -i "s/^memory = .*/memory = $2/" "$LAB_WORK/$name.xl"
    # A create that failed for something else than memory (a hotplug
    # script's timeout on a loaded machine) is tried once more.
    if ! xl create "$LAB_WORK/$name.xl" >"$LAB_WORK/$name.create" 2>&1 &&
        { grep -q -i -e 'too large' -e 'out of memory' "$LAB_WORK/$name.create" ||
            { xl destroy "$name" >/dev/null 2>&1; ! xl create "$LAB_WORK/$name.xl" >"$LAB_WORK/$name.create" 2>&1; }; }; then
        lab_log "$1 at $2 MiB: xl create failed: $(grep -m1 -i -e error -e 'too large' "$LAB_WORK/$name.create")"
        return 1
    fi
    domid=$(xl domid "$name")
    for ((i = 0; i < 1200; i++)); do
        if [ "$(xs "$domid" phase)" = exited ]; then
            [ "$(xs "$domid" exit-code)" = 0 ]
            st=$?
            xl destroy "$name" 2>/dev/null
            return $st
        fi
        st=$(xl list "$name" 2>/dev/null | awk 'NR == 2 { print $5 }')
        case $st in *s* | *c* | "") break ;; esac
        sleep 0.2
    done
    # The probe exits at once: the domain may power off between the phase
    # read and the state read, its keys kept (on_poweroff = preserve).
    if [ "$(xs "$domid" phase)" = exited ] && [ "$(xs "$domid" exit-code)" = 0 ]; then
        xl destroy "$name" 2>/dev/null
        return 0
    fi
    lab_log "$1 at $2 MiB: phase '$(xs "$domid" phase)', state '$st': $(lab_guest_console "$name" | grep -m1 -i -e 'out of memory' -e panic -e 'xl-oci-loader: failed')"
    xl destroy "$name" 2>/dev/null
    return 1
}

# floor KIND LO HI: bisection between a failing LO and a working HI MiB;
# "<=LO" when LO works too (the bounds are guesses, to spare boots).
floor() {
    local kind=$1 lo=$2 hi=$3 mid
    runs "$kind" "$hi" || { echo "n/a"; return 1; }
    runs "$kind" "$lo" && { echo "<=$lo"; return 0; }
    while [ $((hi - lo)) -gt 2 ]; do
        mid=$(((lo + hi) / 2))
        if runs "$kind" "$mid"; then hi=$mid; else lo=$mid; fi
        lab_log "$kind: works at $hi MiB, not at $lo MiB"
    done
    echo "$hi"
}
fo=$(floor own 16 40) || fo=$(floor own 40 128)
fd=$(floor debian 72 100) || fd=$(floor debian 100 192)
echo "BENCH kernel_min_memory_mb $fo $fd"
[ "$fo" != n/a ] && [ "$fd" != n/a ] && lab_ok min-memory "own ${fo} MiB, debian ${fd} MiB" ||
    lab_fail min-memory "own '$fo' debian '$fd'"
true
