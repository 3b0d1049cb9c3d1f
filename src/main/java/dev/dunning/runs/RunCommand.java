package dev.dunning.runs;

import dev.dunning.Command;
import dev.dunning.decision.Segment;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * {@code run --as-of=2026-11-23 [--mode=dry-run|live] [--dispatch] [--segment=..] [--country=..] [--currency=..]}
 * or {@code run --restart=ID}: a dunning run from the command line, in the foreground, with a progress bar; exits 0
 * when the run completed, 1 when it failed (restart it with --restart=ID), 2 when the command was used wrongly.
 * {@code --dispatch} (live runs only) also puts each decision that sends something in the outbox.
 */
@Component
class RunCommand implements Command {

    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int BAR_WIDTH = 30;

    static final long POLL_MILLIS = 500;

    private final Runs runs;

    RunCommand(Runs runs) {
        this.runs = runs;
    }

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String usage() {
        return "run --as-of=YYYY-MM-DD|instant [--mode=dry-run|live] [--dispatch] [--segment=S] [--country=CC] "
                + "[--currency=CUR] | run --restart=ID   a dunning run in the foreground with a progress bar; "
                + "--dispatch (live only) also sends the decisions through the outbox (docs/runs.md)";
    }

    @Override
    public int run(List<String> args) throws InterruptedException {
        return run(args, System.out, System.console() != null);
    }

    int run(List<String> args, PrintStream out, boolean terminal) throws InterruptedException {
        Instant asOf = null;
        String mode = RunRequest.DRY_RUN;
        Segment segment = null;
        String country = null;
        String currency = null;
        Long restart = null;
        boolean dispatch = false;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            String value = kv.length > 1 ? kv[1] : "";
            try {
                switch (kv[0]) {
                    case "--as-of" -> asOf = asOf(value);
                    case "--mode" -> mode = value;
                    case "--segment" -> segment = Segment.valueOf(value.toUpperCase(Locale.ROOT));
                    case "--country" -> country = value.toUpperCase(Locale.ROOT);
                    case "--currency" -> currency = value.toUpperCase(Locale.ROOT);
                    case "--restart" -> restart = Long.parseLong(value);
                    case "--dispatch" -> dispatch = flag(value);
                    default -> {
                        out.println("run: unknown argument \"" + arg + "\"; usage: " + usage());
                        return USAGE;
                    }
                }
            } catch (IllegalArgumentException | DateTimeParseException e) {
                out.println("run: " + arg + " is not valid (" + e.getMessage() + "); usage: " + usage());
                return USAGE;
            }
        }
        if (!mode.equals(RunRequest.DRY_RUN) && !mode.equals(RunRequest.LIVE)) {
            out.println("run: --mode must be dry-run or live, not \"" + mode + "\"");
            return USAGE;
        }
        if (dispatch && restart != null) {
            out.println("run: --dispatch cannot be given with --restart; a restarted run dispatches as it did when it "
                    + "was started");
            return USAGE;
        }
        if (dispatch && !mode.equals(RunRequest.LIVE)) {
            out.println("run: --dispatch needs --mode=live; a dry run dispatches nothing");
            return USAGE;
        }
        long id;
        if (restart != null) {
            try {
                id = runs.restart(restart);
            } catch (IllegalArgumentException e) {
                out.println("run: " + e.getMessage());
                return USAGE;
            }
            out.println("run " + id + " restarted");
        } else {
            if (asOf == null) {
                out.println("run: --as-of is required; usage: " + usage());
                return USAGE;
            }
            id = runs.start(new RunRequest(asOf, mode.equals(RunRequest.DRY_RUN), segment, country, currency, "cli",
                    dispatch));
            out.println("run " + id + " started (" + mode + (dispatch ? ", dispatching" : "") + ", as of " + asOf
                    + ")");
        }
        RunStatus status = follow(id, out, terminal);
        out.println(summary(status));
        return status.status().equals("completed") ? 0 : FAILED;
    }

    /** Polls the run until it ends; on a terminal the bar is redrawn in place, otherwise a line per change. */
    private RunStatus follow(long id, PrintStream out, boolean terminal) throws InterruptedException {
        String lastLine = null;
        while (true) {
            RunStatus status = runs.status(id).orElseThrow();
            String line = bar(status.progress());
            if (!line.equals(lastLine)) {
                if (terminal) {
                    out.print("\r" + line);
                } else {
                    out.println(line);
                }
                out.flush();
                lastLine = line;
            }
            if (status.finished()) {
                if (terminal) {
                    out.println();
                }
                return status;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    static String bar(RunStatus.Progress p) {
        double share = p.total() == 0 ? 0 : Math.min(1, (double) p.done() / p.total());
        int filled = (int) Math.round(share * BAR_WIDTH);
        String eta = p.secondsLeft() == null ? "" : String.format(Locale.ROOT, ", %d s left", p.secondsLeft());
        return String.format(Locale.ROOT, "[%s%s] %3d%% %,d/%,d customers, %,.0f/s%s", "#".repeat(filled),
                ".".repeat(BAR_WIDTH - filled), Math.round(share * 100), p.done(), p.total(), p.perSecond(), eta);
    }

    static String summary(RunStatus s) {
        StringBuilder b = new StringBuilder();
        b.append("run ").append(s.id()).append(' ').append(s.status()).append(": ")
                .append(String.format(Locale.ROOT, "%,d decided, %,d failed", s.summary().decided(), s.failedCount()));
        b.append("\n  actions:  ").append(counts(s.summary().actions()));
        b.append("\n  channels: ").append(counts(s.summary().channels()));
        b.append("\n  tones:    ").append(counts(s.summary().tones()));
        b.append("\n  holds:    ").append(counts(s.summary().holds()));
        if (s.dispatch()) {
            b.append("\n  outbox:   ").append(String.format(Locale.ROOT, "%,d entries", s.summary().enqueued()));
            if (!s.summary().enqueuedByRoute().isEmpty()) {
                b.append(" (").append(counts(s.summary().enqueuedByRoute())).append(')');
            }
        }
        s.failed().forEach(f -> b.append("\n  failed ").append(f.customerId()).append(": ").append(f.reason()));
        if (s.exitMessage() != null && !s.status().equals("completed")) {
            b.append("\n  ").append(s.exitMessage()).append("\n  continue it with: run --restart=").append(s.id());
        }
        return b.toString();
    }

    private static String counts(Map<String, Long> counts) {
        return counts.isEmpty() ? "-" : counts.entrySet().stream()
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%,d", e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** {@code --dispatch} alone or {@code --dispatch=true} is on; {@code --dispatch=false} is off. */
    static boolean flag(String value) {
        if (value.isEmpty() || value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("give --dispatch alone, or =true or =false");
    }

    /** A date is that day at 00:00 UTC; an instant is taken as it is. */
    static Instant asOf(String value) {
        return value.contains("T") ? Instant.parse(value) : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC)
                .toInstant();
    }
}
