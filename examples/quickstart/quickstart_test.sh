#!/bin/bash
# The quickstart connects two PeerConnections and one message crosses.
out=$(timeout 30 "$1" 2>&1) || { echo "$out"; echo "FAIL: exit $?"; exit 1; }
echo "$out"
grep -qx 'Data channel open' <<<"$out" || { echo "FAIL: no open"; exit 1; }
grep -qx 'Message received: hello' <<<"$out" || { echo "FAIL: no message"; exit 1; }
echo PASS
