#!/usr/bin/env bash
# Smoke test of //examples/data_channels_create (offering, callbacks) with
# //examples/data_channels_detach (answering, detached channels) on
# loopback, through fifos and through HTTP: 3 messages each way, both exit 0.
source tests/interop/lib.sh
source examples/common/pair_lib.sh
exchange_both "$2" "$1"  # the answerer, then this offerer
echo PASS
