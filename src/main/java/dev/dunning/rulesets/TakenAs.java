package dev.dunning.rulesets;

import dev.dunning.rules.RuleSetCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How an upload was taken, for the answer and the record: as a whole set or as a change to a version
 * ({@code basedOn}), every file of the resulting candidate with where it came from (the upload, or carried over from
 * {@code basedOn}), the files a change removed, and the files of the active version a whole set left out.
 *
 * @param scope {@code whole} or {@code change}
 * @param basedOn the version whose files a change keeps (the active one); for a whole set the active version the
 *     left-out files are compared with
 * @param summary one sentence a credit controller can read
 */
public record TakenAs(String scope, String basedOn, List<File> files, List<String> deleted, List<String> leftOut,
        String summary) {

    /** The origin of a file that came with the upload. */
    public static final String FROM_UPLOAD = "upload";

    /**
     * A file of the candidate.
     *
     * @param from {@value #FROM_UPLOAD}, or the version it was carried over from (full hash)
     */
    public record File(String name, String sha256, long size, String from) {}

    public TakenAs {
        files = List.copyOf(files);
        deleted = List.copyOf(deleted);
        leftOut = List.copyOf(leftOut);
    }

    boolean isChange() {
        return UploadRequest.Scope.CHANGE.value().equals(scope);
    }

    /** The files the upload brought, in the order they are listed. */
    List<File> uploaded() {
        return files.stream().filter(f -> FROM_UPLOAD.equals(f.from())).toList();
    }

    static String shortVersion(String version) {
        return version == null ? "" : version.substring(0, Math.min(12, version.length()));
    }

    static String summary(UploadRequest.Scope scope, boolean said, String basedOn, List<File> files,
            List<String> deleted, List<String> leftOut) {
        long uploaded = files.stream().filter(f -> FROM_UPLOAD.equals(f.from())).count();
        String version = shortVersion(basedOn);
        if (scope == UploadRequest.Scope.CHANGE) {
            return "Taken as a change to the active version " + version + ": " + count(uploaded, "file")
                    + " from the upload, " + count(files.size() - uploaded, "file") + " kept as they are in "
                    + version + (deleted.isEmpty() ? "" : ", " + deleted.size() + " removed (" + String.join(", ",
                            deleted) + ")") + "; the new version has " + count(files.size(), "file") + ".";
        }
        String how = said ? "" : " (no scope was sent; the zip holds every file of the active version " + version
                + ", so a whole set and a change are the same)";
        return "Taken as a whole set" + how + ": the new version has the " + count(files.size(), "file")
                + " of the upload" + (leftOut.isEmpty() ? "." : "; it leaves out " + count(leftOut.size(), "file")
                + " that the active version " + version + " has: " + String.join(", ", leftOut)
                + ". The new version will not have " + (leftOut.size() == 1 ? "it" : "them") + ".");
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * For an event's detail: {@code scope change on version 3501dbb2ee02; files: decision-tables/tone.csv sha256 ...
     * from the upload; rules/holds.drl sha256 ... from version 3501dbb2ee02; removed: rules/old.drl}.
     */
    String detail() {
        return "scope " + scope + (isChange() ? " on version " + shortVersion(basedOn) : "") + "; " + filesDetail();
    }

    /** Every file with its origin (the upload's first), then what a change removed or a whole set left out. */
    String filesDetail() {
        List<File> ordered = new ArrayList<>(uploaded());
        files.stream().filter(f -> !FROM_UPLOAD.equals(f.from())).forEach(ordered::add);
        StringBuilder detail = new StringBuilder("files: ").append(ordered.stream().map(f -> f.name() + " sha256 "
                + f.sha256() + (FROM_UPLOAD.equals(f.from()) ? " from the upload" : " from version "
                + shortVersion(f.from()))).collect(Collectors.joining("; ")));
        if (!deleted.isEmpty()) {
            detail.append("; removed: ").append(String.join(", ", deleted));
        }
        if (!leftOut.isEmpty()) {
            detail.append("; left out (the active version ").append(shortVersion(basedOn)).append(" has them): ")
                    .append(String.join(", ", leftOut));
        }
        return detail.toString();
    }

    static File file(dev.dunning.rules.RuleSource source, String from) {
        return new File(source.name(), RuleSetCompiler.sha256(source.content()), source.content().length, from);
    }
}
