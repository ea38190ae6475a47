#!/usr/bin/env bash
# Installs the Debian packages decnet needs to build and test — only those missing.
# Idempotent; runs `apt-get update` only when something has to be installed.
# Usage: scripts/install-deps.sh [--check] [--bench]
#   --check: report what is missing, exit 1 if any; --bench: also the load generators.
set -euo pipefail

BUILD_PACKAGES=(
  g++ cmake ninja-build ccache pkg-config make
  clang libclang-rt-14-dev            # libFuzzer for `make fuzz`
  libboost-dev                         # Asio + Beast (header-only)
  libssl-dev libjwt-dev libcrypt-dev
  nlohmann-json3-dev libsqlite3-dev libmariadb-dev
  libssh-dev libpcap-dev zlib1g-dev
  libmaxminddb-dev                     # offline country/ASN of attackers (.mmdb)
  libcli11-dev libspdlog-dev libfmt-dev libinih-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# Real clients and servers the tests drive (kept here so CI on a clean machine has them).
TEST_PACKAGES=(
  iproute2 procps curl bsdutils openssl netcat-openbsd sqlite3 redis-tools
  chromium                            # the dashboard's browser tests (playwright-core drives it)
  redis-server                        # nmap scan test: the real Redis it compares the decky with
  mariadb-server mariadb-client       # a private MariaDB for the MySQL backend tests; the mysql emulator's client
  postgresql-client                   # psql: the real client for the postgres emulator
  python3-pymongo                     # pymongo: the real client for the mongodb emulator
  freetds-bin                         # tsql: the real client for the mssql emulator
  telnet                              # the real client for the telnet emulator test
  nmap                                # netns mode test: SYN scan from the attacker namespace
  snmp tftp-hpa                       # the real clients for the snmp and tftp emulators
  prometheus                          # promtool check metrics validates GET /metrics
  python3-yaml                        # compose export test parses the YAML back
  python3-jsonschema                  # the export test checks the STIX bundle against its schema
  openssh-server openssh-client       # ssh tests: the real client, and sshd to compare HASSH/speed
  sshpass ssh-audit                   # password logins from tests; the ssh fingerprinting judge
  smbclient python3-impacket          # the real clients for the smb emulator (impacket: rdp too)
  swaks libnet-ssleay-perl libdigest-hmac-perl  # swaks (SMTP client) with --tls and CRAM-MD5
  ldap-utils                          # ldapsearch, ldapwhoami: the real clients for the ldap emulator
  sipsak sipvicious                   # the sip emulator's real clients (sipsak, svmap, svwar)
  bind9-dnsutils                      # dig: queries the llmnr/mDNS emulator
  samba                               # smbd: what bench/smb compares the smb emulator with
  vncsnapshot                         # the vnc emulator's RFB 3.3 viewer (headless)
  freerdp2-x11 xvfb xauth             # the rdp emulator's client: xfreerdp /auth-only (needs a display)
  tshark p0f tcpdump                  # sniffer tests: the JA3/JA3S/HASSH judge, p0f.fp and its speed
  mbpoll python3-pymodbus             # the real Modbus clients for the conpot emulator
  python3-serial-asyncio              # pymodbus 3.0 imports it (Debian forgot the dependency)
  mosquitto-clients                   # mosquitto_sub/_pub: the real clients for the mqtt emulator
  docker.io                           # its docker CLI drives the docker_api emulator (no daemon used)
  rsyslog rsyslog-relp                # omrelp: the real RELP sender for `decnet collect --relp`
  libmaxmind-db-writer-perl           # geoip tests write their own tiny .mmdb files
  faketime libfaketime                # fault tests: the wall clock stepped under a running decnet
)
# The dashboard's toolchain (web/: npm ci && npm run build). Checked by command, not by
# package: a machine with another Node.js build (e.g. one that bundles npm) keeps it.
WEB_PACKAGES=(nodejs npm)
# Load generators for `make bench` only (not needed to build or test).
BENCH_PACKAGES=(
  wrk                                  # the API read-mix benchmark (bench/api)
  python3-locust                       # the reference's Locust workload (bench/api/locustfile.py)
)

check_only=0
wanted=("${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}")
for arg in "$@"; do
  case "$arg" in
    --check) check_only=1 ;;
    --bench) wanted+=("${BENCH_PACKAGES[@]}") ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${wanted[@]}"; do
  [[ "$pkg" == \#* ]] && continue
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=("${WEB_PACKAGES[@]}")
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#BUILD_PACKAGES[@]} build and ${#TEST_PACKAGES[@]} test packages present"
  exit 0
fi
if [[ $check_only -eq 1 ]]; then
  echo "install-deps: missing: ${missing[*]}"
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-deps: run as root (sudo make ...) or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Servers installed for tests (sshd, redis, mariadb) must not start listening on the
# machine's interfaces: tests start their own copies on loopback. policy-rc.d 101 tells
# invoke-rc.d not to start them; removed again unless it was there before.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
fi
trap '[[ $own_policy -eq 1 ]] && rm -f "$policy"' EXIT
apt-get update -qq
# tshark asks whether non-root users may capture: no (and no question).
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get install -y -qq --no-install-recommends "${missing[@]}"
