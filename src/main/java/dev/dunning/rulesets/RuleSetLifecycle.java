package dev.dunning.rulesets;

import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.RuleProblem;
import dev.dunning.rules.RuleSet;
import dev.dunning.rules.RuleSetCompiler;
import dev.dunning.rules.RuleSetDiff;
import dev.dunning.rules.RuleSetGates;
import dev.dunning.rules.RuleSource;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The life of rule-set versions: a candidate is checked by the gates and stored (candidate or rejected), activation
 * checks it again, records it in the database and only then swaps what this instance serves; every other instance
 * sees the change of the active row within {@code dunning.rule-sets.poll-interval} and swaps too. A decision already
 * evaluating keeps the set it took ({@link ActiveRuleSet}), so in-flight decisions finish on their version.
 */
@Service
public class RuleSetLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RuleSetLifecycle.class);

    public static final String UPLOAD = "upload";
    public static final String STARTUP = "start-up";
    public static final String WATCH = "file-watch";
    /** The event of an upload that was validated (and perhaps never stored). */
    public static final String VALIDATED = "VALIDATED";

    /**
     * The gates' findings as stored with a version; {@code scenariosPassed} is empty in reports stored before it was
     * recorded.
     */
    public record Report(String stoppedAt, List<RuleProblem> problems, int scenariosRun,
            List<RuleSetGates.ScenarioFailure> scenarioFailures, List<RuleSetGates.ScenarioPass> scenariosPassed) {

        public Report {
            scenariosPassed = scenariosPassed == null ? List.of() : scenariosPassed;
        }

        static Report of(RuleSetGates.Verdict verdict) {
            return new Report(verdict.stoppedAt(), verdict.problems(), verdict.scenariosRun(),
                    verdict.scenarioFailures(), verdict.scenariosPassed());
        }
    }

    /**
     * A submitted candidate: stored now, or already known (then {@code created} is false); {@code upload} says how an
     * upload was taken (null for directory content).
     */
    public record Submitted(RuleSetVersions.Stored stored, boolean created, TakenAs upload) {

        public Submitted(RuleSetVersions.Stored stored, boolean created) {
            this(stored, created, null);
        }
    }

    private final RuleSetVersions versions;
    private final RuleSetGates gates;
    private final ActiveRuleSet active;
    private final RuleSetProperties properties;
    private final Clock clock;
    private final JsonMapper json;
    private final RuleSetUpload upload;
    private final FourEyes fourEyes;
    private final Object swapLock = new Object();
    /**
     * The last versions built for reading (simulations, their pages): a version is its content, so what it compiles
     * to never changes, and a reviewer paging through a simulation should not wait for a build per page.
     */
    private final Map<String, RuleSet> built = Collections.synchronizedMap(new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RuleSet> eldest) {
            return size() > BUILT_KEPT;
        }
    });
    private static final int BUILT_KEPT = 2;
    private ScheduledExecutorService poller;

    public RuleSetLifecycle(RuleSetVersions versions, RuleSetGates gates, ActiveRuleSet active,
            RuleSetProperties properties, Clock clock, JsonMapper json, FourEyes fourEyes) {
        this.versions = versions;
        this.fourEyes = fourEyes;
        this.gates = gates;
        this.active = active;
        this.properties = properties;
        this.clock = clock;
        this.json = json;
        this.upload = new RuleSetUpload(properties);
    }

    @PostConstruct
    void startPolling() {
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rule-set-poll");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(100, properties.pollInterval().toMillis());
        poller.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stopPolling() {
        poller.shutdownNow();
    }

    /**
     * The files an upload stands for: a zip is the whole set or a change to the active set (as {@code request.scope()}
     * says; unsaid, a zip that leaves out files of the active set is refused with {@link ScopeNeededException}); one
     * file replaces its namesake in the active set or is added beside it.
     */
    public List<RuleSource> candidateSources(UploadRequest request) {
        return UploadCandidate.of(request, active.get(), upload).sources();
    }

    public List<RuleSource> candidateSources(String filename, byte[] content) {
        return candidateSources(UploadRequest.of(filename, content));
    }

    /** What the gates said about an upload, and how the upload was taken (whole set or change, each file's origin). */
    public record Validation(RuleSetGates.Verdict verdict, TakenAs upload) {}

    /**
     * Every gate's findings for an upload. Stores no version and changes nothing served, but is recorded like an
     * upload: a {@value #VALIDATED} event in the candidate version's history (whether or not that version is ever
     * stored) says who validated which files (names and SHA-256 hashes, and where each came from) when, and what the
     * gates said.
     */
    public Validation validate(UploadRequest request, String principal) {
        UploadCandidate candidate = UploadCandidate.of(request, active.get(), upload);
        RuleSetGates.Verdict verdict = UploadCandidate.withWarnings(gates.check(candidate.sources()),
                candidate.warnings());
        String version = RuleSetCompiler.versionOf(candidate.sources());
        versions.event(version, clock.instant(), principal, VALIDATED,
                new ValidatedUpload(request.filename(), RuleSetCompiler.sha256(request.content()),
                        request.content().length, candidate.takenAs(), verdict).detail());
        log.info("Rule-set upload {} ({}) validated by {}: version {} {}", request.filename(),
                candidate.takenAs().scope(), principal, version.substring(0, 12),
                verdict.passed() ? "passed" : "stopped at the " + verdict.stoppedAt() + " gate");
        return new Validation(verdict, candidate.takenAs());
    }

    public RuleSetGates.Verdict validate(String filename, byte[] content, String principal) {
        return validate(UploadRequest.of(filename, content), principal).verdict();
    }

    /**
     * The history of a version: by a stored version's hash or unique prefix, or by the full hash of a version that was
     * only validated and never stored.
     */
    public List<RuleSetVersions.Event> history(String versionOrPrefix) {
        String v = versionOrPrefix == null ? "" : versionOrPrefix.strip().toLowerCase(java.util.Locale.ROOT);
        if (v.matches("[0-9a-f]{64}")) {
            List<RuleSetVersions.Event> events = versions.events(v);
            if (!events.isEmpty()) {
                return events;
            }
        }
        return versions.events(resolve(versionOrPrefix));
    }

    public Submitted submit(String filename, byte[] content, String author, String comment) {
        return submit(UploadRequest.of(filename, content), author, comment);
    }

    /**
     * Stores the candidate an upload makes (see {@link #candidateSources(UploadRequest)}); the answer, the rejection
     * and the version's {@code SUBMITTED} or {@code REJECTED} event say how the upload was taken.
     *
     * @throws CandidateRejectedException when a gate refuses it (stored as rejected), carrying how it was taken
     */
    public Submitted submit(UploadRequest request, String author, String comment) {
        UploadCandidate candidate = UploadCandidate.of(request, active.get(), upload);
        String detail = UPLOAD + (comment == null ? "" : ": " + comment) + "; " + candidate.takenAs().detail();
        try {
            Submitted submitted = submit(candidate.sources(), List.of(), candidate.warnings(), author, comment,
                    UPLOAD, detail);
            return new Submitted(submitted.stored(), submitted.created(), candidate.takenAs());
        } catch (CandidateRejectedException e) {
            throw e.withUpload(candidate.takenAs());
        }
    }

    /**
     * Stores a candidate with what the gates said. A version already known is returned as it is: the same content
     * is the same version, whoever offers it again.
     *
     * @throws CandidateRejectedException when a gate refuses it (it is stored as rejected, with its problems)
     */
    public Submitted submit(List<RuleSource> sources, String author, String comment, String origin) {
        return submit(sources, List.of(), author, comment, origin);
    }

    /**
     * As {@link #submit(List, String, String, String)}, for files read from directories where some could not be
     * read: {@code readProblems} reject the candidate as the gates' problems would.
     */
    public Submitted submit(List<RuleSource> sources, List<RuleProblem> readProblems, String author, String comment,
            String origin) {
        return submit(sources, readProblems, List.of(), author, comment, origin, null);
    }

    private Submitted submit(List<RuleSource> sources, List<RuleProblem> readProblems, List<RuleProblem> warnings,
            String author, String comment, String origin, String detail) {
        String version = RuleSetCompiler.versionOf(sources);
        Optional<RuleSetVersions.Stored> known = versions.find(version);
        if (known.isPresent()) {
            return new Submitted(known.get(), false);
        }
        RuleSetGates.Verdict verdict = UploadCandidate.withWarnings(gates.check(sources), warnings);
        if (!readProblems.isEmpty()) {
            List<RuleProblem> all = new ArrayList<>(readProblems);
            all.addAll(verdict.problems());
            verdict = new RuleSetGates.Verdict(version, null,
                    verdict.stoppedAt() == null ? RuleSetGates.CHECKS : verdict.stoppedAt(), all,
                    verdict.scenariosRun(), verdict.scenarioFailures(), verdict.scenariosPassed());
        }
        RuleSetVersions.Status status = verdict.passed() ? RuleSetVersions.Status.CANDIDATE
                : RuleSetVersions.Status.REJECTED;
        versions.insert(version, status, origin, author, comment, json.writeValueAsString(Report.of(verdict)), sources,
                clock.instant(), detail);
        log.info("Rule-set version {} submitted by {} ({}): {}", version.substring(0, 12), author, origin,
                verdict.passed() ? "a candidate" : "rejected at the " + verdict.stoppedAt() + " gate");
        if (!verdict.passed()) {
            throw new CandidateRejectedException(version, verdict.stoppedAt(), verdict.problems(),
                    verdict.scenarioFailures(), false).withPassed(verdict.scenariosPassed());
        }
        return new Submitted(versions.find(version).orElseThrow(), true);
    }

    /**
     * Activates a stored version (also an earlier one: a rollback). The gates run again on its exact files; only when
     * they pass is it recorded as active and swapped in. A rejected version is refused and nothing changes. When the
     * gates fail, a candidate is rejected; a version that was in force before stays re-activatable (see
     * {@link RuleSetVersions#reject}). A
     * candidate's first activation follows the four-eyes principle: not by its author (unless relaxed). People reach
     * this through {@link RuleSetReviews}, which also holds a rollback to a second person's approval; the start-up and
     * the file watcher call it directly.
     *
     * @throws FourEyes.FourEyesException if the author activates their own candidate
     */
    public RuleSetVersions.Stored activate(String versionOrPrefix, String principal) {
        return activate(versionOrPrefix, principal, null);
    }

    /**
     * As {@link #activate(String, String)}, only while {@code expectedActive} is still the version in force (null: no
     * such condition): a reviewed request judged the change against that version, so after another activation it
     * would put in force something nobody reviewed. Checked before the gates run and again under the lock of the
     * active row, so two instances cannot both pass it.
     *
     * @throws StaleRequestException if another version is in force by now
     */
    public RuleSetVersions.Stored activate(String versionOrPrefix, String principal, String expectedActive) {
        return activate(versionOrPrefix, principal, expectedActive, null);
    }

    /**
     * As {@link #activate(String, String, String)}, recording {@code alsoRecord} in the activation's transaction (see
     * {@link RuleSetVersions#activate(String, String, java.time.Instant, String, Runnable)}); with it, a version already
     * in force is not returned as it is, so that what it records (e.g. that a request is still pending) is checked.
     */
    RuleSetVersions.Stored activate(String versionOrPrefix, String principal, String expectedActive,
            Runnable alsoRecord) {
        String version = resolve(versionOrPrefix);
        synchronized (swapLock) {
            if (expectedActive != null) {
                versions.requireActive(expectedActive, version);
            }
            RuleSetVersions.Stored stored = versions.find(version).orElseThrow();
            if (stored.status() == RuleSetVersions.Status.REJECTED) {
                Report report = report(stored);
                throw new CandidateRejectedException(version, report == null ? "checks" : report.stoppedAt(),
                        report == null ? List.of() : report.problems(),
                        report == null ? List.of() : report.scenarioFailures(), true);
            }
            if (alsoRecord == null && stored.status() == RuleSetVersions.Status.ACTIVE
                    && active.get().version().equals(version)) {
                return stored;
            }
            if (stored.status() == RuleSetVersions.Status.CANDIDATE) {
                fourEyes.check("Rule-set version " + version.substring(0, 12), stored.author(), principal);
            }
            long start = System.nanoTime();
            RuleSetGates.Verdict verdict = gates.check(versions.sources(version));
            if (!verdict.passed()) {
                versions.reject(version, json.writeValueAsString(Report.of(verdict)), principal, clock.instant(),
                        "stopped at the " + verdict.stoppedAt() + " gate with " + verdict.errors().size()
                                + " error(s)");
                throw new CandidateRejectedException(version, verdict.stoppedAt(), verdict.problems(),
                        verdict.scenarioFailures(), true);
            }
            versions.activate(version, principal, clock.instant(), expectedActive, alsoRecord);
            if (active.get().version().equals(version)) {
                return versions.find(version).orElseThrow();
            }
            RuleSet previous = active.swap(verdict.ruleSet());
            log.info("Rule-set version {} activated by {}, replacing {}, in {} ms (gates, record, swap)",
                    version.substring(0, 12), principal, previous.version().substring(0, 12),
                    (System.nanoTime() - start) / 1_000_000);
            return versions.find(version).orElseThrow();
        }
    }

    /** Serves the database's active version if another instance changed it. */
    void poll() {
        Optional<String> wanted = versions.activeVersion();
        if (wanted.isEmpty() || wanted.get().equals(active.get().version())) {
            return;
        }
        synchronized (swapLock) {
            String version = versions.activeVersion().orElseThrow();
            if (version.equals(active.get().version())) {
                return;
            }
            List<RuleSource> sources;
            try {
                sources = versions.sources(version);
            } catch (AlteredVersionException e) {
                log.error("The database names rule-set version {} active; this instance keeps serving {}: {}",
                        version, active.get().version(), e.getMessage());
                return;
            }
            RuleSetGates.Verdict verdict = gates.check(sources);
            if (!verdict.passed()) {
                log.error("The database names rule-set version {} active, but it fails the {} gate here; this "
                        + "instance keeps serving {}: {}", version, verdict.stoppedAt(), active.get().version(),
                        verdict.errors());
                return;
            }
            RuleSet previous = active.swap(verdict.ruleSet());
            log.info("Rule-set version {} activated elsewhere; now served here, replacing {}", version.substring(0, 12),
                    previous.version().substring(0, 12));
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.warn("Looking for a new active rule-set version failed; trying again in {}: {}",
                    properties.pollInterval(), e.getMessage());
        }
    }

    /** The full version for a hash or a unique prefix of at least 8 characters. */
    public String resolve(String versionOrPrefix) {
        String v = versionOrPrefix == null ? "" : versionOrPrefix.strip().toLowerCase(java.util.Locale.ROOT);
        if (!v.matches("[0-9a-f]{8,64}")) {
            throw new UnknownVersionException("\"" + versionOrPrefix + "\" is not a rule-set version: give its "
                    + "hash, or at least its first 8 characters, as GET /api/v1/rule-sets lists them");
        }
        List<String> matches = versions.matching(v);
        if (matches.isEmpty()) {
            throw new UnknownVersionException("no rule-set version " + versionOrPrefix + "; GET /api/v1/rule-sets "
                    + "lists the known versions");
        }
        if (matches.size() > 1) {
            throw new UnknownVersionException("more than one rule-set version starts with " + versionOrPrefix
                    + "; give more characters of the hash");
        }
        return matches.get(0);
    }

    public RuleSetVersions.Stored find(String versionOrPrefix) {
        return versions.find(resolve(versionOrPrefix)).orElseThrow();
    }

    public List<RuleSetVersions.Stored> list() {
        return versions.list();
    }

    public List<RuleSetVersions.Event> events(String version) {
        return versions.events(version);
    }

    public List<RuleSetVersions.FileRow> files(String version) {
        return versions.files(version);
    }

    public RuleSet serving() {
        return active.get();
    }

    /** A file of a version by its name (decision-tables/escalation.xlsx) or, when unique, its base name. */
    public RuleSource file(String versionOrPrefix, String name) {
        String version = resolve(versionOrPrefix);
        List<RuleSource> sources = versions.sources(version);
        String wanted = name.startsWith("/") ? name.substring(1) : name;
        List<RuleSource> found = sources.stream().filter(s -> s.name().equals(wanted)).toList();
        if (found.isEmpty()) {
            found = sources.stream().filter(s -> s.baseName().equals(wanted)).toList();
        }
        if (found.size() != 1) {
            throw new UnknownVersionException("rule-set version " + version.substring(0, 12) + " has "
                    + (found.isEmpty() ? "no" : "more than one") + " file \"" + wanted + "\"; its files are "
                    + sources.stream().map(RuleSource::name).toList());
        }
        return found.get(0);
    }

    /** The compiled set of a version: the one served when it is the active one, else built (not swapped in). */
    public RuleSet compiled(String versionOrPrefix) {
        String version = resolve(versionOrPrefix);
        RuleSet serving = active.get();
        if (serving.version().equals(version)) {
            return serving;
        }
        RuleSet known = built.get(version);
        if (known != null) {
            return known;
        }
        RuleSetGates.Verdict verdict = gates.check(versions.sources(version));
        if (verdict.ruleSet() == null) {
            throw new CandidateRejectedException(version, verdict.stoppedAt(), verdict.problems(),
                    verdict.scenarioFailures(), true);
        }
        built.put(version, verdict.ruleSet());
        return verdict.ruleSet();
    }

    /**
     * The DRL Drools generated from a version's decision table, for review: {@code name} is a table file
     * ({@code escalation.xlsx}, every sheet; its folder may be left out) or one sheet ({@code escalation.xlsx!Ladder}).
     * Keyed by {@code file!sheet}, in the version's order; empty when the version has no such table.
     */
    public Map<String, String> generatedDrl(String versionOrPrefix, String name) {
        Map<String, String> generated = compiled(versionOrPrefix).generatedDrl();
        String sheet = name.contains("!") ? name.substring(name.indexOf('!')) : null;
        String file = sheet == null ? name : name.substring(0, name.indexOf('!'));
        Map<String, String> matching = new LinkedHashMap<>();
        new java.util.TreeMap<>(generated).forEach((key, drl) -> {
            String keyFile = key.substring(0, key.indexOf('!'));
            boolean fileMatches = keyFile.equals(file) || keyFile.endsWith("/" + file);
            if (fileMatches && (sheet == null || key.endsWith(sheet))) {
                matching.put(key, drl);
            }
        });
        return matching;
    }

    /** The tables (file!sheet) a version generates DRL from. */
    public List<String> generatedTables(String versionOrPrefix) {
        return compiled(versionOrPrefix).generatedDrl().keySet().stream().sorted().toList();
    }

    public RuleSetDiff.Result diff(String from, String to) {
        String a = resolve(from);
        String b = resolve(to);
        return RuleSetDiff.diff(a, versions.sources(a), b, versions.sources(b));
    }

    /** The stored report of a version, or null when it has none. */
    public Report report(RuleSetVersions.Stored stored) {
        return stored.problems() == null ? null : json.readValue(stored.problems(), Report.class);
    }
}
