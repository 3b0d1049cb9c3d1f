package dev.dunning.rules.internal;

import dev.dunning.rules.RuleProblem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.poifs.filesystem.DirectoryNode;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;

/**
 * Checks a spreadsheet before anything parses it: macro-enabled workbooks are refused (a decision table holds data, and
 * a workbook with macros is one a person might open and run), and a file that would inflate to far more than it weighs
 * (a zip bomb) is refused before POI inflates it. POI's own guard ({@link ZipSecureFile}) is set to the same limits as
 * a second line.
 */
public final class WorkbookSafety {

    /** The most a workbook may inflate to; the largest shipped one inflates to well under 1 MB. */
    public static final long MAX_INFLATED_BYTES = 64L * 1024 * 1024;

    /** Inflated over compressed size beyond which an entry is taken for a bomb (real sheets compress ~10:1). */
    public static final int MAX_RATIO = 100;

    private static final int MAX_ENTRIES = 10_000;
    private static final List<String> MACRO_EXTENSIONS = List.of(".xlsm", ".xltm", ".xlsb", ".xlam", ".xla");

    static {
        ZipSecureFile.setMinInflateRatio(1.0 / MAX_RATIO);
        ZipSecureFile.setMaxEntrySize(MAX_INFLATED_BYTES);
    }

    private WorkbookSafety() {}

    /** True for the extensions of macro-enabled workbooks. */
    public static boolean isMacroWorkbookName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return MACRO_EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    public static String macroRefusal() {
        return "macro-enabled workbooks are refused: a decision table holds data only; save it as an Excel workbook "
                + "(.xlsx) without macros";
    }

    /** Problems with the file as a container; empty when it is safe to parse. */
    public static List<RuleProblem> check(String name, byte[] content) {
        List<RuleProblem> problems = new ArrayList<>();
        if (isMacroWorkbookName(name)) {
            problems.add(RuleProblem.inFile(name, macroRefusal()));
            return problems;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".xlsx") && content.length >= 2 && content[0] == 'P' && content[1] == 'K') {
            checkZip(name, content, problems);
        } else if (lower.endsWith(".xls")) {
            checkOle2(name, content, problems);
        }
        return problems;
    }

    private static void checkZip(String name, byte[] content, List<RuleProblem> problems) {
        long total = 0;
        int entries = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(content))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    problems.add(RuleProblem.inFile(name, "the workbook holds more than " + MAX_ENTRIES + " parts, "
                            + "which no decision table needs; it is refused as a possible zip bomb"));
                    return;
                }
                String part = entry.getName().toLowerCase(Locale.ROOT);
                if (part.endsWith("vbaproject.bin") || part.endsWith("vbaprojectsignature.bin")) {
                    problems.add(RuleProblem.inFile(name, "the workbook contains macros (" + entry.getName() + "); "
                            + macroRefusal()));
                    return;
                }
                boolean contentTypes = part.equals("[content_types].xml");
                StringBuilder types = contentTypes ? new StringBuilder() : null;
                int read;
                while ((read = zip.read(buffer)) > 0) {
                    total += read;
                    if (types != null && types.length() < 1_000_000) {
                        types.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                    }
                    if (total > MAX_INFLATED_BYTES || (total > 1024 * 1024 && total > (long) MAX_RATIO * content.length)) {
                        problems.add(RuleProblem.inFile(name, "the workbook inflates to more than "
                                + (total > MAX_INFLATED_BYTES ? MAX_INFLATED_BYTES / (1024 * 1024) + " MB"
                                        : MAX_RATIO + " times its size")
                                + " when opened; it is refused as a zip bomb. Save the table again from Excel or "
                                + "LibreOffice"));
                        return;
                    }
                }
                if (types != null && types.toString().contains("macroEnabled")) {
                    problems.add(RuleProblem.inFile(name, "the workbook is declared macro-enabled; " + macroRefusal()));
                    return;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // Not a readable zip: the table reader reports the file as unreadable, with its own sentence.
        }
    }

    private static void checkOle2(String name, byte[] content, List<RuleProblem> problems) {
        try (InputStream in = new ByteArrayInputStream(content); POIFSFileSystem fs = new POIFSFileSystem(in)) {
            DirectoryNode root = fs.getRoot();
            if (root.hasEntry("_VBA_PROJECT_CUR") || root.hasEntry("Macros") || root.hasEntry("_VBA_PROJECT")) {
                problems.add(RuleProblem.inFile(name, "the workbook contains macros; " + macroRefusal()));
            }
        } catch (IOException | RuntimeException e) {
            // Not a readable OLE2 file: reported by the table reader.
        }
    }
}
