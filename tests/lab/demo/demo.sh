# demo.sh: the README's first command, inside the lab's dom0: pull the real
# "web" image (nginx-light from Debian packages, tools/realimages/) from a
# registry on dom0's loopback, run it as a Xen domain with xl-oci, fetch
# its page from dom0, show list, status and logs, stop it (SIGQUIT, the
# image's StopSignal) and show its exit code.  Not part of the test tiers:
# tools/demo.sh runs it, with LAB_EXTRA holding the registry and its data.
# lab-timeout: 1200

export XL_OCI_ROOT=$LAB_WORK/state
# dnsmasq runs as nobody and reads its hosts file under the state root,
# which must be reachable as it is under /var/lib/xl-oci.
chmod 755 "$LAB_WORK" "$(dirname "$LAB_WORK")"
export PATH=/usr/lib/xl-oci-lab/extra/bin:$PATH   # mkfs.erofs
reg=/usr/lib/xl-oci-lab/extra/registry
ref=docker://127.0.0.1:5000/web:1

# The container's network, in one place: the app.cfg lines that connect
# it and the address dom0 fetches the page from.  The "default" managed
# network (made on first use: address, DNS, NAT, anti-spoofing) with the
# container's port 8080 published on dom0's port 8080.
net_cfg() { printf '%s\n' 'oci_network = [ "default" ]' 'oci_ports = [ "8080:8080" ]'; }
net_addr() { echo 127.0.0.1; }

show() { echo; echo "dom0# $*"; "$@"; }
fetch() { busybox timeout 5 busybox wget -q -O - "$1"; }

[ -x "$reg/docker-registry" ] ||
    { lab_fail demo-registry "no registry in $reg (run tools/demo.sh)"; exit 1; }
cp -a "$reg/data" "$LAB_WORK/registry"
printf 'version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s}\nhttp:\n  addr: 127.0.0.1:5000\n' \
    "$LAB_WORK/registry" > "$LAB_WORK/registry.yml"
"$reg/docker-registry" serve "$LAB_WORK/registry.yml" > "$LAB_WORK/registry.log" 2>&1 &
reg_pid=$!
trap 'kill $reg_pid 2>/dev/null' EXIT
for _ in $(seq 100); do
    fetch http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && break
    sleep 0.2
done

show xl-oci pull --plain-http "$ref" || { lab_fail demo-pull "xl-oci pull $ref failed"; exit 1; }
cat > "$LAB_WORK/web.cfg" <<CFG
name = "web"
memory = 128
$(net_cfg)
oci_image = "$ref"
CFG
show cat "$LAB_WORK/web.cfg"
show xl-oci create "$LAB_WORK/web.cfg" || { lab_fail demo-create "xl-oci create failed"; exit 1; }

# The guest boots under emulation (16-90 s): wait for nginx to answer.
url=http://$(net_addr):8080/
t0=$(lab_now)
page=
while [ "$(lab_elapsed "$t0" | cut -d. -f1)" -lt 240 ]; do
    page=$(fetch "$url" 2>/dev/null) && break
    sleep 2
done
echo; echo "dom0# wget -q -O - $url"
echo "$page"
case $page in
*"Hello from nginx in a Xen domain"*) lab_ok demo-page "served to dom0 after $(lab_elapsed "$t0")s" ;;
*) lab_fail demo-page "no page from $url within 240 s" ;;
esac
show xl-oci list
show xl-oci network inspect default
show xl-oci status web
show xl-oci logs web
xl-oci logs web 2>/dev/null | grep -q '"GET / HTTP/1.1" 200' &&
    lab_ok demo-access-log "nginx's access log (/dev/stdout) reached xl-oci logs" ||
    lab_fail demo-access-log "no access log line in xl-oci logs"
show xl-oci stop web
echo; echo "dom0# xl-oci wait web"
xl-oci wait web; rc=$?
echo "(exit status $rc)"
show xl-oci logs --tail 4 web
xl-oci logs web > "$LAB_WORK/web.log" 2>&1
show xl-oci destroy web
show xl-oci list
[ $rc -eq 0 ] && grep -q "gracefully shutting down" "$LAB_WORK/web.log" &&
    lab_ok demo-stop "SIGQUIT: nginx shut down gracefully, exit code 0" ||
    lab_fail demo-stop "wait returned $rc (expected 0 after a graceful SIGQUIT shutdown)"
