#!/bin/sh
# Sample worker of payments: replace it with your application. A worker accepts no connections;
# it takes its work from somewhere (a queue, a schedule, a database) and does it. This one only
# proves it is alive: every 10 seconds it writes the time to /tmp/heartbeat, which
# healthcheck.sh (the pod's exec probe) checks. It stops cleanly on SIGTERM, so Kubernetes
# can drain it.
set -eu

readonly heartbeat=/tmp/heartbeat

stop() {
  echo 'payments: stopping'
  exit 0
}
trap stop TERM INT

echo 'payments: started'
while true; do
  # One unit of work goes here.
  date +%s >"$heartbeat"
  # Sleep in the background and wait for it, so a SIGTERM is handled at once.
  sleep 10 &
  wait $!
done
