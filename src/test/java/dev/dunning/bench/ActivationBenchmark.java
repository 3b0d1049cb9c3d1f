package dev.dunning.bench;

import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.Facts;
import dev.dunning.decision.TestData;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import dev.dunning.rules.RuleSetCompiler;
import dev.dunning.rules.RuleSetGates;
import dev.dunning.rules.RuleSetLoader;
import dev.dunning.rules.RuleSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Activation of a rule set with a 1,000-row table (checks, safety, compile, scenarios, swap) while threads keep
 * deciding, and the heap after 50 activations. In process, without the database row (one UPDATE) and HTTP: what is
 * measured is the part that could stall decisions or leak. Run:
 * {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.dunning.bench.ActivationBenchmark}
 * (arguments: activations to time, default 10; activations for the memory check, default 50; deciding threads,
 * default 2; decisions per second all threads together, default 0 = as fast as they can, which keeps one core busy
 * per thread — a paced load is closer to requests arriving from billing systems).
 */
public final class ActivationBenchmark {

    private static final int WARM_UP = 14;

    private ActivationBenchmark() {}

    public static void main(String[] args) throws Exception {
        int timed = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int leakRuns = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        long interval = rate == 0 ? 0 : 1_000_000_000L * threads / rate; // between one thread's decisions
        BenchFixtures.quietLogging();
        Clock clock = TestData.CLOCK;
        RuleSetGates gates = new RuleSetGates(new RuleSetCompiler(clock), clock, DeclineCodes.shipped());
        List<RuleSource> shipped = RuleSetLoader.read(Path.of("rules"), Path.of("decision-tables"),
                Path.of("scenarios")).sources();
        Path tmp = Files.createTempDirectory("dunning-activation");
        LadderTable.generated().writeTablesDir(Path.of("decision-tables"), tmp.resolve("decision-tables"));
        // The shipped scenarios describe the shipped ladder, so the 1,000-row set runs without scenarios (a warning).
        List<RuleSource> ladder = RuleSetLoader.read(Path.of("rules"), tmp.resolve("decision-tables"), null).sources();

        ActiveRuleSet active = new ActiveRuleSet(check(gates, shipped));
        DecisionEngine engine = new DecisionEngine(active, clock, DeclineCodes.shipped());
        Facts facts = TestData.facts().asOf("2025-03-12T15:00:00Z")
                .customer(TestData.aCustomer().consumer().in("DE", "Europe/Berlin", "EUR"))
                .invoice(TestData.anInvoice().amount("EUR", "120.00").daysOverdue(12)).build();

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean timing = new AtomicBoolean(true);
        AtomicLong decisions = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>(); // {start, end} in nanos
        List<Thread> load = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                long due = System.nanoTime();
                while (running.get()) {
                    if (interval > 0) {
                        due += interval;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    // Paced, a decision is late from the moment it was due (a request waiting counts), not from
                    // when the thread got round to it.
                    long start = interval > 0 ? due : System.nanoTime();
                    try {
                        engine.evaluate(facts);
                        decisions.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                    long end = System.nanoTime();
                    if (timing.get() && end - start > 1_000_000) { // only the slow ones, only while timing
                        latencies.add(new long[] {start, end});
                    }
                }
            }, "decide-" + i);
            t.setDaemon(true);
            t.start();
            load.add(t);
        }

        // Warm-up: the code generator, the Java compiler and Drools' builders are a lot of code for the JIT; the JIT's
        // share of an activation's CPU falls from about 5 s to about 1 s over the first dozen activations.
        for (int i = 0; i < WARM_UP; i++) {
            active.swap(check(gates, i % 2 == 0 ? ladder : shipped));
        }
        System.out.printf(Locale.ROOT, "after %d warm-up activations; %d deciding thread(s), %s%n", WARM_UP, threads,
                rate == 0 ? "as fast as they can" : rate + " decisions/s in all");
        System.out.printf(Locale.ROOT, "%-4s %12s %12s %10s %10s %26s%n", "run", "activation", "process CPU",
                "of it JIT", "GC pauses", "worst decision during it");
        List<Long> times = new ArrayList<>();
        List<Long> cpuTimes = new ArrayList<>();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var jit = ManagementFactory.getCompilationMXBean();
        for (int i = 0; i < timed; i++) {
            latencies.clear();
            long cpuStart = os.getProcessCpuTime();
            long jitStart = jit.getTotalCompilationTime();
            long gcStart = gcMillis();
            long start = System.nanoTime();
            active.swap(check(gates, i % 2 == 0 ? ladder : shipped));
            long end = System.nanoTime();
            long cpu = (os.getProcessCpuTime() - cpuStart) / 1_000_000;
            long jitMillis = jit.getTotalCompilationTime() - jitStart;
            long gcPauses = gcMillis() - gcStart;
            long worst = latencies.stream().filter(l -> l[1] >= start && l[0] <= end).mapToLong(l -> l[1] - l[0])
                    .max().orElse(0);
            if (i % 2 == 0) {
                times.add((end - start) / 1_000_000);
                cpuTimes.add(cpu);
            }
            System.out.printf(Locale.ROOT, "%-4d %9d ms %9d ms %7d ms %7d ms %23.1f ms%s%n", i + 1,
                    (end - start) / 1_000_000, cpu, jitMillis, gcPauses, worst / 1e6,
                    i % 2 == 0 ? "  (1,000-row ladder)" : "  (shipped)");
        }
        if (!times.isEmpty()) {
            times.sort(Long::compare);
            cpuTimes.sort(Long::compare);
            System.out.printf(Locale.ROOT, "1,000-row activation median %d ms, max %d ms (process CPU median %d ms, "
                    + "deciding threads included); %d decisions, %d failed%n", times.get(times.size() / 2),
                    times.get(times.size() - 1), cpuTimes.get(cpuTimes.size() / 2), decisions.get(), failures.get());
        }

        timing.set(false);
        latencies.clear();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        active.swap(check(gates, shipped)); // before and after are measured with the same set active
        long before = usedAfterGc(memory);
        System.out.printf(Locale.ROOT, "heap after GC before: %.1f MB; %s%n", before / 1e6, classes());
        for (int i = 0; i < leakRuns; i++) {
            active.swap(check(gates, i % 2 == 0 ? ladder : shipped));
            if (i % 10 == 9) {
                active.swap(check(gates, shipped));
                System.out.printf(Locale.ROOT, "heap after GC after %d activations: %.1f MB; %s%n", i + 1,
                        usedAfterGc(memory) / 1e6, classes());
            }
        }
        active.swap(check(gates, shipped));
        long after = usedAfterGc(memory);
        running.set(false);
        for (Thread t : load) {
            t.join();
        }
        System.out.printf(Locale.ROOT, "heap after GC: %.1f MB before %d activations, %.1f MB after (%+.1f MB); "
                + "%d decisions in all, %d failed%n", before / 1e6, leakRuns, after / 1e6, (after - before) / 1e6,
                decisions.get(), failures.get());
        try (var walk = Files.walk(tmp)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static RuleSet check(RuleSetGates gates, List<RuleSource> sources) {
        RuleSetGates.Verdict verdict = gates.check(sources);
        if (!verdict.passed()) {
            throw new IllegalStateException("the benchmark's rule set fails the gates: " + verdict.errors());
        }
        return verdict.ruleSet();
    }

    /** Time the collectors report, summed (G1's young and mixed pauses, its concurrent cycles). */
    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
    }

    /**
     * Loaded classes and metaspace: each build defines thousands of classes in its own class loader, so a build
     * whose class loader stays reachable shows here long before it shows in the heap.
     */
    private static String classes() {
        long metaspace = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getName().equals("Metaspace"))
                .mapToLong(p -> p.getUsage().getUsed()).sum();
        var loading = ManagementFactory.getClassLoadingMXBean();
        return String.format(Locale.ROOT, "%,d classes loaded (%,d unloaded so far), metaspace %.1f MB",
                loading.getLoadedClassCount(), loading.getUnloadedClassCount(), metaspace / 1e6);
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
