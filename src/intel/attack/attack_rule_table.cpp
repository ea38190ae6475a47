// The ATT&CK rule table decnet ships: data, read by RuleSet::parse (syntax in
// attack_tags.hpp). Technique ids and names are MITRE ATT&CK Enterprise v15. A row tags
// what an event *is* (a login attempt is T1110 whatever its outcome); a command row tags
// what the command line asks for, so one line can carry several techniques. New emulators
// add their rows here; the unit test checks every scope names a declared event.
#include "intel/attack/attack_tags.hpp"

namespace decnet::intel::attack {
namespace {

constexpr std::string_view kTable = R"(
# --- Credential Access / Initial Access: logins -------------------------------------
T1110     | Brute Force                        | *:auth *:auth_attempt
T1110     | Brute Force                        | ssh:auth_publickey
T1078     | Valid Accounts                     | *:auth *:auth_attempt | status=success
T1602.001 | SNMP (MIB Dump)                    | snmp:get_request
T1021.004 | Remote Services: SSH               | ssh:session_start
T1021     | Remote Services                    | telnet:auth | status=success

# --- Execution: shells and database engines -----------------------------------------
T1059.004 | Command and Scripting Interpreter: Unix Shell | ssh:command telnet:command
T1059     | Command and Scripting Interpreter  | redis:command | cmd=eval,evalsha,script,function,module
T1190     | Exploit Public-Facing Application  | mysql:exploit postgres:exploit
T1190     | Exploit Public-Facing Application  | http:request | path*=../,..%2f,%2e%2e,/cgi-bin/,/vendor/phpunit,/.env,/boaform,/shell?,/hnap1
T1190     | Exploit Public-Facing Application  | http:request | headers*=${jndi:,() {
T1190     | Exploit Public-Facing Application  | http:request | query*=${jndi:,../,%2e%2e,cmd=,wget+,curl+

# --- Ingress Tool Transfer: anything brought onto the host --------------------------
T1105     | Ingress Tool Transfer              | *:download *:upload *:file_captured
T1105     | Ingress Tool Transfer              | ftp:download_attempt
T1105     | Ingress Tool Transfer              | tftp:request | op=wrq
T1105     | Ingress Tool Transfer              | ssh:command telnet:command | cmd~wget,curl,tftp,ftpget,scp,rsync,busybox wget,fetch,lwp-download
T1105     | Ingress Tool Transfer              | ssh:session_start | kind=scp_upload

# --- Discovery -----------------------------------------------------------------------
T1082     | System Information Discovery       | ssh:command telnet:command | cmd~uname,lscpu,hostnamectl,/proc/cpuinfo,/proc/version,nproc,free,df,dmidecode,lsb_release
T1082     | System Information Discovery       | redis:command | cmd=info
T1033     | System Owner/User Discovery        | ssh:command telnet:command | cmd~whoami,id,w,who,last,users
T1087.001 | Account Discovery: Local Account   | ssh:command telnet:command | cmd*=/etc/passwd,getent passwd
T1016     | System Network Configuration Discovery | ssh:command telnet:command | cmd~ifconfig,ip,route,netstat,ss,arp,/etc/resolv.conf
T1057     | Process Discovery                  | ssh:command telnet:command | cmd~ps,top,pgrep,pidof
T1083     | File and Directory Discovery       | ssh:command telnet:command | cmd~ls,find,locate,tree
T1046     | Network Service Discovery          | ssh:command telnet:command | cmd~nmap,masscan,zmap,nc -z,zgrab
T1018     | Remote System Discovery            | ssh:command telnet:command | cmd~ping,arp -a,fping
T1518.001 | Security Software Discovery        | ssh:command telnet:command | cmd~iptables,ufw,selinux,getenforce,apparmor,auditctl
T1580     | Cloud Infrastructure Discovery     | ssh:command telnet:command | cmd*=169.254.169.254,metadata.google.internal
T1083     | File and Directory Discovery       | ssh:sftp_operation | operation=opendir,readdir,stat,lstat,realpath

# --- Credential Access ---------------------------------------------------------------
T1003.008 | OS Credential Dumping: /etc/passwd and /etc/shadow | ssh:command telnet:command | cmd*=/etc/shadow,/etc/gshadow
T1552.001 | Unsecured Credentials: Credentials In Files | ssh:command telnet:command | cmd*=.bash_history,.aws/credentials,.ssh/id_,wp-config.php,.git-credentials,.docker/config.json
T1552.001 | Unsecured Credentials: Credentials In Files | http:request | path*=/.env,/.git/config,/wp-config.php,/.aws/credentials,/config.json,/.docker/config.json

# --- Persistence ---------------------------------------------------------------------
T1098.004 | Account Manipulation: SSH Authorized Keys | ssh:command telnet:command | cmd*=authorized_keys
T1098.004 | Account Manipulation: SSH Authorized Keys | redis:command | args*=.ssh,authorized_keys
T1053.003 | Scheduled Task/Job: Cron           | ssh:command telnet:command | cmd*=crontab,/etc/cron,/var/spool/cron
T1053.003 | Scheduled Task/Job: Cron           | redis:command | args*=/var/spool/cron,/etc/cron
T1136.001 | Create Account: Local Account      | ssh:command telnet:command | cmd~useradd,adduser
T1098     | Account Manipulation               | ssh:command telnet:command | cmd~passwd,chpasswd,usermod
T1543.002 | Create or Modify System Process: Systemd Service | ssh:command telnet:command | cmd*=systemctl enable,/etc/systemd/system
T1037.004 | Boot or Logon Initialization Scripts: RC Scripts | ssh:command telnet:command | cmd*=/etc/rc.local,/etc/init.d/
T1546.004 | Event Triggered Execution: Unix Shell Configuration Modification | ssh:command telnet:command | cmd*=.bashrc,.profile,/etc/profile

# --- Defense Evasion -----------------------------------------------------------------
T1070.003 | Indicator Removal: Clear Command History | ssh:command telnet:command | cmd*=history -c,unset histfile,histfile=/dev/null,rm .bash_history,rm -rf .bash_history,/dev/null > ~/.bash_history
T1070.004 | Indicator Removal: File Deletion   | ssh:command telnet:command | cmd*=rm -rf /tmp,rm -rf /var/log,shred
T1222.002 | File and Directory Permissions Modification: Linux | ssh:command telnet:command | cmd~chmod,chattr,chown
T1562.001 | Impair Defenses: Disable or Modify Tools | ssh:command telnet:command | cmd*=iptables -f,ufw disable,setenforce 0,systemctl stop firewalld,pkill -9 -f aliyun
T1140     | Deobfuscate/Decode Files or Information | ssh:command telnet:command | cmd*=base64 -d,base64 --decode,xxd -r

# --- Command and Control / Lateral movement -------------------------------------------
T1090     | Proxy                              | ssh:forward_request
T1572     | Protocol Tunneling                 | ssh:forward_request
T1021     | Remote Services                    | ssh:command telnet:command | cmd~ssh,telnet,sshpass

# --- Windows services: smb, rdp, vnc --------------------------------------------------
T1110     | Brute Force                        | vnc:auth_response
T1021.001 | Remote Services: Remote Desktop Protocol | rdp:auth
T1021.005 | Remote Services: VNC               | vnc:auth_response vnc:client_init
T1021.002 | Remote Services: SMB/Windows Admin Shares | smb:tree_connect | share*=admin$,c$,ipc$
T1135     | Network Share Discovery            | smb:share_enum
T1210     | Exploitation of Remote Services    | smb:exploit_probe
T1187     | Forced Authentication              | smb:coercion_attempt

# --- Mail ------------------------------------------------------------------------------
T1589.002 | Gather Victim Identity Information: Email Addresses | smtp:vrfy smtp:expn
T1114.002 | Email Collection: Remote Email Collection | imap:fetch pop3:retr
T1071.003 | Application Layer Protocol: Mail Protocols | smtp:rcpt_denied

# --- Directory, VoIP, name resolution ---------------------------------------------------
T1110     | Brute Force                        | ldap:bind
T1087.002 | Account Discovery: Domain Account  | ldap:search | recon=users,privileged_accounts
T1069.002 | Permission Groups Discovery: Domain Groups | ldap:search | recon=groups
T1018     | Remote System Discovery            | ldap:search | recon=computers
T1558.003 | Steal or Forge Kerberos Tickets: Kerberoasting | ldap:search | recon=kerberoast
T1558.004 | Steal or Forge Kerberos Tickets: AS-REP Roasting | ldap:search | recon=asreproast
T1557.001 | Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning and SMB Relay | llmnr:query | suspect=true

# --- Containers and cloud control planes ----------------------------------------------
T1610     | Deploy Container                   | docker_api:container_create k8s:write
T1611     | Escape to Host                     | docker_api:container_create k8s:write | escape*=root,host,privileged,/
T1609     | Container Administration Command   | docker_api:exec_create k8s:exec
T1552.007 | Unsecured Credentials: Container API | k8s:secret_read

# --- ICS (ATT&CK for ICS) --------------------------------------------------------------
T0888     | Remote System Information Discovery | conpot:s7_request conpot:bacnet_request
T0888     | Remote System Information Discovery | conpot:modbus_request | name=read_device_identification,report_server_id
T0836     | Modify Parameter                   | conpot:modbus_write conpot:s7_write conpot:bacnet_write
T0858     | Change Operating Mode              | conpot:s7_control

# --- Impact --------------------------------------------------------------------------
T1485     | Data Destruction                   | mysql:destructive postgres:destructive
T1485     | Data Destruction                   | redis:command | cmd=flushall,flushdb
T1485     | Data Destruction                   | ssh:command telnet:command | cmd*=rm -rf /,dd if=/dev/zero,mkfs
T1657     | Financial Theft                    | mysql:ransom_note postgres:ransom_note
T1496     | Resource Hijacking                 | ssh:command telnet:command | cmd*=xmrig,minerd,cpuminer,stratum+tcp,cryptonight,nicehash,monero
T1489     | Service Stop                       | ssh:command telnet:command | cmd*=systemctl stop,service stop,killall,pkill
T1529     | System Shutdown/Reboot             | ssh:command telnet:command | cmd~reboot,shutdown,halt,poweroff,init 0
)";

}  // namespace

const RuleSet& RuleSet::builtin() {
    static const RuleSet rules = parse(kTable);
    return rules;
}

}  // namespace decnet::intel::attack
