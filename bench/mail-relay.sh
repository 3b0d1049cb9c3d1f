#!/usr/bin/env bash
# E-mail at relay speed (issue 20, docs/benchmarks.md section 5): the outbox dispatchers against a real mail server.
#
# Sets up Debian's postfix on 127.0.0.1:2525 (installed with apt-get when missing) to accept every message and
# discard it, runs DispatchThroughput against it (one and two dispatchers, two application instances on one
# database), then reads postfix's own log to prove that every message arrived exactly once: as many messages as
# Message-IDs, and as many Message-IDs as the benchmark sent.
#
#   bash bench/mail-relay.sh [entries per phase] [rounds]      # default 2000 2; run as root (postfix, apt-get)
#
# Leaves postfix running on port 2525 only (port 25 is not opened); `postfix stop` ends it.
set -euo pipefail
cd "$(dirname "$0")/.."
entries=${1:-2000}
rounds=${2:-2}
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

out=target/bench/mail-relay.out
mkdir -p target/bench
./mvnw -o -q -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.DispatchThroughput \
  -Dbench.args="$entries $rounds 50 --smtp=127.0.0.1:2525" | tee "$out"

# Let postfix finish discarding what it has queued, then count from its log.
for _ in $(seq 1 120); do
  [ -z "$(mailq 2>/dev/null | grep -v 'Mail queue is empty' || true)" ] && break
  sleep 1
done
warm=$(( entries < 300 ? entries : 300 ))
expected=$(( 2 * warm + 2 * rounds * entries ))   # warm-up with two and one dispatchers, then each phase
received=$(grep -c 'postfix/cleanup.*message-id=<' "$log" || true)
distinct=$(grep -o 'postfix/cleanup.*message-id=<[^>]*>' "$log" | sed 's/.*message-id=//' | sort -u | wc -l)
discarded=$(grep -c 'status=sent (bench)' "$log" || true)
echo
echo "postfix log ($log): $received messages received, $distinct distinct Message-IDs, $discarded discarded;"
echo "the benchmark marked $expected e-mails sent (warm-up included)"
if [ "$received" -ne "$distinct" ] || [ "$distinct" -ne "$expected" ]; then
  echo "FAILED: not every message arrived exactly once" >&2
  exit 1
fi
echo "every message arrived exactly once"
