package dev.dunning.imports;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a CSV file (RFC 4180, comma-separated, UTF-8, optional byte-order mark) one record at a time, with the
 * physical line each record starts on: the header is line 1 and a quoted value that spans lines counts every one of
 * them, so a line number in an error is the line a spreadsheet or text editor shows.
 */
final class CsvFile implements Closeable {

    /** A record and the line it starts on. */
    record Line(long number, CSVRecord record) {}

    /** The file stops being CSV at this line (an unclosed quote, say); nothing after it can be read. */
    static final class Broken extends RuntimeException {
        final long line;

        Broken(long line, String message) {
            super(message);
            this.line = line;
        }
    }

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            // Blank lines come through as records so that they are counted; they are then passed over.
            .setIgnoreEmptyLines(false)
            .get();

    private final Path path;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;

    /** What a file that is not UTF-8 text is told (it once made the import fail with a 500). */
    static final String NOT_UTF8 = "the file is not UTF-8 text; save it as \"CSV UTF-8\" (comma-separated) and send it "
            + "again";

    CsvFile(Path path) throws IOException {
        this.path = path;
        BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
        reader.mark(1);
        try {
            if (reader.read() != '\uFEFF') { // spreadsheets often write a byte-order mark first
                reader.reset();
            }
        } catch (CharacterCodingException e) {
            reader.close();
            throw new Broken(firstLineNotUtf8(path), NOT_UTF8);
        }
        this.parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get();
        this.records = parser.iterator();
    }

    /** The next non-blank record, or null at the end of the file. */
    Line next() {
        while (true) {
            // The parser has consumed the lines up to the end of the previous record; this one starts on the next.
            long start = parser.getCurrentLineNumber() + 1;
            try {
                if (!records.hasNext()) {
                    return null;
                }
                CSVRecord record = records.next();
                if (!blank(record)) {
                    return new Line(start, record);
                }
            } catch (UncheckedIOException | IllegalStateException e) {
                if (rootCause(e) instanceof CharacterCodingException) {
                    // The decoder fails on a whole buffer of text at once, often lines before the culprit: find it.
                    throw new Broken(firstLineNotUtf8(path), NOT_UTF8);
                }
                throw new Broken(start, "this row is not valid CSV (" + rootMessage(e) + "); a value that contains "
                        + "a comma, quote or line break must be in double quotes, and a quote inside it doubled (\"\")");
            }
        }
    }

    /**
     * The first physical line of the file that is not UTF-8 (1 when none is found, which does not happen after the
     * decoder refused the file). A line break byte never occurs inside a UTF-8 sequence, so lines can be checked
     * alone.
     */
    static long firstLineNotUtf8(Path path) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long number = 1;
            for (int b = in.read(); b != -1; b = in.read()) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                if (!utf8(decoder, line)) {
                    return number;
                }
                number++;
                line.reset();
            }
            return utf8(decoder, line) ? 1 : number;
        } catch (IOException e) {
            return 1;
        }
    }

    private static boolean utf8(CharsetDecoder decoder, ByteArrayOutputStream line) {
        try {
            decoder.reset().decode(ByteBuffer.wrap(line.toByteArray()));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean blank(CSVRecord record) {
        return record.size() == 1 && record.get(0).isBlank();
    }

    private static String rootMessage(Throwable e) {
        return rootCause(e).getMessage();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
