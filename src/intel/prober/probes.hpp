// The four active probes, each one function from (ip, port, timeout) to its result. They
// send; governance (policy, budget, rate, audit) is the caller's: see prober.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "intel/prober/tcpfp.hpp"

namespace decnet::intel::prober {

struct ProbeError {
    std::string message;
};

struct JarmResult {
    std::string hash;                  // 62 characters; all zeros when nothing answered
    std::vector<std::string> answers;  // the ten "cipher|version|alpn|extensions"
    int connections = 0;               // hellos actually sent
};
// The reference stops at the first timeout (all zeros); refused or reset connections give
// "|||" for that hello only.
JarmResult probe_jarm(const std::string& ip, std::uint16_t port, std::chrono::milliseconds timeout);

struct HasshResult {
    std::string hash;  // HASSHServer: MD5 of "kex;enc_s2c;mac_s2c;cmp_s2c"
    std::string algorithms;
    std::string banner;
    std::string kex, enc_s2c, mac_s2c, cmp_s2c;  // comma-joined name-lists
};
// nullopt with `error` empty: not an SSH server (no banner, no KEXINIT).
std::optional<HasshResult> probe_hassh(const std::string& ip, std::uint16_t port,
                                       std::chrono::milliseconds timeout, std::string& error);

struct CertResult {
    std::string subject, subject_cn, issuer;
    std::vector<std::string> sans;      // "DNS:x", "IP:1.2.3.4"
    std::string not_before, not_after;  // "2026-01-02T03:04:05Z"
    bool self_signed = false;
    std::string sha256;  // of the DER certificate, lower-case hex
    std::string serial;  // hex
    std::string tls_version, cipher;
};
std::optional<CertResult> probe_tls_cert(const std::string& ip, std::uint16_t port,
                                         std::chrono::milliseconds timeout, std::string& error);

// The target's SYN-ACK to a connect(); nullopt with `error` set when no SYN-ACK came
// (refused, filtered) or there is no CAP_NET_RAW to see it.
std::optional<SynAck> probe_tcpfp(const std::string& ip, std::uint16_t port,
                                  std::chrono::milliseconds timeout, std::string& error);

}  // namespace decnet::intel::prober
