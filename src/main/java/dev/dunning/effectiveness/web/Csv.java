package dev.dunning.effectiveness.web;

import dev.dunning.effectiveness.Figures;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * CSV after RFC 4180 (header line, CRLF, quotes where needed), with every cell a spreadsheet would run as a formula
 * neutralised by a leading single quote, as the audit export does (OWASP's advice against CSV injection): a template
 * or policy reference such as {@code =HYPERLINK(...)} shows as text.
 */
final class Csv {

    static final String[] FIGURE_COLUMNS = {"key", "decisions", "contacts", "sent", "delivered", "opened", "replied",
        "bounced", "failed", "paid", "payment_rate", "delivery_rate", "bounce_rate", "median_days_to_payment",
        "recovered", "complaints", "complaint_rate"};

    private final StringBuilder text = new StringBuilder();

    Csv(String... header) {
        row(header);
    }

    void row(String... cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(cell(cells[i]));
        }
        text.append("\r\n");
    }

    static void figureRow(Csv out, String key, Figures.Row r) {
        String recovered = recovered(r.recovered());
        out.row(key, n(r.decisions()), n(r.contacts()), n(r.sent()), n(r.delivered()), n(r.opened()), n(r.replied()),
                n(r.bounced()), n(r.failed()), n(r.paid()), d(r.paymentRate()), d(r.deliveryRate()),
                d(r.bounceRate()), d(r.medianDaysToPayment()), recovered, n(r.complaints()), d(r.complaintRate()));
    }

    ResponseEntity<String> response(String fileName) {
        return ResponseEntity.ok().headers(EffectivenessController.attachment(fileName))
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8)).body(text.toString());
    }

    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            value = "'" + value;
        }
        if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }

    private static String n(long value) {
        return String.valueOf(value);
    }

    /** Amounts per currency in one cell, never added up: {@code EUR 75.50 (2 payments) | GBP 300.00 (1 payments)}. */
    static String recovered(java.util.List<Figures.Recovered> amounts) {
        return amounts.stream()
                .map(a -> a.currency() + " " + a.amount().toPlainString() + " (" + a.payments() + " payments)")
                .collect(Collectors.joining(" | "));
    }

    static String d(Double value) {
        return value == null ? "" : value.toString();
    }
}
