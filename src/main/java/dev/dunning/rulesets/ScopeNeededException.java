package dev.dunning.rulesets;

import dev.dunning.rules.RuleProblem;
import java.util.List;

/**
 * A zip sent without a scope that leaves out files the active version has: it could be the whole new set (without
 * them) or a change (keeping them), and guessing either way surprises someone, so the sender is asked to say which.
 */
public class ScopeNeededException extends UploadRefusedException {

    private final String activeVersion;
    private final List<String> missing;

    ScopeNeededException(String filename, String activeVersion, int activeFiles, List<String> missing) {
        super(message(filename, activeVersion, activeFiles, missing), missing.stream()
                .map(name -> RuleProblem.inFile(name, "the active version " + TakenAs.shortVersion(activeVersion)
                        + " has this file and the zip does not; send scope=change to keep it as it is, or "
                        + "scope=whole to make a version without it"))
                .toList(), false);
        this.activeVersion = activeVersion;
        this.missing = List.copyOf(missing);
    }

    private static String message(String filename, String activeVersion, int activeFiles, List<String> missing) {
        return filename + " leaves out " + missing.size() + " of the " + activeFiles + " files of the active version "
                + TakenAs.shortVersion(activeVersion) + ": " + String.join(", ", missing) + ". Say what the zip is: "
                + "send scope=change if it holds only the files that change (they replace their namesakes and the "
                + "other files stay as they are), or scope=whole if it is the whole new rule set (the new version "
                + "will not have the files it leaves out). Nothing was stored.";
    }

    public String activeVersion() {
        return activeVersion;
    }

    /** The files of the active version the zip does not have, in name order. */
    public List<String> missing() {
        return missing;
    }
}
