package dev.dunning.rulesets;

import dev.dunning.rules.RuleProblem;
import dev.dunning.rules.RuleSetCompiler;
import dev.dunning.rules.RuleSetLoader;
import dev.dunning.rules.RulesProperties;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * With {@code dunning.rule-sets.watch=true}, files saved into the rules, decision-tables or scenarios directories
 * become a candidate through the same gates as an upload, once the directories have been quiet for
 * {@code dunning.rule-sets.watch-debounce}: a spreadsheet program writes a workbook in several steps, and reading it
 * half way would reject a file that is fine a moment later. The outcome is logged and kept in the version's history.
 */
@Component
@ConditionalOnProperty(name = "dunning.rule-sets.watch", havingValue = "true")
class RuleSetWatcher {

    private static final Logger log = LoggerFactory.getLogger(RuleSetWatcher.class);
    static final String AUTHOR = "file-watcher";

    private final RuleSetLifecycle lifecycle;
    private final RuleSetVersions versions;
    private final RulesProperties rules;
    private final RuleSetProperties properties;
    private final FourEyes fourEyes;
    private WatchService watcher;
    private Thread thread;

    RuleSetWatcher(RuleSetLifecycle lifecycle, RuleSetVersions versions, RulesProperties rules,
            RuleSetProperties properties, FourEyes fourEyes) {
        this.lifecycle = lifecycle;
        this.fourEyes = fourEyes;
        this.versions = versions;
        this.rules = rules;
        this.properties = properties;
    }

    @PostConstruct
    void start() throws IOException {
        watcher = FileSystems.getDefault().newWatchService();
        for (Path dir : List.of(rules.rulesDir(), rules.decisionTablesDir(), rules.scenariosDir())) {
            if (!Files.isDirectory(dir)) {
                log.warn("Not watching {}: it is not a directory", dir);
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path d : walk.filter(Files::isDirectory).toList()) {
                    d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                            StandardWatchEventKinds.ENTRY_DELETE);
                }
            }
        }
        thread = new Thread(this::run, "rule-set-watch");
        thread.setDaemon(true);
        thread.start();
        log.info("Watching {}, {} and {} for rule-set changes (quiet period {})", rules.rulesDir(),
                rules.decisionTablesDir(), rules.scenariosDir(), properties.watchDebounce());
    }

    @PreDestroy
    void stop() throws IOException, InterruptedException {
        watcher.close();
        thread.interrupt();
        thread.join(5000);
    }

    private void run() {
        long quietMillis = Math.max(50, properties.watchDebounce().toMillis());
        long lastChange = 0;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                WatchKey key = watcher.poll(Math.max(10, quietMillis / 4), TimeUnit.MILLISECONDS);
                if (key != null) {
                    boolean relevant = key.pollEvents().stream()
                            .map(e -> e.context() == null ? "" : e.context().toString())
                            .anyMatch(name -> !name.startsWith(".") && !name.startsWith("~$"));
                    key.reset();
                    if (relevant) {
                        lastChange = System.nanoTime();
                    }
                    continue;
                }
                if (lastChange != 0 && System.nanoTime() - lastChange >= quietMillis * 1_000_000) {
                    lastChange = 0;
                    takeChange();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                log.error("Reading the changed rule-set directories failed; waiting for the next change", e);
            }
        }
    }

    /** Reads the directories as they are now and offers them as a candidate. */
    void takeChange() {
        RuleSetLoader.Read read = RuleSetLoader.read(rules.rulesDir(), rules.decisionTablesDir(), rules.scenariosDir());
        String version = RuleSetCompiler.versionOf(read.sources());
        if (!read.problems().isEmpty()) {
            log.warn("The rule-set directories changed but cannot be read as a rule set (version {}):\n  {}",
                    version.substring(0, 12), String.join("\n  ", read.problems().stream().map(RuleProblem::toString)
                            .toList()));
        }
        Optional<RuleSetVersions.Stored> known = versions.find(version);
        try {
            RuleSetLifecycle.Submitted submitted = lifecycle.submit(read.sources(), read.problems(), AUTHOR,
                    "saved into the watched directories", RuleSetLifecycle.WATCH);
            if (!submitted.created() && known.isPresent()) {
                log.info("The rule-set directories hold version {}, already known as {}", version.substring(0, 12),
                        known.get().status());
            }
            if (submitted.stored().status() == RuleSetVersions.Status.REJECTED) {
                log.warn("The rule-set directories hold version {}, rejected before; the active version keeps serving",
                        version.substring(0, 12));
            } else if (properties.watchActivates() && fourEyes.relaxed()
                    && submitted.stored().status() != RuleSetVersions.Status.ACTIVE) {
                lifecycle.activate(version, AUTHOR);
                log.info("Watched change activated: rule-set version {}", version.substring(0, 12));
            } else {
                // With four-eyes in force a saved file is one person's change: another has to activate it.
                log.info("Watched change stored as candidate {}; activate it with POST /api/v1/rule-sets/{}/activate{}",
                        version.substring(0, 12), version, fourEyes.relaxed() ? "" : " (four-eyes: not the watcher)");
            }
        } catch (CandidateRejectedException e) {
            log.warn("Watched change rejected at the {} gate (version {}); the active version keeps serving:\n  {}",
                    e.stoppedAt(), version.substring(0, 12), String.join("\n  ", e.problems().stream()
                            .filter(RuleProblem::isError).map(RuleProblem::toString).toList()));
        }
    }
}
