#!/usr/bin/env bash
# BoringSSL and OpenSSL export the same symbol names, so a binary that uses
# BoringSSL must never load OpenSSL's libssl.so.3 / libcrypto.so.3 (see
# ../shared/DESIGN.md). Checks the probe, which links the signaling HTTP
# helpers (libmicrohttpd, neon) together with BoringSSL:
#   1. ldd lists BoringSSL, libmicrohttpd, neon and GnuTLS, and no OpenSSL;
#   2. the probe runs a loopback offer/answer plus a BoringSSL SHA-256 and
#      finds no OpenSSL mapped at run time.
set -euo pipefail
probe="$1"
fail() { echo "FAIL: $*" >&2; exit 1; }

deps="$(ldd "$probe")" || fail "ldd $probe failed"
echo "$deps"
if grep -E 'lib(ssl|crypto)\.so\.3' <<<"$deps"; then
  fail "OpenSSL libraries are linked into $probe (lines above)"
fi
for lib in 'android/libcrypto\.so\.0' 'libmicrohttpd\.so' 'libneon-gnutls\.so' 'libgnutls\.so'; do
  grep -qE "$lib" <<<"$deps" || fail "$lib is not linked: the probe no longer checks what it should"
done
if grep -q 'not found' <<<"$deps"; then
  fail "unresolved libraries"
fi

"$probe" || fail "probe failed"
echo "PASS: no OpenSSL next to BoringSSL"
