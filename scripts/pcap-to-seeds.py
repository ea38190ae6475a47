#!/usr/bin/env python3
"""Cuts a loopback capture of real clients talking to decnet's deckies into libFuzzer seeds.

Usage: pcap-to-seeds.py CAPTURE.pcap OUT_DIR [--conpot-ip IP] [--api-port PORT]
                        [--shell-lines FILE] [--max-per-target N]

Reads a pcap (Ethernet, Linux SLL or raw IP; what `tcpdump -i lo` writes), reassembles
each TCP connection's two directions and keeps each UDP datagram, then writes, for every
fuzz target that parses those bytes, seed files OUT_DIR/<target>/<sha1> in the input shape
the target's harness reads (tests/fuzz/<target>_fuzz.cpp): whole client streams for the
emulators' dialogue targets, single messages for the codecs, length-prefixed datagrams for
datagram services. Seeds are deduplicated, at most 64 KiB each and at most N per target.
Standard library only.
"""
import argparse
import hashlib
import os
import re
import struct
import sys

MAX_SEED = 64 * 1024

# Server port -> emulator slug (conpot's ports are told apart by the decky's address).
TCP_SERVICES = {
    21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 587: "smtp", 80: "http", 110: "pop3",
    139: "smb", 143: "imap", 389: "ldap", 445: "smb", 1433: "mssql", 1883: "mqtt",
    2375: "docker_api", 3306: "mysql", 3389: "rdp", 5060: "sip", 5432: "postgres",
    5900: "vnc", 6379: "redis", 8080: "k8s", 9200: "elasticsearch", 27017: "mongodb",
    502: "modbus", 102: "s7",
}
TLS_PORTS = {443, 465, 636, 993, 995, 2376, 6443, 8883}
UDP_SERVICES = {69: "tftp", 161: "snmp", 5353: "llmnr", 5355: "llmnr", 5060: "sip",
                47808: "bacnet", 514: "syslog"}


# ---- pcap reading -------------------------------------------------------------------------

def read_pcap(path):
    """Yields (linktype, frame bytes) of every record."""
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = head[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            endian = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            endian = ">"
        else:
            sys.exit("pcap-to-seeds: not a pcap file (pcapng? capture with tcpdump -w)")
        linktype = struct.unpack(endian + "I", head[20:24])[0] & 0xFFFF
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            incl = struct.unpack(endian + "IIII", rec)[2]
            data = f.read(incl)
            if len(data) < incl:
                return
            yield linktype, data


def ip_of(linktype, frame):
    """The IPv4 datagram inside a frame, or None."""
    if linktype == 1:  # Ethernet
        if len(frame) < 14 or frame[12:14] != b"\x08\x00":
            return None
        return frame[14:]
    if linktype == 113:  # Linux cooked
        return frame[16:] if frame[14:16] == b"\x08\x00" else None
    if linktype == 276:  # Linux cooked v2
        return frame[20:] if frame[0:2] == b"\x08\x00" else None
    if linktype in (101, 12, 14):  # raw IP
        return frame
    if linktype == 0:  # BSD loopback
        return frame[4:] if frame[:4] in (b"\x02\x00\x00\x00", b"\x00\x00\x00\x02") else None
    return None


class Flow:
    """One TCP connection: segments of each direction, reassembled on demand."""

    def __init__(self, client, server, order):
        self.client, self.server, self.order = client, server, order
        self.segments = {True: [], False: []}  # to_server -> [(seq, payload)]
        self.isn = {}
        self.packets = []  # (to_server, ip datagram, frame)

    def stream(self, to_server):
        segs = sorted(self.segments[to_server], key=lambda s: s[0])
        if not segs:
            return b""
        base = self.isn.get(to_server, segs[0][0] - 1) + 1
        out = bytearray()
        for seq, payload in segs:
            at = (seq - base) & 0xFFFFFFFF
            if at > len(out) + (1 << 24):
                continue  # a stray or wrapped segment
            if at + len(payload) <= len(out):
                continue  # a retransmission
            if at > len(out):
                out += b"\0" * (at - len(out))  # lost bytes (never on loopback)
            out += payload[len(out) - at:]
        return bytes(out)

    def messages(self, to_server):
        """The segments of one direction in order, each as the client sent it."""
        seen, out = set(), []
        for seq, payload in sorted(self.segments[to_server], key=lambda s: s[0]):
            if seq not in seen:
                seen.add(seq)
                out.append(payload)
        return out


def parse_capture(path):
    flows, datagrams, frames = {}, [], []
    for linktype, frame in read_pcap(path):
        ip = ip_of(linktype, frame)
        if not ip or len(ip) < 20 or ip[0] >> 4 != 4:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack(">H", ip[2:4])[0]
        ip = ip[:total] if total >= ihl else ip
        proto, src, dst = ip[9], ip[12:16], ip[16:20]
        body = ip[ihl:]
        frames.append((linktype, frame))
        if proto == 6 and len(body) >= 20:
            sport, dport, seq = struct.unpack(">HHI", body[:8])
            offset = (body[12] >> 4) * 4
            flags = body[13]
            payload = body[offset:]
            a, b = (src, sport), (dst, dport)
            key = (a, b) if (a, b) in flows else (b, a) if (b, a) in flows else None
            if key is None:
                if flags & 0x12 != 0x02:
                    continue  # only connections we saw open
                key = (a, b)
                flows[key] = Flow(a, b, len(flows))
            flow = flows[key]
            to_server = (a, b) == key
            if flags & 0x02:
                flow.isn[to_server] = seq
            flow.packets.append((to_server, ip, frame, linktype))
            if payload:
                flow.segments[to_server].append((seq, payload))
        elif proto == 17 and len(body) >= 8:
            sport, dport = struct.unpack(">HH", body[:4])
            datagrams.append(((src, sport), (dst, dport), body[8:], ip))
    return sorted(flows.values(), key=lambda f: f.order), datagrams, frames


def dotted(addr):
    return ".".join(str(b) for b in addr)


# ---- protocol framing ---------------------------------------------------------------------

def cut_be_length(data, header, length_at, length_size, adjust=0, limit=256):
    """Messages framed by a big-endian length inside a fixed header."""
    out = []
    while len(data) >= header and len(out) < limit:
        n = int.from_bytes(data[length_at:length_at + length_size], "big") + adjust
        if n < header:
            break
        out.append(data[:n])
        data = data[n:]
    return out


def mysql_packets(data):
    out = []
    while len(data) >= 4 and len(out) < 256:
        n = int.from_bytes(data[:3], "little")
        out.append((data[3], data[4:4 + n]))
        data = data[4 + n:]
    return out


def postgres_messages(data):
    """The startup packet (no type byte; SSLRequest first when asked), then typed ones."""
    out = []
    while len(data) >= 8:
        n = struct.unpack(">I", data[:4])[0]
        code = struct.unpack(">I", data[4:8])[0]
        out.append(data[:n])
        data = data[n:]
        if code != 80877103:  # not SSLRequest: the real startup came
            break
    while len(data) >= 5 and len(out) < 256:
        n = struct.unpack(">I", data[1:5])[0]
        out.append(data[:1 + n])
        data = data[1 + n:]
    return out


def mongo_messages(data):
    out = []
    while len(data) >= 16 and len(out) < 256:
        n = struct.unpack("<i", data[:4])[0]
        if n < 16:
            break
        out.append(data[:n])
        data = data[n:]
    return out


def bson_documents(message):
    """The section-0 body of an OP_MSG and the query of an OP_QUERY."""
    docs = []
    opcode = struct.unpack("<i", message[12:16])[0] if len(message) >= 16 else 0
    if opcode == 2013 and len(message) >= 21:
        at = 20
        while at < len(message) - 4:
            kind = message[at]
            if kind == 0:
                n = struct.unpack("<i", message[at + 1:at + 5])[0]
                docs.append(message[at + 1:at + 1 + n])
                at += 1 + n
            elif kind == 1:
                n = struct.unpack("<i", message[at + 1:at + 5])[0]
                section = message[at + 5:at + 1 + n]
                name_end = section.find(b"\0")
                rest = section[name_end + 1:]
                while len(rest) >= 5:
                    m = struct.unpack("<i", rest[:4])[0]
                    if m < 5:
                        break
                    docs.append(rest[:m])
                    rest = rest[m:]
                at += 1 + n
            else:
                break
    elif opcode == 2004 and len(message) > 20:
        name_end = message.find(b"\0", 20)
        at = name_end + 1 + 8
        if 0 < at < len(message) - 4:
            n = struct.unpack("<i", message[at:at + 4])[0]
            docs.append(message[at:at + n])
    return [d for d in docs if len(d) >= 5]


def ber_messages(data, limit=256):
    """Concatenated BER TLVs (LDAP messages) cut by their definite lengths."""
    out = []
    while len(data) >= 2 and len(out) < limit:
        n, at = data[1], 2
        if n & 0x80:
            k = n & 0x7F
            if k == 0 or k > 4 or len(data) < 2 + k:
                break
            n, at = int.from_bytes(data[2:2 + k], "big"), 2 + k
        out.append(data[:at + n])
        data = data[at + n:]
    return out


def mqtt_packets(data):
    out = []
    while len(data) >= 2 and len(out) < 256:
        n, mult, at = 0, 1, 1
        while at < len(data) and at < 5:
            byte = data[at]
            n += (byte & 0x7F) * mult
            mult *= 128
            at += 1
            if not byte & 0x80:
                break
        out.append((data[0], data[at:at + n], data[:at + n]))
        data = data[at + n:]
    return out


def http_requests(data):
    """Requests (head and Content-Length body) of a keep-alive stream."""
    out = []
    while data and len(out) < 64:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            out.append((data, b""))
            break
        head = data[:end + 4]
        m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        n = int(m.group(1)) if m else 0
        body = data[end + 4:end + 4 + n]
        if re.search(rb"(?im)^transfer-encoding:\s*chunked", head):
            body = data[end + 4:]
            n = len(body)
        out.append((head, body))
        data = data[end + 4 + n:]
    return out


def ssh_packets(data):
    """The version line and the plain binary packets before NEWKEYS (payloads)."""
    end = data.find(b"\n")
    if end < 0:
        return b"", []
    version, data = data[:end + 1], data[end + 1:]
    payloads = []
    while len(data) >= 5 and len(payloads) < 8:
        n = struct.unpack(">I", data[:4])[0]
        if n > 35000 or n < 5:
            break
        pad = data[4]
        payload = data[5:4 + n - pad]
        payloads.append(payload)
        data = data[4 + n:]
        if payload[:1] == b"\x15":  # NEWKEYS: the rest is encrypted
            break
    return version, payloads


def telnet_text(data):
    """What a telnet client typed, its option negotiation removed."""
    out, i = bytearray(), 0
    while i < len(data):
        c = data[i]
        if c == 255 and i + 1 < len(data):
            cmd = data[i + 1]
            if cmd == 250:
                end = data.find(b"\xff\xf0", i)
                i = len(data) if end < 0 else end + 2
            elif cmd in (251, 252, 253, 254):
                i += 3
            else:
                i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out).replace(b"\r\n", b"\n").replace(b"\r\0", b"\n").replace(b"\r", b"\n")


def smb_messages(data):
    """NetBIOS session frames: each SMB message without its 4-byte header."""
    out = []
    while len(data) >= 4 and len(out) < 256:
        n = int.from_bytes(data[1:4], "big")
        out.append(data[4:4 + n])
        data = data[4 + n:]
    return out


def smb2_security_blobs(message, to_server):
    """SESSION_SETUP and NEGOTIATE security buffers (SPNEGO tokens) of one SMB2 message."""
    if len(message) < 72 or message[:4] != b"\xfeSMB":
        return []
    command = struct.unpack("<H", message[12:14])[0]
    body = message[64:]
    if command == 1 and to_server and len(body) >= 16:
        off, n = struct.unpack("<HH", body[12:16])
    elif command == 1 and not to_server and len(body) >= 8:
        off, n = struct.unpack("<HH", body[4:8])
    elif command == 0 and not to_server and len(body) >= 60:
        off, n = struct.unpack("<HH", body[56:60])
    else:
        return []
    blob = message[off:off + n]
    return [blob] if blob else []


def ntlm_messages(data):
    out, at = [], 0
    while len(out) < 16:
        at = data.find(b"NTLMSSP\0", at)
        if at < 0:
            break
        out.append(data[at:at + 2048])
        at += 8
    return out


def length_prefixed(datagrams):
    return b"".join(struct.pack(">H", len(d)) + d for d in datagrams[:16])


# ---- seed writing -------------------------------------------------------------------------

class Seeds:
    def __init__(self, root, per_target):
        self.root, self.per_target = root, per_target
        self.by_target = {}

    def add(self, target, data):
        if not data:
            return
        data = bytes(data[:MAX_SEED])
        bucket = self.by_target.setdefault(target, {})
        digest = hashlib.sha1(data).hexdigest()
        if digest not in bucket:
            bucket[digest] = data

    def write(self):
        for target, bucket in sorted(self.by_target.items()):
            directory = os.path.join(self.root, target)
            os.makedirs(directory, exist_ok=True)
            # Keep a spread: the shortest seeds are the clearest, the longest go deepest.
            chosen = sorted(bucket.items(), key=lambda kv: (len(kv[1]), kv[0]))
            if len(chosen) > self.per_target:
                half = self.per_target // 2
                chosen = chosen[:half] + chosen[-(self.per_target - half):]
            for digest, data in chosen:
                with open(os.path.join(directory, digest), "wb") as f:
                    f.write(data)
            print(f"{target}: {len(chosen)} seeds (of {len(bucket)} distinct)")


def sniffer_chunks(flow, limit=24):
    """The engine harness's input: [len:2][flags:1][IP datagram] per packet."""
    out = bytearray()
    for to_server, ip, _, _ in flow.packets[:limit]:
        out += struct.pack(">HB", len(ip), 1 if to_server else 0) + ip
    return bytes(out)


def emit_tcp(seeds, flow, service, args):
    c2s, s2c = flow.stream(True), flow.stream(False)
    port = flow.server[1]
    dialogue = None if service in (None, "modbus", "s7") else f"dialogue_{service}"
    if dialogue and c2s:
        seeds.add(dialogue, c2s)
    seeds.add("sniffer_engine", sniffer_chunks(flow))
    for to_server, _, frame, linktype in flow.packets[:6]:
        if linktype == 1:
            seeds.add("packet", frame)
    for _, ip, _, _ in flow.packets[:2]:
        seeds.add("prober_response", ip)  # SYN, SYN-ACK: IP header first, as a raw socket reads
    for data in (c2s, s2c):
        for blob in ntlm_messages(data):
            seeds.add("ntlm", blob)

    if port in TLS_PORTS or c2s[:1] == b"\x16":
        seeds.add("tls_hello", c2s[:4096])
        seeds.add("tls_hello", s2c[:16384])
        seeds.add("prober_response", s2c[:1484])  # what JARM reads of an answer
    if service == "ssh":
        for data in (c2s, s2c):
            version, payloads = ssh_packets(data)
            seeds.add("ssh_kexinit", version.rstrip(b"\r\n"))
            for p in payloads:
                if p[:1] == b"\x14":
                    seeds.add("ssh_kexinit", p)
                elif p[:1] in (b"\x1e", b"\x1f"):
                    seeds.add("ssh_kexinit", p[1:])  # the KEX's mpint/string fields
    elif service in ("http", "docker_api", "k8s", "elasticsearch"):
        for head, body in http_requests(c2s):
            seeds.add("http_request", head + body)
            target = {"elasticsearch": "es_query", "http": None}.get(service, "api_body")
            if target and body:
                seeds.add(target, body)
            line = head.split(b"\r\n", 1)[0].split(b" ")
            if service in ("docker_api", "k8s") and len(line) > 1:
                seeds.add("api_body", line[1].split(b"?")[0])
            if service == "elasticsearch" and len(line) > 1 and b"q=" in line[1]:
                seeds.add("es_query", line[1].split(b"q=", 1)[1])
            if service == "http" and body:
                seeds.add("http_request", body)
    elif service == "redis":
        for line in c2s.split(b"\r\n")[:64]:
            seeds.add("redis_protocol", line)
        seeds.add("redis_protocol", c2s[:512])
    elif service == "mysql":
        for seq, payload in mysql_packets(c2s):
            if seq == 1:
                seeds.add("mysql_protocol", payload)
            elif payload[:1] in (b"\x03", b"\x02"):
                seeds.add("mysql_protocol", payload[1:])
    elif service == "postgres":
        for m in postgres_messages(c2s):
            seeds.add("postgres_protocol", m)
            if m[:1] in (b"Q", b"p"):
                seeds.add("postgres_protocol", m[5:])
                if m[:1] == b"Q":
                    seeds.add("postgres_protocol", m[5:].rstrip(b"\0"))
    elif service == "mssql":
        for p in cut_be_length(c2s, 8, 2, 2):
            seeds.add("mssql_protocol", p)
    elif service == "mongodb":
        for m in mongo_messages(c2s) + mongo_messages(s2c):
            seeds.add("mongodb_protocol", m)
            for d in bson_documents(m):
                seeds.add("bson", d)
                for mech in re.findall(rb"n,,n=[^\0]*|c=biws,r=[^\0]*", d):
                    seeds.add("mongodb_protocol", mech)
    elif service == "ldap":
        for data in (c2s, s2c):
            seeds.add("ldap", data)
            for m in ber_messages(data):
                seeds.add("ldap", m)
                seeds.add("ber", m)
    elif service == "smb":
        for to_server, data in ((True, c2s), (False, s2c)):
            for m in smb_messages(data):
                if to_server:
                    seeds.add("smb2", m)
                for blob in smb2_security_blobs(m, to_server):
                    seeds.add("spnego", blob)
                    seeds.add("ber", blob)
                if b"\x05\x00\x0b" in m or b"\x05\x00\x00" in m:
                    at = m.find(b"\x05\x00")
                    seeds.add("smb2", m[at:])
            if to_server:
                seeds.add("smb2", data[:4096])  # the NetBIOS session request on 139
    elif service == "rdp":
        seeds.add("rdp_protocol", c2s)
        for m in flow.messages(True):
            seeds.add("rdp_protocol", m)
    elif service == "vnc":
        seeds.add("rfb", c2s)
    elif service == "telnet":
        seeds.add("telnet_options", c2s)
        text = telnet_text(c2s)
        for line in text.split(b"\n")[2:]:  # after the login and password
            if line.strip():
                seeds.add("shell_parser", line)
                for url in re.findall(rb"(?:https?|ftp|tftp)://\S+", line):
                    seeds.add("download_url", url)
    elif service == "ftp":
        ops = bytearray()
        codes = {b"CWD": 0, b"SIZE": 0, b"RETR": 1, b"LIST": 1, b"NLST": 1, b"STOR": 2,
                 b"MKD": 3, b"DELE": 4, b"RMD": 4, b"RNFR": 5}
        lines = c2s.split(b"\r\n")
        for i, line in enumerate(lines):
            verb, _, arg = line.partition(b" ")
            if verb.upper() in codes:
                second = b""
                if verb.upper() == b"RNFR" and i + 1 < len(lines):
                    second = lines[i + 1].partition(b" ")[2]
                ops += bytes([0x80 | codes[verb.upper()]]) + arg + b"\0" + second + b"\0"
        seeds.add("fs_path", bytes(ops))
    elif service == "smtp":
        for line in c2s.split(b"\r\n")[:64]:
            seeds.add("smtp_protocol", line)
        start = c2s.find(b"\r\nDATA\r\n")
        if start >= 0:
            body = c2s[start + 8:]
            seeds.add("smtp_protocol", body[:body.find(b"\r\n.\r\n") + 2])
    elif service == "imap":
        for line in c2s.split(b"\r\n")[:64]:
            seeds.add("imap_parser", line + b"\r\n")
    elif service == "pop3":
        seeds.add("pop3_protocol", c2s.replace(b"\r\n", b"\n"))
    elif service == "mqtt":
        for first, body, whole in mqtt_packets(c2s):
            # The harness: bit 0 of the first byte picks MQTT 5, its high nibble the flags.
            level5 = 1 if b"\x05" in c2s[8:9] or b"MQTT\x05" in c2s[:16] else 0
            seeds.add("mqtt_codec", bytes([(first & 0x0F) << 4 | level5]) + body)
            seeds.add("mqtt_codec", whole)
    elif service == "modbus":
        seeds.add("modbus_adu", c2s)
    elif service == "s7":
        seeds.add("s7_pdu", c2s)
    elif service == "sip":
        seeds.add("sip_message", c2s)
    elif service is None and c2s and port > 1024:
        seeds.add("artifact_mime", c2s[:4096])  # an FTP upload's data connection


def emit_udp(seeds, datagrams, conpot_ip):
    """Datagrams grouped by the client's source port (one exchange, in order)."""
    groups = {}
    for src, dst, payload, ip in datagrams:
        sport, dport = src[1], dst[1]
        if dport in UDP_SERVICES:
            service, client, to_server = UDP_SERVICES[dport], src, True
        elif sport in UDP_SERVICES:
            service, client, to_server = UDP_SERVICES[sport], dst, False
        else:
            # tftp answers from 69; anything else is the client's side of a transfer
            continue
        groups.setdefault((service, client), []).append((to_server, payload, ip))
    for (service, _), items in groups.items():
        requests = [p for to, p, _ in items if to]
        answers = [p for to, p, _ in items if not to]
        if service in ("tftp", "snmp", "llmnr"):
            seeds.add(f"dialogue_{service}", length_prefixed(requests))
        if service == "snmp":
            for p in requests + answers:
                seeds.add("snmp_codec", p)
                seeds.add("ber", p)
        elif service == "llmnr":
            for p in requests + answers:
                seeds.add("dns", p)
        elif service == "sip":
            for p in requests + answers:
                seeds.add("sip_message", p)
        elif service == "bacnet":
            for p in requests:
                seeds.add("bacnet", p)
        elif service == "syslog":
            for p in requests:
                seeds.add("rfc5424", p)
                seeds.add("correlation", p)
                seeds.add("alert_settings", p)
        elif service == "tftp":
            for p in requests:
                if p[:2] == b"\x00\x03" and len(p) > 4:
                    seeds.add("artifact_mime", p[4:])
        for to_server, payload, ip in items[:2]:
            seeds.add("packet", ip)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("capture")
    parser.add_argument("out")
    parser.add_argument("--conpot-ip", default="")
    parser.add_argument("--api-port", type=int, default=0)
    parser.add_argument("--relp-port", type=int, default=0)
    parser.add_argument("--syslog-port", type=int, default=0)
    parser.add_argument("--max-per-target", type=int, default=40)
    args = parser.parse_args()
    flows, datagrams, _ = parse_capture(args.capture)
    seeds = Seeds(args.out, args.max_per_target)
    if args.syslog_port:
        UDP_SERVICES[args.syslog_port] = "syslog"
    for flow in flows:
        port = flow.server[1]
        service = TCP_SERVICES.get(port)
        if port == 80 and dotted(flow.server[0]) == args.conpot_ip:
            service = None  # conpot's web front: the http target has plenty
        if port == args.api_port:
            seeds.add("api_request", flow.stream(True))
            for head, body in http_requests(flow.stream(True)):
                seeds.add("api_request", head + body)
            continue
        if port == args.relp_port:
            for data in (flow.stream(True), flow.stream(False)):
                seeds.add("relp_frame", data[:4096])
                for frame in data.split(b"\n")[:16]:
                    seeds.add("relp_frame", frame + b"\n")
                    # the syslog lines the sensor forwards, inside its RELP frames
                    at = frame.find(b"<")
                    if b" syslog " in frame[:24] and at >= 0:
                        seeds.add("rfc5424", frame[at:])
                        seeds.add("correlation", frame[at:])
            continue
        emit_tcp(seeds, flow, service, args)
    emit_udp(seeds, datagrams, args.conpot_ip)
    seeds.write()


if __name__ == "__main__":
    main()
