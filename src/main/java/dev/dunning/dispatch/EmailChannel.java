package dev.dunning.dispatch;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import java.io.IOException;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

/** Sends an entry's e-mail through SMTP as one multipart (text and HTML) message. */
@Component
class EmailChannel {

    /** Carries the decision id, so that a relay or provider that deduplicates can drop a repeated send. */
    static final String IDEMPOTENCY_HEADER = "X-Idempotency-Key";

    /**
     * The Message-ID of an entry's e-mail: the decision id at the sender's domain, the same at every send, so that a
     * message sent again after a retry or a crash is recognisably the one sent before. Mail servers and clients, unlike
     * providers, read no {@value #IDEMPOTENCY_HEADER}; Message-ID is the key they know.
     */
    static String messageId(String decisionId, String from) {
        int at = from.lastIndexOf('@');
        String domain = at < 0 ? "" : from.substring(at + 1).strip();
        return "<" + decisionId + "@" + (domain.isEmpty() ? "localhost" : domain) + ">";
    }

    private final JavaMailSender mail;
    private final MailComposer composer;
    private final DispatchProperties properties;

    EmailChannel(JavaMailSender mail, MailComposer composer, DispatchProperties properties) {
        nameStreamProvider();
        this.mail = mail;
        this.composer = composer;
        this.properties = properties;
    }

    /** The system property Jakarta Mail reads first to find its stream provider. */
    static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";
    /** Angus Mail's provider, the one Spring Boot's mail starter brings. */
    static final String ANGUS_STREAM_PROVIDER = "org.eclipse.angus.mail.util.MailStreamProvider";

    /**
     * Names Angus Mail's stream provider in {@value #STREAM_PROVIDER}, unless the operator named one. Jakarta Mail 2.1
     * looks the provider up again for every multipart, body part and header encoding, and without the property each
     * look-up is a ServiceLoader scan of every jar on the class path (jakartaee/mail-api#699 and #861, cached only
     * from 2.2 on): in the profile of bench/mail-relay.sh it was 44 % of the dispatchers' CPU, about a dozen scans per
     * e-mail. With the property set, the look-up is one loaded-class lookup. Nothing changes when Angus is absent.
     */
    static void nameStreamProvider() {
        if (System.getProperty(STREAM_PROVIDER) != null) {
            return;
        }
        try {
            Class.forName(ANGUS_STREAM_PROVIDER, false, EmailChannel.class.getClassLoader());
            System.setProperty(STREAM_PROVIDER, ANGUS_STREAM_PROVIDER);
        } catch (ClassNotFoundException another) {
            // another Jakarta Mail implementation: its own service entry is found as before
        }
    }

    /** The address a message goes to, or why there is none. */
    static String recipient(MessageFacts facts) {
        if (facts.customer().doNotContact()) {
            throw new SendFailure("customer " + facts.customer().id() + " asked not to be contacted; nothing was sent",
                    true);
        }
        if (!facts.customer().consentsTo(dev.dunning.decision.Channel.EMAIL)) {
            throw new SendFailure("customer " + facts.customer().id() + " has no e-mail consent (any more); "
                    + "nothing was sent", true);
        }
        if (facts.details().email() != null && facts.details().emailWithdrawnAt() != null) {
            throw new SendFailure("the e-mail address of customer " + facts.customer().id()
                    + " was withdrawn after a hard bounce (" + facts.details().emailWithdrawnReason()
                    + "); PUT /api/v1/customers/" + facts.customer().id() + " with a new address", true);
        }
        return facts.details().usableEmail().orElseThrow(() -> new SendFailure("customer " + facts.customer().id()
                + " has no e-mail address; PUT /api/v1/customers/" + facts.customer().id() + " with \"email\"", true));
    }

    RenderedMail render(MessageFacts facts) {
        return composer.compose(facts, recipient(facts));
    }

    /** An entry's e-mail, ready for the relay, and the address it goes to. */
    record Built(MimeMessage message, String to) {}

    /** Builds the entry's e-mail (multipart text and HTML, with its stable Message-ID and idempotency key). */
    Built build(MessageFacts facts) {
        RenderedMail rendered = render(facts);
        try {
            MimeMessage message = mail.createMimeMessage();
            MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
            helper.setTo(rendered.to());
            helper.setFrom(rendered.from(), properties.company().name());
            if (properties.company().replyTo() != null) {
                helper.setReplyTo(properties.company().replyTo());
            }
            helper.setSubject(rendered.subject());
            helper.setText(rendered.text(), rendered.html());
            transferEncoding(message);
            message.setHeader("Content-Language", rendered.language());
            message.setHeader(IDEMPOTENCY_HEADER, facts.entry().decisionId());
            message.setHeader("X-Dunning-Decision-Id", facts.entry().decisionId());
            // Without one, saveChanges() draws a random id at every send. Spring's JavaMailSenderImpl and SmtpRelay
            // keep one set here (they read it before saveChanges() and set it again after); EmailDispatchIT and
            // CrashSafetyIT check what the SMTP server receives.
            message.setHeader("Message-ID", messageId(facts.entry().decisionId(), rendered.from()));
            if (rendered.optOutLine() && properties.company().optOutUrl() != null) {
                message.setHeader("List-Unsubscribe", "<" + properties.company().optOutUrl()
                        .replace("{customerId}", facts.customer().id()) + ">");
            }
            return new Built(message, rendered.to());
        } catch (MessagingException | IOException e) {
            throw new SendFailure("the e-mail to " + rendered.to() + " could not be built: " + e.getMessage(), true);
        }
    }

    /**
     * Names each text part's transfer encoding as Jakarta Mail would choose it for our texts: {@code 7bit} for ASCII in
     * lines of at most 998 characters, otherwise {@code quoted-printable} (Jakarta Mail would take base64 for a text
     * mostly outside ASCII; quoted-printable carries it as well). Left to Jakarta Mail, {@code saveChanges()} writes
     * every part through its content handler into a byte counter to decide, a tenth of the dispatcher's CPU per
     * e-mail in the profile (docs/benchmarks.md, section 5); this reads the string once.
     */
    static void transferEncoding(MimePart part) throws MessagingException, IOException {
        Object content = part.getContent();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                if (multipart.getBodyPart(i) instanceof MimePart child) {
                    transferEncoding(child);
                }
            }
        } else if (content instanceof String text && part.isMimeType("text/*")) {
            part.setHeader("Content-Transfer-Encoding", sevenBit(text) ? "7bit" : "quoted-printable");
        }
    }

    /**
     * Printable ASCII, tabs and line breaks only, in lines of at most 998 characters (RFC 5322): what Jakarta Mail's own
     * check ({@code MimeUtility.nonascii}) lets through as 7bit.
     */
    static boolean sevenBit(String text) {
        int line = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                line = 0;
                continue;
            }
            if (c >= 0x7F || (c < 0x20 && c != '\t') || ++line > 998) {
                return false;
            }
        }
        return true;
    }

    /** Sends one entry's e-mail on a connection of its own; the dispatcher sends batches through SmtpRelay. */
    String send(MessageFacts facts) {
        Built built = build(facts);
        try {
            mail.send(built.message());
            return built.to();
        } catch (MailException e) {
            throw new SendFailure("SMTP refused or failed the e-mail to " + built.to() + ": " + e.getMessage(), e);
        }
    }
}
