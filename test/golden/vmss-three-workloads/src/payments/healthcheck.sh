#!/bin/sh
# The exec probe of the payments worker (it has no port to probe): healthy while worker.sh has
# written its heartbeat in the last 60 seconds. A worker that hangs stops writing it,
# and Kubernetes restarts the container. Replace it with your worker's own check.
set -eu

readonly heartbeat=/tmp/heartbeat

[ -f "$heartbeat" ] || exit 1
last=$(cat "$heartbeat")
now=$(date +%s)
[ $((now - last)) -lt 60 ]
