#!/usr/bin/env bash
# Smoke test of //examples/data_channels_detach (answering) with
# //examples/data_channels_detach_create (offering), both with detached
# channels (reader and writer threads), on loopback through fifos and
# through HTTP: 3 messages each way, both exit 0.
source tests/interop/lib.sh
source examples/common/pair_lib.sh
exchange_both "$1" "$2"
echo PASS
