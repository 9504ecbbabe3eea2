#!/usr/bin/python3
# show.py: the "py" test image's entrypoint (tools/realimages/build.sh).
# Prints what the runtime gave the process -- argv, environment, ids and
# working directory -- one fact per line, then exits 3, so a test can
# check each and the exit code that reaches `xl-oci wait`.
import os
import sys

print("argv:", " ".join(repr(a) for a in sys.argv))
for key in sorted(os.environ):
    print("env: %s=%s" % (key, os.environ[key]))
print("uid: %d gid: %d groups: %s" % (os.getuid(), os.getgid(),
      ",".join(str(g) for g in sorted(os.getgroups())) or "-"))
print("cwd:", os.getcwd())
sys.stdout.flush()
sys.exit(3)
