#!/usr/bin/env bash
# A dispatching run end to end (issue 20, docs/benchmarks.md section 4, "A dispatching run end to end"): N generated
# customers, a live dispatching run as of 2026-11-23, the dispatchers sending what it enqueues, e-mail to Debian's
# postfix on 127.0.0.1:2525 (set up as bench/mail-relay.sh does, from bench/postfix.sh: accepts every message and
# discards it) and webhooks to a receiver inside the benchmark JVM; timed to the last message out.
#
#   bash bench/dispatch-run.sh [customers] [options of DispatchRunEndToEnd]   # default 20000; as root (postfix)
#   bash bench/dispatch-run.sh 1000000                                         # the issue's figure
#   bash bench/dispatch-run.sh 100000 --instances=2                            # a second instance, dispatching only
#
# The customers are generated once into BENCH_DATA/dispatch-N/filled (BENCH_DATA defaults to ../bench-data, beside
# the repository), in a JVM of its own; every measurement starts from a copy of that folder. Then the benchmark
# prints its progress every 15 s and its figures (run time, time to the last message out, messages per route and
# per second, the webhooks checked exactly once), and this script checks the e-mails from postfix's own log: as many
# messages as distinct Message-IDs, and those the decision ids of exactly the outbox entries marked sent (messages of
# another sender using the same postfix at the time are counted apart). The CPU seconds used by the benchmark JVM
# (both instances), its MariaDB and postfix are printed at the end (from /proc).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/postfix.sh   # postfix_setup, postfix_cpu, follow_cpu, ... (shared with bench/mail-relay.sh)

customers=${1:-20000}
customers=${customers//[_,]/}
extra=("${@:2}")
root=${BENCH_DATA:-$(cd .. && pwd)/bench-data}
data=$root/dispatch-$customers
ids=target/bench/dispatch-run-emails.txt
out=target/bench/dispatch-run.out
mkdir -p target/bench
rm -f "$ids"

bench() {
  ./mvnw -o -q -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.DispatchRunEndToEnd \
    -Dbench.args="$customers --data-dir=$data $*"
}

if [ ! -f "$data/filled/FILLED" ]; then
  echo "generating $customers customers into $data/filled (once)"
  bench --fill-only
fi

postfix_setup
echo "load average at start: $(load_average)"
postfix_before=$(postfix_cpu)
start=$(date +%s.%N)
bench --smtp=127.0.0.1:2525 --email-entries="$ids" "${extra[@]}" | tee "$out" &
pid=$!
follow_cpu "$pid" DispatchRunEndToEnd
status=0
wait "$pid" || status=$?
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
echo "load average at end: $(load_average)"

postfix_drain
postfix_after=$(postfix_cpu)
# Message-ID: <decisionId@domain>. The log may also hold messages of another benchmark using the same postfix at the
# time (another engineer's bench/mail-relay.sh): those are the ones whose ids are not this run's e-mail entries.
postfix_message_ids | sed 's/^<\([^@>]*\)@.*/\1/' > target/bench/dispatch-run-postfix-ids.txt
total=$(postfix_received)
discarded=$(postfix_discarded)
read -r received distinct sent unmarked missing foreign < <(awk '
  NR == FNR { status[$1] = $2; if ($2 == "SENT") sent++; next }
  ($1 in status) { received++; if (seen[$1]++ == 0) { distinct++; if (status[$1] != "SENT") unmarked++ }; next }
  { foreign++ }
  END { for (id in status) if (status[id] == "SENT" && !(id in seen)) missing++
        print received + 0, distinct + 0, sent + 0, unmarked + 0, missing + 0, foreign + 0 }' \
  "$ids" target/bench/dispatch-run-postfix-ids.txt 2>/dev/null || echo 0 0 0 0 0 0)
echo
echo "postfix log ($POSTFIX_LOG): $total messages received, $discarded discarded; of this run's e-mails $received"
echo "messages, $distinct distinct Message-IDs; $sent e-mail entries marked sent, $missing of them not in the log,"
echo "$unmarked sent but not marked; $foreign messages from another sender (not this run's)"
awk -v w="$elapsed" -v p=$(( postfix_after - postfix_before )) -v d="$db_cpu" -v j="$java_cpu" -v n="$total" \
  'BEGIN { printf "CPU seconds over the whole command (%.0f s wall, copying the data and starting included): " \
      "benchmark JVM %.1f, MariaDB %.1f, postfix %.1f (%.2f ms per message received)\n", w, j / 100, d / 100, \
      p / 100, p * 10 / (n ? n : 1) }'

if [ "$status" -ne 0 ]; then
  echo "FAILED: the benchmark failed (exit $status), see above" >&2
  exit 1
fi
if [ "$received" -ne "$distinct" ] || [ "$distinct" -ne "$sent" ] || [ "$unmarked" -ne 0 ] || [ "$missing" -ne 0 ]
then
  echo "FAILED: not every e-mail arrived exactly once" >&2
  exit 1
fi
echo "every e-mail arrived exactly once"
