package dev.dunning.rulesets;

import dev.dunning.rules.RuleProblem;
import dev.dunning.rules.RuleSetGates;
import dev.dunning.rules.RuleSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Turns an upload into rule-set files, refusing what must never be stored: an upload over the size limit, a zip that
 * inflates out of proportion (a zip bomb), macro-enabled workbooks, and names that escape the rule set's folders.
 * A zip holds a whole set (folders rules/, decision-tables/, scenarios/, optionally under one top folder; loose files
 * are placed by their kind); any other file is one file of a set.
 */
final class RuleSetUpload {

    private static final int MAX_ENTRIES = 1000;
    private static final int MAX_RATIO = 100;

    private final long maxUploadBytes;
    private final long maxUnpackedBytes;

    RuleSetUpload(RuleSetProperties properties) {
        this.maxUploadBytes = properties.maxUploadSize().toBytes();
        this.maxUnpackedBytes = properties.maxUnpackedSize().toBytes();
    }

    static boolean isZip(String filename) {
        return filename != null && filename.toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    /** The files of a zip of a whole rule set, each checked as a container. */
    List<RuleSource> unzip(String filename, byte[] zip) {
        checkSize(filename, zip.length);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        List<RuleProblem> problems = new ArrayList<>();
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entries.size() >= MAX_ENTRIES) {
                    throw refused(filename, "the zip holds more than " + MAX_ENTRIES + " files, far more than a rule "
                            + "set; it is refused as a possible zip bomb");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int read;
                while ((read = in.read(buffer)) > 0) {
                    total += read;
                    if (total > maxUnpackedBytes || (total > 1024 * 1024 && total > (long) MAX_RATIO * zip.length)) {
                        throw refused(filename, "the zip inflates to more than " + (total > maxUnpackedBytes
                                ? maxUnpackedBytes / (1024 * 1024) + " MB (setting dunning.rule-sets.max-unpacked-size)"
                                : MAX_RATIO + " times its size") + "; it is refused as a zip bomb");
                    }
                    out.write(buffer, 0, read);
                }
                if (!entry.isDirectory()) {
                    entries.put(entry.getName().replace('\\', '/'), out.toByteArray());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw refused(filename, "the file is not a readable zip archive (" + e.getMessage() + "); zip the "
                    + "folders rules, decision-tables and scenarios of the rule set");
        }
        String top = commonTopFolder(entries.keySet());
        List<RuleSource> sources = new ArrayList<>();
        for (var e : entries.entrySet()) {
            String name = top == null ? e.getKey() : e.getKey().substring(top.length());
            String base = name.substring(name.lastIndexOf('/') + 1);
            if (base.isEmpty() || base.startsWith(".") || base.startsWith("~$") || name.startsWith("__MACOSX/")) {
                continue; // what zip tools and office programs leave beside the files
            }
            if (name.startsWith("/") || name.contains("../") || name.contains(":")) {
                problems.add(RuleProblem.inFile(e.getKey(), "a name in the zip leaves the rule set's folders; zip "
                        + "the folders rules, decision-tables and scenarios only"));
                continue;
            }
            String placed = place(name, e.getValue(), problems);
            if (placed != null && !readable(e.getKey(), placed, e.getValue(), problems)) {
                continue;
            }
            if (placed != null) {
                sources.add(new RuleSource(placed, e.getValue()));
            }
        }
        if (sources.isEmpty() && problems.isEmpty()) {
            problems.add(RuleProblem.inFile(filename, "the zip holds no rule files, decision tables or scenarios"));
        }
        sources.forEach(s -> problems.addAll(RuleSetGates.containerProblems(s)));
        if (!problems.isEmpty()) {
            throw new UploadRefusedException(filename + ": the upload is refused; nothing was stored", problems, false);
        }
        return sources;
    }

    /** One uploaded file, named under the folder of its kind, checked as a container. */
    RuleSource single(String filename, byte[] content) {
        checkSize(filename, content.length);
        List<RuleProblem> problems = new ArrayList<>();
        String base = filename == null ? "" : filename.substring(filename.replace('\\', '/').lastIndexOf('/') + 1);
        String placed = base.isEmpty() ? null : place(base, content, problems);
        if (base.isEmpty()) {
            problems.add(RuleProblem.inFile("(upload)", "the upload has no file name; send the file as a multipart "
                    + "part named \"file\" with its name"));
        }
        if (placed != null && readable(base, placed, content, problems)) {
            problems.addAll(RuleSetGates.containerProblems(new RuleSource(placed, content)));
        }
        if (!problems.isEmpty()) {
            throw new UploadRefusedException(base + ": the upload is refused; nothing was stored", problems, false);
        }
        return new RuleSource(placed, content);
    }

    private void checkSize(String filename, long size) {
        if (size > maxUploadBytes) {
            throw new UploadRefusedException("The upload " + filename + " is larger than the limit of "
                    + maxUploadBytes / 1024 + " KB (setting dunning.rule-sets.max-upload-size); a rule set is far "
                    + "smaller: check that this is the right file",
                    List.of(RuleProblem.inFile(String.valueOf(filename), "larger than the limit of "
                            + maxUploadBytes / 1024 + " KB")), true);
        }
    }

    /** The name a file has in the rule set, by its folder or, when loose, by its kind; null with a problem if none. */
    private static String place(String name, byte[] content, List<RuleProblem> problems) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String folder : List.of(RuleSource.RULES, RuleSource.TABLES, RuleSource.SCENARIOS)) {
            if (name.startsWith(folder)) {
                return name;
            }
        }
        if (name.contains("/")) {
            problems.add(RuleProblem.inFile(name, "this folder is not part of a rule set; put rule files under rules/, "
                    + "decision tables under decision-tables/ and scenarios under scenarios/"));
            return null;
        }
        if (lower.endsWith(".drl")) {
            return RuleSource.RULES + name;
        }
        if (lower.endsWith(".xlsx") || lower.endsWith(".xls") || dev.dunning.rules.RuleSetGates.isMacroName(name)) {
            return RuleSource.TABLES + name;
        }
        if (lower.endsWith(".csv")) {
            String head = new String(content, 0, Math.min(content.length, 400), StandardCharsets.UTF_8)
                    .lines().findFirst().orElse("").toLowerCase(Locale.ROOT);
            return (head.startsWith("scenario,") || head.startsWith("\"scenario\"") ? RuleSource.SCENARIOS
                    : RuleSource.TABLES) + name;
        }
        problems.add(RuleProblem.inFile(name, "this kind of file is not part of a rule set; rules are .drl files, "
                + "decision tables .xlsx, .xls or .csv files and scenarios .csv files"));
        return null;
    }

    /**
     * Whether a file has content of its kind at all: an empty or blank file, or a workbook that is not one (an .xlsx
     * is a zip archive, an .xls an OLE2 file), is a mistake in the upload, refused before anything is stored, rather
     * than a candidate that compiles (an empty rule file adds nothing) or is kept as rejected.
     */
    private static boolean readable(String shown, String placed, byte[] content, List<RuleProblem> problems) {
        String lower = placed.toLowerCase(Locale.ROOT);
        if (new String(content, StandardCharsets.ISO_8859_1).isBlank()) {
            problems.add(RuleProblem.inFile(shown, "the file is empty; upload the file with its content, or leave it "
                    + "out"));
            return false;
        }
        boolean zip = content.length >= 4 && content[0] == 'P' && content[1] == 'K';
        boolean ole2 = content.length >= 8 && (content[0] & 0xFF) == 0xD0 && (content[1] & 0xFF) == 0xCF
                && (content[2] & 0xFF) == 0x11 && (content[3] & 0xFF) == 0xE0;
        if ((lower.endsWith(".xlsx") && !zip) || (lower.endsWith(".xls") && !ole2)) {
            problems.add(RuleProblem.inFile(shown, "the file is not an Excel workbook, whatever its name says; save "
                    + "the table from Excel or LibreOffice as an .xlsx workbook"));
            return false;
        }
        return true;
    }

    private static String commonTopFolder(java.util.Set<String> names) {
        String top = null;
        for (String name : names) {
            int slash = name.indexOf('/');
            if (slash < 0) {
                return null;
            }
            String first = name.substring(0, slash + 1);
            if (top == null) {
                top = first;
            } else if (!top.equals(first)) {
                return null;
            }
        }
        if (top == null || List.of(RuleSource.RULES, RuleSource.TABLES, RuleSource.SCENARIOS).contains(top)) {
            return null;
        }
        return top;
    }

    private static UploadRefusedException refused(String filename, String sentence) {
        return new UploadRefusedException(filename + ": " + sentence, List.of(RuleProblem.inFile(filename, sentence)),
                false);
    }
}
