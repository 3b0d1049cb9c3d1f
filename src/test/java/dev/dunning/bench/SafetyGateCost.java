package dev.dunning.bench;

import dev.dunning.decision.TestData;
import dev.dunning.rules.RuleSet;
import dev.dunning.rules.RuleSetCompiler;
import dev.dunning.rules.RuleSetLoader;
import dev.dunning.rules.RuleSource;
import dev.dunning.rules.internal.CompiledRuleCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.drools.compiler.kie.builder.impl.InternalKieModule;
import org.drools.model.codegen.ExecutableModelProject;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.ReleaseId;

/**
 * What the compiled-code gate adds to building the 1,000-row rule set, measured in one run: the build of the whole
 * set (checks, safety, compile; as an activation does it, scenarios aside) timed against the gate alone reading the
 * classes that build generated. Run:
 * {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.SafetyGateCost -Dbench.args="10"}
 */
public final class SafetyGateCost {

    private SafetyGateCost() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        BenchFixtures.quietLogging();
        RuleSetCompiler compiler = new RuleSetCompiler(TestData.CLOCK);
        Path tmp = Files.createTempDirectory("dunning-gate");
        LadderTable.generated().writeTablesDir(Path.of("decision-tables"), tmp.resolve("decision-tables"));
        List<RuleSource> ladder = RuleSetLoader.read(Path.of("rules"), tmp.resolve("decision-tables"), null).sources();
        RuleSet built = compiler.compile(ladder);
        Map<String, byte[]> classes = classes(built);
        System.out.printf(Locale.ROOT, "1,000-row set: %d generated classes, %,d bytes%n", classes.size(),
                classes.values().stream().mapToLong(b -> b.length).sum());
        for (int i = 0; i < 5; i++) { // warm-up of both
            compiler.compile(ladder);
            CompiledRuleCode.check(classes);
        }
        long[] build = new long[runs];
        long[] gate = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            compiler.compile(ladder);
            build[i] = System.nanoTime() - start;
            start = System.nanoTime();
            if (!CompiledRuleCode.check(classes).isEmpty()) {
                throw new IllegalStateException("the shipped ladder must pass the gate");
            }
            gate[i] = System.nanoTime() - start;
        }
        long buildMedian = median(build);
        long gateMedian = median(gate);
        System.out.printf(Locale.ROOT, "build (gate included): median %.0f ms; gate alone: median %.1f ms; "
                + "the gate is %.1f %% of the build%n", buildMedian / 1e6, gateMedian / 1e6, 100.0 * gateMedian / buildMedian);
    }

    /** The classes a plain build of the set's DRL (the tables as the compiler rendered them) generates. */
    private static Map<String, byte[]> classes(RuleSet built) {
        KieServices ks = KieServices.Factory.get();
        ReleaseId id = ks.newReleaseId("dev.dunning.bench", "gate", "1.0.0-" + UUID.randomUUID());
        KieFileSystem kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(id);
        int n = 0;
        for (String drl : built.generatedDrl().values()) {
            kfs.write("src/main/resources/bench/table" + (n++) + ".drl", drl);
        }
        for (RuleSource source : built.sources()) {
            if (source.isDrl()) {
                kfs.write("src/main/resources/bench/" + source.baseName() + (n++) + ".drl",
                        new String(source.content(), StandardCharsets.UTF_8));
            }
        }
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll(ExecutableModelProject.class);
        InternalKieModule module = (InternalKieModule) builder.getKieModule();
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (String file : module.getFileNames()) {
            if (file.endsWith(".class")) {
                classes.put(file.substring(0, file.length() - 6), module.getBytes(file));
            }
        }
        ks.getRepository().removeKieModule(id);
        return classes;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
