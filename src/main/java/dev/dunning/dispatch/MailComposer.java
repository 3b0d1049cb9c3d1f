package dev.dunning.dispatch;

import java.math.BigDecimal;
import java.text.MessageFormat;
import java.text.NumberFormat;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * Writes the e-mail for an entry from two Thymeleaf layouts (HTML and text, {@code dispatch/mail/message.*}) and the
 * wording per template id (action x tone) and language ({@code dispatch/mail/wording_<lang>.properties}). Wording is
 * looked up from the most specific key to the least: the decision's template ({@code reminder-firm}), the action
 * ({@code reminder}), then {@code default}; a language without a key falls back to English.
 */
@Component
class MailComposer {

    static final String WORDING = "dispatch.mail.wording";
    /** Languages with their own wording; any other is written in English. */
    static final Set<String> LANGUAGES = Set.of("en", "de");

    private static final ResourceBundle.Control NO_JVM_LOCALE =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private final TemplateEngine html;
    private final TemplateEngine text;
    private final DispatchProperties properties;

    MailComposer(DispatchProperties properties) {
        this.properties = properties;
        this.html = engine(TemplateMode.HTML, ".html");
        this.text = engine(TemplateMode.TEXT, ".txt");
    }

    private static TemplateEngine engine(TemplateMode mode, String suffix) {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver();
        resolver.setPrefix("dispatch/mail/");
        resolver.setSuffix(suffix);
        resolver.setTemplateMode(mode);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(true);
        TemplateEngine engine = new TemplateEngine();
        engine.setTemplateResolver(resolver);
        return engine;
    }

    RenderedMail compose(MessageFacts facts, String to) {
        String language = LANGUAGES.contains(facts.customer().language()) ? facts.customer().language() : "en";
        Locale locale = Locale.forLanguageTag(language);
        ResourceBundle bundle = ResourceBundle.getBundle(WORDING, locale, NO_JVM_LOCALE);
        DispatchProperties.Company company = properties.company();
        OutboxEntry entry = facts.entry();

        List<String> totals = new ArrayList<>();
        facts.totals().forEach((currency, amount) -> totals.add(money(amount, currency, locale)));
        String total = String.join(" + ", totals);
        Object[] args = {facts.customer().name() == null ? "" : facts.customer().name(), total,
            facts.openInvoices().size(), company.name()};

        Map<String, String> w = new LinkedHashMap<>();
        for (String part : List.of("subject", "intro", "action", "closing", "pay")) {
            w.put(part, MessageFormat.format(wording(bundle, entry, part), args));
        }
        for (String part : List.of("invoice", "due", "outstanding", "total", "regards")) {
            w.put(part, bundle.getString(part));
        }
        w.put("greeting", facts.customer().name() == null ? bundle.getString("greeting.anonymous")
                : MessageFormat.format(bundle.getString("greeting"), args));
        w.put("contact", MessageFormat.format(bundle.getString("contact"), company.phone(), company.email()));
        w.put("reference", MessageFormat.format(bundle.getString("reference"), entry.decisionId()));
        boolean optOut = properties.optOutAlways() || facts.customer().thirdPartyCollection();
        if (optOut) {
            w.put("optout", MessageFormat.format(bundle.getString("optout"), url(company.optOutUrl(), facts)));
        }

        DateTimeFormatter dates = DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale);
        List<Map<String, String>> invoices = facts.openInvoices().stream().map(i -> Map.of(
                "number", i.number(),
                "due", dates.format(i.dueDate()),
                "outstanding", money(i.outstanding(), i.currency(), locale))).toList();

        Context context = new Context(locale);
        context.setVariable("w", w);
        context.setVariable("lang", language);
        // A map, not the record: Thymeleaf's expression language reads JavaBean getters, which records do not have.
        Map<String, String> brand = new LinkedHashMap<>();
        brand.put("name", company.name());
        brand.put("email", company.email());
        brand.put("phone", company.phone());
        brand.put("website", company.website());
        brand.put("address", company.address());
        brand.put("brandColour", company.brandColour());
        context.setVariable("company", brand);
        context.setVariable("invoices", invoices);
        context.setVariable("total", total);
        context.setVariable("link", url(linkTemplate(entry, company), facts));
        return new RenderedMail(to, company.email(), w.get("subject"), language, text.process("message", context),
                html.process("message", context), optOut);
    }

    /** Asking for a new payment method links to where that is done; everything else to where to pay. */
    private static String linkTemplate(OutboxEntry entry, DispatchProperties.Company company) {
        return "UPDATE_PAYMENT_METHOD".equals(entry.action()) ? company.paymentMethodUrl() : company.paymentUrl();
    }

    private static String url(String template, MessageFacts facts) {
        return template == null ? "" : template.replace("{customerId}",
                java.net.URLEncoder.encode(facts.customer().id(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String wording(ResourceBundle bundle, OutboxEntry entry, String part) {
        String action = entry.action().toLowerCase(Locale.ROOT).replace('_', '-');
        List<String> keys = new ArrayList<>();
        if (entry.template() != null) {
            keys.add(entry.template());
        }
        if (entry.tone() != null) {
            keys.add(action + "-" + entry.tone().toLowerCase(Locale.ROOT));
        }
        keys.add(action);
        keys.add("default");
        for (String key : keys) {
            try {
                return bundle.getString(key + "." + part);
            } catch (MissingResourceException next) {
                // less specific wording next
            }
        }
        throw new IllegalStateException("dispatch/mail/wording.properties has no key default." + part);
    }

    /** en: USD 1,234.50; de: 1.234,50 EUR, with the currency's own number of decimals. */
    static String money(BigDecimal amount, String currency, Locale locale) {
        NumberFormat format = NumberFormat.getNumberInstance(locale);
        int digits = Currency.getInstance(currency).getDefaultFractionDigits();
        format.setMinimumFractionDigits(Math.max(digits, 0));
        format.setMaximumFractionDigits(Math.max(digits, 0));
        String number = format.format(amount);
        return "de".equals(locale.getLanguage()) ? number + " " + currency : currency + " " + number;
    }
}
