# pod-soak.sh: lab 36's pod-in-one-domain sequence through containerd,
# twelve times over: a sandbox boots the pod's domain, a web member is
# hot-added and must serve on the pod's CNI address; each round's member
# output (--log-uri) and the pod domain's console are kept for a failed
# one.  Not part of the suite (about 6 minutes); run by hand to look for
# races in the member path:
#   tools/lab/lab run tests/lab/bench/pod-soak.sh
# It found block-loop's race with blkback (1 round in 12 failed with
# "mount /dev/xvdb (erofs): Invalid argument"; docs/decisions.md).
# lab-needs: containerd
# lab-timeout: 1500
lab_ctrd_start || exit 1
mkdir -p /etc/cni/net.d /opt/cni /var/lib/cni
ln -sfn "$TOOLS/cni" /opt/cni/bin
cni() { # ADD|DEL N
    printf '%s' '{ "cniVersion": "1.0.0", "name": "xloci-cni", "type": "bridge",
      "bridge": "cni0", "isGateway": true, "ipMasq": false,
      "ipam": { "type": "host-local", "ranges": [ [ { "subnet": "10.88.0.0/16" } ] ],
                "routes": [ { "dst": "0.0.0.0/0" } ] } }' |
    CNI_COMMAND=$1 CNI_CONTAINERID=ps$2 CNI_NETNS=/run/netns/ps$2 CNI_IFNAME=eth0 \
        CNI_PATH=/opt/cni/bin /opt/cni/bin/bridge 2>"$LAB_WORK/cni$2.err"
}
# warm the image's volume
"${RUN[@]}" --rm "$IMG" warm /bin/sh -c true >/dev/null 2>&1
N=12
for ((k = 1; k <= N; k++)); do
    ip netns add ps$k
    pip=$(cni ADD $k | sed -n 's/.*"address": *"\(10\.88\.[0-9.]*\)\/.*/\1/p' | head -n 1)
    [ -n "$pip" ] || { lab_fail "cni-$k" "$(cat "$LAB_WORK/cni$k.err")"; break; }
    t0=$(lab_now)
    "${RUN[@]}" -d --with-ns network:/run/netns/ps$k \
        --annotation io.kubernetes.cri.container-type=sandbox --annotation org.xl-oci.pod-domain=true \
        "$IMG" ps$k-sb /bin/sleep 100000 >/dev/null 2>&1
    for ((i = 0; i < 300; i++)); do C task ls | grep -q "^ps$k-sb .*RUNNING" && break; sleep 0.2; done
    sb=$(C task ls | awk -v n=ps$k-sb '$1 == n { print $2 }')
    t1=$(lab_now)
    "${RUN[@]}" -d --log-uri "file://$LAB_WORK/web$k.log" --with-ns "network:/proc/$sb/ns/net" \
        --annotation io.kubernetes.cri.container-type=container \
        --annotation io.kubernetes.cri.sandbox-id=ps$k-sb "$IMG" ps$k-web /bin/sh -c \
        'mkdir -p /www && echo in-one-domain >/www/index.html && exec httpd -f -p 80 -h /www' >"$LAB_WORK/webrun$k.out" 2>&1
    t2=$(lab_now)
    page=""
    for ((i = 0; i < 40; i++)); do
        page=$(fetch "http://$pip/index.html" 5) && [ "$page" = in-one-domain ] && break
        sleep 0.5
    done
    t3=$(lab_now)
    if [ "$page" = in-one-domain ]; then
        lab_ok "round-$k" "sb $(awk -v a=$t0 -v b=$t1 'BEGIN{print b-a}') web-run $(awk -v a=$t1 -v b=$t2 'BEGIN{print b-a}') served $(awk -v a=$t2 -v b=$t3 'BEGIN{print b-a}')"
    else
        lab_fail "round-$k" "got '$page'; web log: $(tr '\n' ' ' <"$LAB_WORK/web$k.log" | head -c 600); run: $(head -c 300 "$LAB_WORK/webrun$k.out"); tasks: $(C task ls | grep ps$k | tr '\n' ' ')"
        { echo "--- containerd log"; tail -n 30 "$CD/containerd.log"; echo "--- xl-oci logs"; xl-oci logs ps$k-sb 2>&1 | tail -n 40; } >&2
    fi
    C task kill -s SIGKILL ps$k-web >/dev/null 2>&1
    for ((i = 0; i < 100; i++)); do C task ls | grep -q "^ps$k-web .*STOPPED" && break; sleep 0.2; done
    C task delete ps$k-web >/dev/null 2>&1
    C task kill -s SIGKILL ps$k-sb >/dev/null 2>&1
    for ((i = 0; i < 100; i++)); do C task ls | grep -q "^ps$k-sb .*STOPPED" && break; sleep 0.2; done
    C task delete ps$k-sb >/dev/null 2>&1
    C container rm ps$k-web ps$k-sb >/dev/null 2>&1
    cni DEL $k >/dev/null 2>&1
    ip netns del ps$k
done
