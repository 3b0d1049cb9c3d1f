package dev.dunning.rulesets;

/**
 * The files stored for a rule-set version do not hash to the version's id: rule_set_version_files or rule_set_files
 * were changed in the database behind the service's back. Such files are never compiled, served or handed out as the
 * files in force.
 */
public class AlteredVersionException extends RuntimeException {

    private final String version;

    AlteredVersionException(String version, String actual) {
        super("The files stored for rule-set version " + version + " do not hash to it (they hash to " + actual
                + "): they were changed or remapped in the database, so they are not compiled, served or handed out, "
                + "and the rules in force stay in force. Restore rule_set_version_files and rule_set_files from a "
                + "backup, or submit the version's files again; GET /api/v1/audit/verify names the decisions concerned");
        this.version = version;
    }

    public String version() {
        return version;
    }
}
