#!/usr/bin/env bash
# Aggregates a JFR recording's execution samples (docs/benchmarks.md, section 10):
#   bash bench/jfr-top.sh recording.jfr [lines]
#   THREADS='^(pool-|smtp-relay)' bash bench/jfr-top.sh recording.jfr   # only samples of threads whose name matches
# prints the samples per thread kind, the top frames (where the CPU was: self time), and the methods most often on the
# stack (inclusive: what a request spends its time under), each as a share of all samples.
set -euo pipefail
FILE=$1
LINES=${2:-25}
jfr summary "$FILE" | awk '/jdk.ExecutionSample/ {print "samples: " $2}'
jfr print --events jdk.ExecutionSample --stack-depth 200 "$FILE" | awk -v lines="$LINES" -v only="${THREADS:-}" '
    function shorten(f) { sub(/[ \t]+line:.*$/, "", f); sub(/^[ \t]+/, "", f); return f }
    /sampledThread = / {
        t = $0; sub(/.*sampledThread = "/, "", t); sub(/".*/, "", t)
        skip = only != "" && t !~ only
        if (skip) next
        gsub(/-?[0-9]+$/, "", t); gsub(/-[0-9]+-/, "-N-", t); threads[t]++ }
    skip { next }
    /stackTrace = \[/ { inStack = 1; depth = 0; delete seen; total++; next }
    inStack && /^[ \t]*\]/ { inStack = 0; next }
    inStack {
        f = shorten($0)
        if (f == "..." || f == "") next
        if (depth == 0) self[f]++
        depth++
        if (!(f in seen)) { seen[f] = 1; incl[f]++ }
    }
    END {
        printf "\n-- samples by thread (digits folded) --\n"
        for (t in threads) printf "%6d %5.1f%%  %s\n", threads[t], 100 * threads[t] / total, t | "sort -rn | head -12"
        close("sort -rn | head -12")
        printf "\n-- top frames (self) --\n"
        cmd = "sort -rn | head -" lines
        for (f in self) printf "%6d %5.1f%%  %s\n", self[f], 100 * self[f] / total, f | cmd
        close(cmd)
        printf "\n-- on the stack (inclusive), dev.dunning and the web stack --\n"
        for (f in incl) if (f ~ /^(dev\.dunning|org\.springframework\.(security|web)|tools\.jackson|org\.apache\.(catalina|coyote)|com\.zaxxer|org\.mariadb|org\.drools|ch\.qos|org\.slf4j|io\.micrometer|jakarta\.mail|org\.eclipse\.angus|org\.thymeleaf|org\.springframework\.(jdbc|transaction|mail))/)
            printf "%6d %5.1f%%  %s\n", incl[f], 100 * incl[f] / total, f | cmd
        close(cmd)
    }'
