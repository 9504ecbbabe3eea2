# containerd-bench.sh (make bench, issue 14): `ctr run` to the
# entrypoint's first output against `xl-oci create` of the same image, side
# by side in one lab boot.
# lab-needs: containerd
# lab-timeout: 1200
ctrd_start || exit 1
# A first run builds the root volume from containerd's snapshot (cached
# for the next containers of the same layers): not what is measured.
t0=$(lab_now)
"${RUN[@]}" --rm "$IMG" warm /bin/sh -c 'echo warm' >/dev/null 2>&1
echo "BENCH ctr-first-run $(lab_elapsed "$t0")"
# Both after a first run built the root volume (containerd's snapshot is
# cached by xl-oci-runc; xl-oci's by the pull), each measured from the
# command's start to the entrypoint's first line: on ctr's stdout, and in
# `xl-oci logs` (polled every 0.1 s, as the placeholder polls the log);
# five runs of each, alternating; the median is reported.
xl-oci pull -q "oci:$TOOLS/images/img:latest" >"$LAB_WORK/pull.out" 2>&1 ||
    lab_fail pull-same-image "$(tail -n 3 "$LAB_WORK/pull.out")"
for n in 1 2 3 4 5; do
    t0=$(lab_now)
    first=$("${RUN[@]}" --rm "$IMG" "b$n" /bin/sh -c 'echo first-output' 2>/dev/null | head -n 1)
    [ "$first" = first-output ] && echo "BENCH ctr-run-first-output $(lab_elapsed "$t0")"
    printf 'name = "x%s"\noci_image = "oci:%s:latest"\noci_cmd = [ "/bin/sh", "-c", "echo first-output" ]\n' \
        "$n" "$TOOLS/images/img" >"$LAB_WORK/x$n.cfg"
    t0=$(lab_now)
    if xl-oci create "$LAB_WORK/x$n.cfg" >"$LAB_WORK/x$n.out" 2>&1; then
        for ((i = 0; i < 1200; i++)); do
            xl-oci logs "x$n" 2>/dev/null | grep -q '^first-output' && break
            sleep 0.1
        done
        xl-oci logs "x$n" 2>/dev/null | grep -q '^first-output' &&
            echo "BENCH xloci-create-first-output $(lab_elapsed "$t0")"
    else
        lab_log "xl-oci create x$n: $(tail -n 2 "$LAB_WORK/x$n.out")"
    fi
    xl-oci destroy "x$n" >/dev/null 2>&1
done

# Where ctr run's time goes: one more run (not in the medians) through a
# wrapper that stamps each runtime call's start and end (uptime seconds),
# so the gap splits into containerd + shim before create, create, the
# shim between create and start, start, and start -> first output.
trace=$LAB_WORK/runc-trace
cat >"$LAB_WORK/traced-runc" <<SH
#!/bin/sh
verb=
for a in "\$@"; do case "\$a" in create|start|state|kill|delete|features) verb=\$a; break;; esac; done
echo "\$(cut -d' ' -f1 /proc/uptime) begin \$verb" >>"$trace"
"$(command -v xl-oci-runc)" "\$@"
rc=\$?
echo "\$(cut -d' ' -f1 /proc/uptime) end \$verb" >>"$trace"
exit \$rc
SH
chmod +x "$LAB_WORK/traced-runc"
: >"$trace"
t0=$(lab_now)
first=$(C run --runtime io.containerd.runc.v2 --runc-binary "$LAB_WORK/traced-runc" --rm "$IMG" tr \
    /bin/sh -c 'echo first-output' 2>/dev/null | head -n 1)
t1=$(lab_now)
if [ "$first" = first-output ]; then
    awk -v t0="$t0" -v t1="$t1" '
        $2 == "begin" && !($3 in b) { b[$3] = $1 }
        $2 == "end" && !($3 in e) { e[$3] = $1 }
        END {
            printf "BENCH trace-before-create %.2f\n", b["create"] - t0
            printf "BENCH trace-create %.2f\n", e["create"] - b["create"]
            printf "BENCH trace-between %.2f\n", b["start"] - e["create"]
            printf "BENCH trace-start %.2f\n", e["start"] - b["start"]
            printf "BENCH trace-to-output %.2f\n", t1 - e["start"]
        }' "$trace"
else
    lab_log "traced run: no first output: $(cat "$trace")"
fi
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
true
