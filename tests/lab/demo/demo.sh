# demo.sh: the README's first command, inside the lab's dom0: run the
# bundled probe image as a Xen domain with xl-oci and show what an admin
# sees.  Not part of the test tiers (tools/demo.sh runs it).
# lab-timeout: 400

export XL_OCI_ROOT=$LAB_WORK/state
cp -a /usr/lib/xl-oci-lab/images/probe "$LAB_WORK/probe"
cat >"$LAB_WORK/hello.cfg" <<CFG
name = "hello"
memory = 128
vif = [ "bridge=$LAB_BRIDGE,ip=10.99.0.2/24" ]
oci_root = "$LAB_WORK/probe"
oci_env = [ "GREETING=hello from a Xen domain" ]
oci_cmd = [ "args", "env", "cwd", "ids", "hostname", "mounts", "exit", "3" ]
CFG
show() { echo; echo "dom0# $*"; "$@"; }
show cat "$LAB_WORK/hello.cfg"
show xl-oci create "$LAB_WORK/hello.cfg" || { lab_fail demo-create "xl-oci create failed"; exit 1; }
show xl-oci list
show xl list
echo; echo "dom0# xl-oci wait hello"
xl-oci wait hello; rc=$?
echo "(exit status $rc)"
show xl-oci logs hello
show xl-oci status hello
show xl-oci destroy hello
show xl-oci list
[ $rc -eq 3 ] && lab_ok demo "container ran in Xen, exit code 3 reported" ||
    lab_fail demo "wait returned $rc, expected 3"
