package dev.dunning.runs;

import dev.dunning.Command;
import dev.dunning.CommandSyntax;
import dev.dunning.CommandSyntax.UsageException;
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
public final class RunCommand implements Command {

    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int BAR_WIDTH = 30;

    static final long POLL_MILLIS = 500;

    public static final CommandSyntax SYNTAX = new CommandSyntax("run",
            "run --as-of=YYYY-MM-DD|instant [--mode=dry-run|live] [--dispatch] [--segment=S] [--country=CC] "
                    + "[--currency=CUR] | run --restart=ID   a dunning run in the foreground with a progress bar; "
                    + "--dispatch (live only) also sends the decisions through the outbox (docs/runs.md)",
            """
            A dunning run over the stored customers, in the foreground, with a progress bar. Beside a running service
            on the same data folder it uses that service's embedded database; a dispatching run's messages are then
            sent by the service's dispatcher (a command sends nothing itself).

              --as-of=2026-11-23           the day (00:00 UTC) or instant (2026-11-23T08:00:00Z) to decide as of
              --mode=dry-run|live          dry-run (default) records nothing on the customers; live does
              --dispatch                   live runs only: put each decision that sends something in the outbox
              --segment=S                  only this segment (%s)
              --country=CC                 only customers in this country (ISO 3166 two letters)
              --currency=CUR               only invoices in this currency (ISO 4217)
              --restart=ID                 continue a failed run after its last committed chunk

            Exit codes: 0 the run completed, 1 it failed (continue it with --restart=ID), 2 the command was used
            wrongly. More in docs/runs.md.
            """.formatted(String.join(", ", java.util.Arrays.stream(Segment.values()).map(Segment::name).toList())),
            args -> parse(args));

    /** The checked arguments: a new run ({@code asOf} set) or a restart ({@code restart} set). */
    record Arguments(Instant asOf, String mode, Segment segment, String country, String currency, Long restart,
            boolean dispatch) {}

    private final Runs runs;

    RunCommand(Runs runs) {
        this.runs = runs;
    }

    @Override
    public CommandSyntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(List<String> args) throws InterruptedException {
        return run(args, System.out, System.console() != null);
    }

    static Arguments parse(List<String> args) throws UsageException {
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
                    default -> throw new UsageException("\"" + arg + "\" is not an argument of run");
                }
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new UsageException(arg + " is not valid (" + e.getMessage() + ")");
            }
        }
        if (!mode.equals(RunRequest.DRY_RUN) && !mode.equals(RunRequest.LIVE)) {
            throw new UsageException("--mode must be dry-run or live, not \"" + mode + "\"");
        }
        if (dispatch && restart != null) {
            throw new UsageException("--dispatch cannot be given with --restart; a restarted run dispatches as it "
                    + "did when it was started");
        }
        if (dispatch && !mode.equals(RunRequest.LIVE)) {
            throw new UsageException("--dispatch needs --mode=live; a dry run dispatches nothing");
        }
        if (restart == null && asOf == null) {
            throw new UsageException("--as-of is required");
        }
        return new Arguments(asOf, mode, segment, country, currency, restart, dispatch);
    }

    int run(List<String> args, PrintStream out, boolean terminal) throws InterruptedException {
        Arguments a;
        try {
            a = parse(args);
        } catch (UsageException e) {
            out.println("run: " + e.getMessage() + "; usage: " + usage());
            return USAGE;
        }
        Long restart = a.restart();
        String mode = a.mode();
        boolean dispatch = a.dispatch();
        Instant asOf = a.asOf();
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
            id = runs.start(new RunRequest(asOf, mode.equals(RunRequest.DRY_RUN), a.segment(), a.country(),
                    a.currency(), "cli", dispatch));
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
