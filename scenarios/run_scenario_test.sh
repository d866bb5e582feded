#!/bin/sh
# Test wrapper generated targets use: runs the simulator binary ($1) on a
# scenario file ($2) with the remaining flags; the exit status is the verdict.
exec "$@"
