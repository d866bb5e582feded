#!/usr/bin/env python3
"""Writes the stun_fuzzer seed corpus (testdata/stun_corpus/*.bin).

An encoder independent of the C++ code (Python's hmac/hashlib/zlib), so
corpus_test.cc doubles as a cross-check of the C++ integrity and fingerprint
code. TURN messages use long-term credentials user/example.org/pass; the
RFC 5769 vectors are copied from the RFC. Run from this directory.
"""
import hashlib
import hmac
import ipaddress
import os
import struct
import zlib

COOKIE = 0x2112A442
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stun_corpus")
KEY = hashlib.md5(b"user:example.org:pass").digest()


def msg_type(method, cls):
    return ((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
            | ((cls & 1) << 4) | ((cls & 2) << 7))


def attr(t, v):
    pad = (-len(v)) % 4
    return struct.pack(">HH", t, len(v)) + v + b"\0" * pad


def xaddr(addr, port, txid):
    ip = ipaddress.ip_address(addr)
    mask = struct.pack(">I", COOKIE) + txid
    raw = ip.packed
    x = bytes(b ^ m for b, m in zip(raw, mask))
    fam = 1 if ip.version == 4 else 2
    return struct.pack(">BBH", 0, fam, port ^ (COOKIE >> 16)) + x


class Msg:
    def __init__(self, method, cls, txid):
        self.head = (method, cls, txid)
        self.body = b""

    def add(self, t, v):
        self.body += attr(t, v)
        return self

    def header(self, extra):
        method, cls, txid = self.head
        return struct.pack(">HHI", msg_type(method, cls), len(self.body) + extra,
                           COOKIE) + txid

    def integrity(self, key=KEY):
        mac = hmac.new(key, self.header(24) + self.body, hashlib.sha1).digest()
        return self.add(0x0008, mac)

    def integrity_sha256(self, key=KEY):
        mac = hmac.new(key, self.header(36) + self.body, hashlib.sha256).digest()
        return self.add(0x001C, mac)

    def fingerprint(self):
        crc = zlib.crc32(self.header(8) + self.body) ^ 0x5354554E
        return self.add(0x8028, struct.pack(">I", crc))

    def bytes(self):
        return self.header(0) + self.body


def hexbytes(s):
    return bytes.fromhex("".join(s.split()))


RFC5769 = {
    "rfc5769_request": """
        00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
        00 24 00 04 6e 00 01 ff 80 29 00 08 93 2f f9 b1 51 26 3b 36
        00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
        00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
        80 28 00 04 e5 7a 3b cf""",
    "rfc5769_ipv4_response": """
        01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 08 00 01 a1 47 e1 12 a6 43
        00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
        80 28 00 04 c0 7d 4c 96""",
    "rfc5769_ipv6_response": """
        01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
        00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
        80 28 00 04 c8 fb 0b 4c""",
    "rfc5769_long_term": """
        00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
        00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
        00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46
        53 54 76 79 36 34 73 41
        00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
        00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66""",
}


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {k: hexbytes(v) for k, v in RFC5769.items()}
    tx = [bytes(range(i, i + 12)) for i in range(0, 120, 12)]
    nonce = b"obMatJos2AAACf//499k954d6OL34oL9"
    realm = b"example.org"

    files["turn_allocate_request"] = (
        Msg(0x003, 0, tx[0]).add(0x0019, bytes([17, 0, 0, 0])).add(0x001A, b"")
        .add(0x0018, b"\x80").add(0x000D, struct.pack(">I", 600))
        .add(0x0006, b"user").add(0x0014, realm).add(0x0015, nonce)
        .integrity().fingerprint().bytes())
    files["turn_allocate_success"] = (
        Msg(0x003, 2, tx[1]).add(0x0016, xaddr("198.51.100.7", 49152, tx[1]))
        .add(0x0020, xaddr("203.0.113.5", 40001, tx[1]))
        .add(0x000D, struct.pack(">I", 600))
        .add(0x0022, bytes.fromhex("0102030405060708"))
        .add(0x8022, b"simrtc turn").integrity().fingerprint().bytes())
    files["turn_allocate_error_401"] = (
        Msg(0x003, 3, tx[2]).add(0x0009, b"\0\0\x04\x01Unauthenticated")
        .add(0x0014, realm).add(0x0015, nonce).fingerprint().bytes())
    files["turn_create_permission_sha256"] = (
        Msg(0x008, 0, tx[3]).add(0x0012, xaddr("192.0.2.10", 0, tx[3]))
        .add(0x0012, xaddr("2001:db8::10", 0, tx[3]))
        .add(0x0006, b"user").add(0x0014, realm).add(0x0015, nonce)
        .integrity().integrity_sha256().fingerprint().bytes())
    files["turn_channel_bind"] = (
        Msg(0x009, 0, tx[4]).add(0x000C, bytes([0x40, 0x01, 0, 0]))
        .add(0x0012, xaddr("192.0.2.10", 5000, tx[4]))
        .add(0x0006, b"user").add(0x0014, realm).add(0x0015, nonce)
        .integrity().fingerprint().bytes())
    files["turn_send_indication"] = (
        Msg(0x006, 1, tx[5]).add(0x0012, xaddr("2001:db8::10", 5000, tx[5]))
        .add(0x0013, b"hello, peer").add(0x001A, b"").bytes())
    files["turn_data_indication"] = (
        Msg(0x007, 1, tx[6]).add(0x0012, xaddr("192.0.2.10", 5000, tx[6]))
        .add(0x0013, bytes(range(37))).bytes())
    files["turn_refresh_family"] = (
        Msg(0x004, 0, tx[7]).add(0x000D, struct.pack(">I", 0))
        .add(0x0017, bytes([2, 0, 0, 0])).integrity().bytes())
    files["error_420_unknown"] = (
        Msg(0x001, 3, tx[8]).add(0x0009, b"\0\0\x04\x14Unknown Attribute")
        .add(0x000A, struct.pack(">HHH", 0x0031, 0x7F00, 0x001E))
        .add(0x8023, bytes([0, 1]) + struct.pack(">H", 3478) + bytes([192, 0, 2, 99]))
        .bytes())
    files["ice_binding_request"] = (
        Msg(0x001, 0, tx[9]).add(0x0006, b"abcd:efgh")
        .add(0x0024, struct.pack(">I", 0x6E7F1EFF))
        .add(0x802A, struct.pack(">Q", 0x1122334455667788)).add(0x0025, b"")
        .integrity(b"icepassword0123456789").fingerprint().bytes())
    files["channel_data_padded"] = struct.pack(">HH", 0x4001, 5) + b"hello\0\0\0"
    files["channel_data_unpadded"] = struct.pack(">HH", 0x4FFF, 3) + b"abc"
    files["channel_data_empty"] = struct.pack(">HH", 0x4000, 0)

    for name, data in sorted(files.items()):
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
