#!/usr/bin/env python3
"""An independent JARM (salesforce/jarm v1.0) written from the public definition, for the
prober's integration test: it shares nothing with src/intel/prober/jarm.cpp.

Usage: jarm_reference.py HOST PORT           -> prints the 62-char JARM, then the raw answers
       jarm_reference.py --hash 'a|b|c|d,...' -> prints the hash of given raw answers
Loopback only: refuses anything outside 127.0.0.0/8.
"""
import hashlib
import ipaddress
import os
import socket
import struct
import sys

ALL = ("0016 0033 0067 c09e c0a2 009e 0039 006b c09f c0a3 009f 0045 00be 0088 00c4 009a "
       "c008 c009 c023 c0ac c0ae c02b c00a c024 c0ad c0af c02c c072 c073 cca9 1302 1301 "
       "cc14 c007 c012 c013 c027 c02f c014 c028 c030 c060 c061 c076 c077 cca8 1305 1304 "
       "1303 cc13 c011 000a 002f 003c c09c c0a0 009c 0035 003d c09d c0a1 009d 0041 00ba "
       "0084 00c0 0007 0004 0005").split()
TLS13_SUITES = {"1301", "1302", "1303", "1304", "1305"}
NO13 = [c for c in ALL if c not in TLS13_SUITES]
# The hash's table is the suites sorted numerically, except the TLS 1.3 ones go last.
INDEX = sorted([c for c in ALL if c not in TLS13_SUITES], key=lambda c: int(c, 16)) + \
    sorted(TLS13_SUITES)

ALPN_ALL = [b"http/0.9", b"http/1.0", b"http/1.1", b"spdy/1", b"spdy/2", (b"spdy/3", b"h2"),
            b"h2c", b"hq"]
ALPN_RARE = [b"http/0.9", b"http/1.0", b"spdy/1", b"spdy/2", b"spdy/3", b"h2c", b"hq"]


def order(items, how):
    n = len(items)
    if how == "FORWARD":
        return list(items)
    if how == "REVERSE":
        return list(reversed(items))
    if how == "BOTTOM_HALF":
        return list(items[(n + 1) // 2:])
    if how == "TOP_HALF":
        rev = list(reversed(items))
        return ([items[n // 2]] if n % 2 else []) + rev[(n + 1) // 2:]
    if how == "MIDDLE_OUT":
        m = n // 2
        out = []
        if n % 2:
            out.append(items[m])
            for i in range(1, m + 1):
                out += [items[m + i], items[m - i]]
        else:
            for i in range(1, m + 1):
                out += [items[m - 1 + i], items[m - i]]
        return out
    raise ValueError(how)


def grease():
    g = (os.urandom(1)[0] % 16) << 4 | 0x0A
    return bytes([g, g])


def u16(n):
    return struct.pack(">H", n)


def hello(host, version, suites, cipher_order, use_grease, rare, support, ext_order):
    rec_ver, body_ver = {"TLS_1.2": (b"\x03\x03", b"\x03\x03"), "TLS_1.1": (b"\x03\x02", b"\x03\x02"),
                         "TLS_1.3": (b"\x03\x01", b"\x03\x03")}[version]
    suites = order(ALL if suites == "ALL" else NO13, cipher_order)
    cs = (grease() if use_grease else b"") + b"".join(bytes.fromhex(c) for c in suites)
    ext = b""
    if use_grease:
        ext += grease() + b"\x00\x00"
    h = host.encode()
    ext += b"\x00\x00" + u16(len(h) + 5) + u16(len(h) + 3) + b"\x00" + u16(len(h)) + h
    ext += bytes.fromhex("00170000" "0001000101" "ff01000100" "000a000a0008001d001700180019"
                         "000b00020100" "00230000")
    items = []
    for a in order(ALPN_RARE if rare else ALPN_ALL, ext_order):
        parts = a if isinstance(a, tuple) else (a,)
        items.append(b"".join(bytes([len(p)]) + p for p in parts))
    alpn = b"".join(items)
    ext += b"\x00\x10" + u16(len(alpn) + 2) + u16(len(alpn)) + alpn
    ext += bytes.fromhex("000d0014001204030804040105030805050108060601" "0201")
    share = (grease() + b"\x00\x01\x00" if use_grease else b"") + b"\x00\x1d\x00\x20" + os.urandom(32)
    ext += b"\x00\x33" + u16(len(share) + 2) + u16(len(share)) + share
    ext += bytes.fromhex("002d00020101")
    if version == "TLS_1.3" or support == "1.2_SUPPORT":
        vers = ["0301", "0302", "0303"] + ([] if support == "1.2_SUPPORT" else ["0304"])
        v = (grease() if use_grease else b"") + b"".join(bytes.fromhex(x) for x in order(vers, ext_order))
        ext += b"\x00\x2b" + u16(len(v) + 1) + bytes([len(v)]) + v
    body = body_ver + os.urandom(32) + b"\x20" + os.urandom(32) + u16(len(cs)) + cs + b"\x01\x00"
    body += u16(len(ext)) + ext
    hs = b"\x01\x00" + u16(len(body)) + body
    return b"\x16" + rec_ver + u16(len(hs)) + hs


PROBES = [
    ("TLS_1.2", "ALL", "FORWARD", False, False, "1.2_SUPPORT", "REVERSE"),
    ("TLS_1.2", "ALL", "REVERSE", False, False, "1.2_SUPPORT", "FORWARD"),
    ("TLS_1.2", "ALL", "TOP_HALF", False, False, "NO_SUPPORT", "FORWARD"),
    ("TLS_1.2", "ALL", "BOTTOM_HALF", False, True, "NO_SUPPORT", "FORWARD"),
    ("TLS_1.2", "ALL", "MIDDLE_OUT", True, True, "NO_SUPPORT", "REVERSE"),
    ("TLS_1.1", "ALL", "FORWARD", False, False, "NO_SUPPORT", "FORWARD"),
    ("TLS_1.3", "ALL", "FORWARD", False, False, "1.3_SUPPORT", "REVERSE"),
    ("TLS_1.3", "ALL", "REVERSE", False, False, "1.3_SUPPORT", "FORWARD"),
    ("TLS_1.3", "NO1.3", "FORWARD", False, False, "1.3_SUPPORT", "FORWARD"),
    ("TLS_1.3", "ALL", "MIDDLE_OUT", True, False, "1.3_SUPPORT", "REVERSE"),
]


def answer(data):
    """The server's first bytes -> 'cipher|version|alpn|types' or '|||'."""
    try:
        if not data or data[0] != 0x16 or data[5] != 2:
            return "|||"
        sid = data[43]
        head = data[sid + 44:sid + 46].hex() + "|" + data[9:11].hex() + "|"
        try:
            if data[sid + 47] == 11:
                return head + "|||"
        except IndexError:
            return head + "|||"
        if data[sid + 50:sid + 53] == b"\x0e\xac\x0b" or data[82:85] == b"\x0f\xf0\x0b":
            return head + "|||"
        pos = sid + 49
        end = pos - 1 + int(data[sid + 47:sid + 49].hex(), 16)
        seen = []
        while pos < end:
            kind = data[pos:pos + 2]
            size = int(data[pos + 2:pos + 4].hex(), 16)
            value = data[pos + 4:pos + 4 + size] if size else None
            seen.append((kind, value))
            pos += 4 + size
        alpn = ""
        for kind, value in seen:
            if kind == b"\x00\x10":
                alpn = value[3:].decode()
                break
        return head + alpn + "|" + "-".join(k.hex() for k, _ in seen)
    except Exception:
        return "|||"


def fuzzy(raws):
    if all(r == "|||" for r in raws):
        return "0" * 62
    out, tail = "", ""
    for r in ",".join(raws).split(","):
        c = r.split("|")
        out += "00" if c[0] == "" else "%02x" % (INDEX.index(c[0]) + 1 if c[0] in INDEX else 70)
        out += "0" if c[1] == "" else "abcdef"[int(c[1][3])]
        tail += c[2] + c[3]
    return out + hashlib.sha256(tail.encode()).hexdigest()[:32]


def scan(host, port):
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit("loopback only")
    raws = []
    for p in PROBES:
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect((host, port))
            s.sendall(hello(host, *p))
            data = s.recv(1484)
        except socket.timeout:
            return ["|||"] * 10
        except OSError:
            data = None
        finally:
            s.close()
        raws.append(answer(data))
    return raws


if __name__ == "__main__":
    if sys.argv[1] == "--hash":
        print(fuzzy(sys.argv[2].split(",")))
    else:
        raws = scan(sys.argv[1], int(sys.argv[2]))
        print(fuzzy(raws))
        print(",".join(raws))
