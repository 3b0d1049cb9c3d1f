package dev.dunning.rulesets;

import dev.dunning.rules.RuleProblem;
import dev.dunning.rules.RuleSet;
import dev.dunning.rules.RuleSetGates;
import dev.dunning.rules.RuleSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The candidate an upload makes, with the active version it is compared with. A zip is the whole set or a change to
 * the active set as the request says; a zip that says nothing is taken as the whole set only when it leaves out none
 * of the active version's files (then both readings give the same files), and is refused otherwise, naming each file
 * it leaves out. A single file is always a change: it replaces its namesake or is added beside the active files.
 *
 * @param sources every file of the candidate
 * @param warnings what the sender should know without it stopping the candidate: each file a whole set leaves out
 */
record UploadCandidate(List<RuleSource> sources, TakenAs takenAs, List<RuleProblem> warnings) {

    static UploadCandidate of(UploadRequest request, RuleSet serving, RuleSetUpload upload) {
        String filename = request.filename();
        if (!RuleSetUpload.isZip(filename)) {
            RuleSource file = upload.single(filename, request.content());
            if (request.scope() == UploadRequest.Scope.WHOLE) {
                throw refused(filename, "one file cannot be a whole rule set: send it without scope (it replaces its "
                        + "namesake in the active set, or is added), or zip every file of the set and send the zip "
                        + "with scope=whole");
            }
            return change(List.of(file), true, request, serving);
        }
        List<RuleSource> zipped = upload.unzip(filename, request.content());
        Set<String> names = zipped.stream().map(RuleSource::name).collect(Collectors.toSet());
        List<String> missing = serving.sources().stream().map(RuleSource::name).filter(n -> !names.contains(n))
                .sorted().toList();
        UploadRequest.Scope scope = request.scope();
        if (scope == null) {
            // A deletion only means something in a change; a zip without left-out files is the same either way.
            scope = !request.delete().isEmpty() ? UploadRequest.Scope.CHANGE
                    : missing.isEmpty() ? UploadRequest.Scope.WHOLE : null;
        }
        if (scope == null) {
            throw new ScopeNeededException(filename, serving.version(), serving.sources().size(), missing);
        }
        if (scope == UploadRequest.Scope.CHANGE) {
            return change(zipped, false, request, serving);
        }
        if (!request.delete().isEmpty()) {
            throw refused(filename, "delete removes files from the active set in a change; a whole set "
                    + "(scope=whole) has exactly the files of the zip: leave " + String.join(", ", request.delete())
                    + " out of the zip instead, or send the zip with scope=change");
        }
        List<TakenAs.File> files = sorted(zipped).stream().map(s -> TakenAs.file(s, TakenAs.FROM_UPLOAD)).toList();
        List<RuleProblem> warnings = missing.stream().map(name -> new RuleProblem(RuleProblem.Severity.WARNING, name,
                null, null, null, null, "the active version " + TakenAs.shortVersion(serving.version()) + " has "
                + "this file and this whole set (scope=whole) does not: the new version will not have it; to keep "
                + "it, put it in the zip or send the zip with scope=change")).toList();
        return new UploadCandidate(zipped, new TakenAs(UploadRequest.Scope.WHOLE.value(), serving.version(), files,
                List.of(), missing, TakenAs.summary(UploadRequest.Scope.WHOLE, request.scope() != null,
                        serving.version(), files, List.of(), missing)), warnings);
    }

    /** The gates' verdict with the upload's own warnings (files a whole set leaves out) first. */
    static RuleSetGates.Verdict withWarnings(RuleSetGates.Verdict verdict, List<RuleProblem> warnings) {
        if (warnings.isEmpty()) {
            return verdict;
        }
        List<RuleProblem> all = new ArrayList<>(warnings);
        all.addAll(verdict.problems());
        return new RuleSetGates.Verdict(verdict.version(), verdict.ruleSet(), verdict.stoppedAt(), all,
                verdict.scenariosRun(), verdict.scenarioFailures(), verdict.scenariosPassed());
    }

    /**
     * The active files with the uploaded ones replacing their namesakes or added, less the deleted ones. A single file
     * also replaces a file of the same base name in another folder (as a loose file it was placed by its kind).
     */
    private static UploadCandidate change(List<RuleSource> uploaded, boolean single, UploadRequest request,
            RuleSet serving) {
        Map<String, RuleSource> files = new LinkedHashMap<>();
        serving.sources().forEach(s -> files.put(s.name(), s));
        List<String> deleted = deletions(request, serving, uploaded);
        deleted.forEach(files::remove);
        List<RuleSource> placed = new ArrayList<>();
        for (RuleSource file : uploaded) {
            String name = file.name();
            if (single && !files.containsKey(name)) {
                name = serving.sources().stream().map(RuleSource::name)
                        .filter(n -> n.substring(n.lastIndexOf('/') + 1).equals(file.baseName())
                                && !deleted.contains(n))
                        .findFirst().orElse(name);
            }
            RuleSource as = new RuleSource(name, file.content());
            files.put(name, as);
            placed.add(as);
        }
        Set<String> fromUpload = placed.stream().map(RuleSource::name).collect(Collectors.toSet());
        List<RuleSource> sources = sorted(files.values());
        List<TakenAs.File> origins = sources.stream().map(s -> TakenAs.file(s, fromUpload.contains(s.name())
                ? TakenAs.FROM_UPLOAD : serving.version())).toList();
        return new UploadCandidate(sources, new TakenAs(UploadRequest.Scope.CHANGE.value(), serving.version(),
                origins, deleted, List.of(), TakenAs.summary(UploadRequest.Scope.CHANGE, true, serving.version(),
                        origins, deleted, List.of())), List.of());
    }

    /** The full names of the active files a change deletes; refused, naming each, if one is not there or uploaded. */
    private static List<String> deletions(UploadRequest request, RuleSet serving, List<RuleSource> uploaded) {
        List<String> names = serving.sources().stream().map(RuleSource::name).toList();
        Set<String> deleted = new TreeSet<>();
        List<RuleProblem> problems = new ArrayList<>();
        for (String wanted : request.delete()) {
            String w = wanted.startsWith("/") ? wanted.substring(1) : wanted;
            List<String> found = names.contains(w) ? List.of(w)
                    : names.stream().filter(n -> n.substring(n.lastIndexOf('/') + 1).equals(w)).toList();
            if (found.size() != 1) {
                problems.add(RuleProblem.inFile(wanted, (found.isEmpty() ? "the active version "
                        + TakenAs.shortVersion(serving.version()) + " has no such file to delete" : "more than one "
                        + "file of the active version is called so; give the full name") + "; its files are "
                        + String.join(", ", names)));
            } else if (uploaded.stream().anyMatch(u -> u.name().equals(found.get(0)))) {
                problems.add(RuleProblem.inFile(wanted, "the upload brings this file and asks to delete it; either "
                        + "send it or delete it"));
            } else {
                deleted.add(found.get(0));
            }
        }
        if (!problems.isEmpty()) {
            throw new UploadRefusedException(request.filename() + ": the files to delete do not match the active "
                    + "version; nothing was stored", problems, false);
        }
        return List.copyOf(deleted);
    }

    private static List<RuleSource> sorted(java.util.Collection<RuleSource> sources) {
        return sources.stream().sorted(Comparator.comparing(RuleSource::name)).toList();
    }

    private static UploadRefusedException refused(String filename, String sentence) {
        return new UploadRefusedException(filename + ": " + sentence, List.of(RuleProblem.inFile(String.valueOf(
                filename), sentence)), false);
    }
}
