package dev.dunning.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.activation.DataHandler;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.mail.javamail.MimeMessageHelper;

/**
 * The text parts' transfer encoding is named before {@code saveChanges()} (so Jakarta Mail does not write each part
 * through a byte counter to choose it): the same choice Jakarta Mail makes for 7bit and quoted-printable texts, and
 * every text comes back unchanged after sending and parsing.
 */
class TransferEncodingTest {

    private static final Session SESSION = Session.getInstance(new Properties());
    private static final String LONG_LINE = "x".repeat(999);

    static final List<String> TEXTS = List.of(
            "Dear customer,\r\n\r\nplease pay invoice 2025-0001 (120.00 USD) by 12 March.\r\n",
            "Sehr geehrte Frau Müller,\nbitte überweisen Sie 120,00 € bis zum 12. März.\n",
            "Tabs\tare fine\tin 7bit\n",
            "a line of 998: " + "y".repeat(983) + "\nand the next",
            "one line too long: " + LONG_LINE,
            "a control character \u0007 is not 7bit",
            "DEL \u007F is not 7bit either",
            "<html><body><p style=\"color:#1f4e79\">Pay at https://example.com/pay/C-1?x=1&amp;y=2</p></body></html>");

    @Test
    void theEncodingNamedIsJakartaMailsOwnChoiceForEveryText() throws Exception {
        for (String text : TEXTS) {
            String theirs = MimeUtility.getEncoding(new DataHandler(text, "text/plain; charset=UTF-8"));
            assertThat(EmailChannel.sevenBit(text) ? "7bit" : "quoted-printable").as(text).isEqualTo(theirs);
        }
    }

    @Test
    void aTextMostlyOutsideAsciiGoesAsQuotedPrintableWhereJakartaMailWouldTakeBase64() throws Exception {
        String greek = "Αγαπητέ πελάτη, παρακαλούμε πληρώστε";
        assertThat(MimeUtility.getEncoding(new DataHandler(greek, "text/plain; charset=UTF-8"))).isEqualTo("base64");
        MimeMessage message = message(greek, "<p>" + greek + "</p>");
        assertThat(encodings(message)).containsExactly("quoted-printable", "quoted-printable");
        assertThat(texts(roundTrip(message))).containsExactly(greek, "<p>" + greek + "</p>");
    }

    @Test
    void everyTextArrivesUnchangedInTheMultipartTheDispatcherSends() throws Exception {
        for (String text : TEXTS) {
            String html = "<p>" + text + "</p>";
            MimeMessage message = message(text, html);
            String expected = EmailChannel.sevenBit(text) ? "7bit" : "quoted-printable";
            assertThat(encodings(message)).as(text).containsExactly(expected,
                    EmailChannel.sevenBit(html) ? "7bit" : "quoted-printable");
            assertThat(texts(roundTrip(message))).as(text).containsExactly(lf(text), lf(html));
        }
    }

    private static String lf(String text) {
        return text.replace("\r\n", "\n");
    }

    /** Built as EmailChannel builds it: MimeMessageHelper's multipart with text and HTML, then the encodings named. */
    private static MimeMessage message(String text, String html) throws Exception {
        MimeMessage message = new MimeMessage(SESSION);
        MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
        helper.setTo("customer@example.com");
        helper.setFrom("billing@example.com");
        helper.setSubject("Invoice");
        helper.setText(text, html);
        EmailChannel.transferEncoding(message);
        message.saveChanges();
        return message;
    }

    private static MimeMessage roundTrip(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return new MimeMessage(SESSION, new ByteArrayInputStream(out.toByteArray()));
    }

    private static List<String> encodings(Part part) throws Exception {
        List<String> found = new ArrayList<>();
        walk(part, p -> found.add(p.getHeader("Content-Transfer-Encoding")[0]));
        return found;
    }

    private static List<String> texts(Part part) throws Exception {
        List<String> found = new ArrayList<>();
        // Line breaks travel as CRLF (RFC 5322), as they do whichever encoding Jakarta Mail chooses.
        walk(part, p -> found.add(((String) p.getContent()).replace("\r\n", "\n")));
        return found;
    }

    private interface Visit {
        void text(Part part) throws Exception;
    }

    private static void walk(Part part, Visit visit) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                walk(child, visit);
            }
        } else if (part.isMimeType("text/*")) {
            visit.text(part);
        }
    }
}
