package dev.dunning.audit;

import dev.dunning.rules.RuleSetCompiler;
import dev.dunning.rules.RuleSource;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The files stored for a rule-set version against the version id: a version is its content, so its files must hash to
 * it (SHA-256 over each file's name and content hash in name order, {@link RuleSetCompiler#versionOf}).
 */
final class VersionFiles {

    private VersionFiles() {}

    /** What is wrong with the version's stored files; empty when they hash to it. */
    static List<String> problems(JdbcClient jdbc, String version) {
        List<String> problems = new ArrayList<>();
        List<RuleSource> sources = new ArrayList<>();
        jdbc.sql("SELECT v.name, v.sha256, f.content FROM rule_set_version_files v "
                        + "LEFT JOIN rule_set_files f ON f.sha256 = v.sha256 WHERE v.version = ? ORDER BY v.name")
                .param(version).query(rs -> {
                    byte[] content = rs.getBytes(3);
                    if (content == null) {
                        problems.add("file " + rs.getString(1) + " is missing");
                    } else {
                        if (!RuleSetCompiler.sha256(content).equals(rs.getString(2))) {
                            problems.add("the content of " + rs.getString(1) + " does not match its hash");
                        }
                        sources.add(new RuleSource(rs.getString(1), content));
                    }
                });
        if (sources.isEmpty() && problems.isEmpty()) {
            problems.add("no files are stored for it");
        } else if (problems.isEmpty() && !RuleSetCompiler.versionOf(sources).equals(version)) {
            problems.add("its stored files hash to " + RuleSetCompiler.versionOf(sources)
                    + " (files remapped, added or removed)");
        }
        return problems;
    }
}
