package dev.dunning.decision;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which decline and return codes are SOFT (retry later) or HARD (never retry). Loaded from a CSV with the columns
 * {@code code,scheme,class,meaning}; the shipped list covers card, SEPA direct debit and ACH codes.
 */
public final class DeclineCodes {

    /** One line of the list as written: the code in its own spelling, its scheme (card, sepa_direct_debit, ach). */
    public record Code(String code, String scheme, DeclineClass declineClass) {}

    private final Map<String, DeclineClass> classes;
    private final List<Code> codes;

    private DeclineCodes(Map<String, DeclineClass> classes, List<Code> codes) {
        this.classes = Map.copyOf(classes);
        this.codes = List.copyOf(codes);
    }

    public static DeclineCodes of(Map<String, DeclineClass> classes) {
        Map<String, DeclineClass> normalised = new HashMap<>();
        List<Code> codes = new ArrayList<>();
        classes.forEach((code, cls) -> {
            normalised.put(code.trim().toLowerCase(Locale.ROOT), cls);
            codes.add(new Code(code.trim(), "", cls));
        });
        return new DeclineCodes(normalised, codes);
    }

    /** The list shipped in the jar (src/main/resources/decline-codes.csv). */
    public static DeclineCodes shipped() {
        try (InputStream in = DeclineCodes.class.getResourceAsStream("/decline-codes.csv")) {
            return read(in, "decline-codes.csv");
        } catch (IOException e) {
            throw new IllegalStateException("The shipped decline-codes.csv cannot be read", e);
        }
    }

    public static DeclineCodes read(InputStream in, String name) throws IOException {
        Map<String, DeclineClass> classes = new HashMap<>();
        List<Code> codes = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 || line.isBlank()) {
                continue; // header
            }
            String[] cells = line.split(",", 4);
            if (cells.length < 3) {
                throw new IllegalArgumentException(
                        name + ":" + lineNo + ": expected code,scheme,class,meaning but found \"" + line + "\"");
            }
            int at = lineNo;
            DeclineClass cls = Catalogue.lookup(DeclineClass.class, cells[2].trim())
                    .orElseThrow(() -> new IllegalArgumentException(
                            name + ":" + at + ": class must be SOFT or HARD, not \"" + cells[2].trim() + "\""));
            classes.put(cells[0].trim().toLowerCase(Locale.ROOT), cls);
            codes.add(new Code(cells[0].trim(), cells[1].trim(), cls));
        }
        return new DeclineCodes(classes, codes);
    }

    /** Unknown codes count as SOFT, like a generic decline: retried a bounded number of times, then escalated. */
    public DeclineClass classify(String code) {
        if (code == null) {
            return DeclineClass.SOFT;
        }
        return classes.getOrDefault(code.trim().toLowerCase(Locale.ROOT), DeclineClass.SOFT);
    }

    public boolean knows(String code) {
        return code != null && classes.containsKey(code.trim().toLowerCase(Locale.ROOT));
    }

    /** The codes in the order of the list (used by the data generator to pick real codes per payment scheme). */
    public List<Code> codes() {
        return codes;
    }

    public int size() {
        return classes.size();
    }
}
