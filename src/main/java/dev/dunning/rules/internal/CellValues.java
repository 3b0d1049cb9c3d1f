package dev.dunning.rules.internal;

import dev.dunning.decision.Catalogue;
import dev.dunning.decision.RuleParam;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** What a cell must hold, derived from the field or method parameter it feeds, and the check of one value. */
sealed interface CellValues {

    /** A sentence saying why {@code value} does not fit, or empty when it does. */
    Optional<String> problem(String value);

    static CellValues forField(Method getter, String path) {
        Class<?> type = getter.getReturnType();
        String leaf = path.substring(path.lastIndexOf('.') + 1);
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return new WholeNumber(leaf.toLowerCase(Locale.ROOT).contains("days") ? " of days" : "");
        }
        if (type == BigDecimal.class || type == double.class || type == Double.class) {
            return new DecimalNumber();
        }
        if (type == boolean.class || type == Boolean.class) {
            return new YesNo();
        }
        if (type == String.class) {
            return switch (leaf) {
                case "segment" -> new Code(dev.dunning.decision.Segment.class);
                case "action" -> new Code(dev.dunning.decision.Action.class);
                case "channel" -> new Code(dev.dunning.decision.Channel.class);
                case "tone" -> new Code(dev.dunning.decision.Tone.class);
                case "holdKind" -> new Code(dev.dunning.decision.HoldKind.class);
                case "status" -> new Code(dev.dunning.decision.InvoiceStatus.class);
                case "declineClass" -> new Code(dev.dunning.decision.DeclineClass.class);
                case "currency" -> new CurrencyCode();
                case "country" -> new CountryCode();
                default -> new AnyText();
            };
        }
        return new AnyText();
    }

    static CellValues forParameter(Class<?> type, RuleParam param) {
        if (type == int.class || type == Integer.class) {
            return new WholeNumber("");
        }
        if (param == null) {
            return new AnyText();
        }
        return switch (param.value()) {
            case ACTION, CHANNEL, TONE -> new Code(param.value().codes());
            case CHANNEL_LIST -> new CodeList(param.value().codes());
            case DECIMAL -> new DecimalNumber();
            case TEXT -> new AnyText();
        };
    }

    static String unquote(String value) {
        String v = value.trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** Splits a list cell such as {@code "DE", "FR"} or {@code EMAIL, SMS} into its unquoted items. */
    static List<String> items(String value) {
        List<String> items = new ArrayList<>();
        for (String part : value.split(",")) {
            String item = unquote(part);
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        return items;
    }

    record WholeNumber(String unit) implements CellValues {
        public Optional<String> problem(String value) {
            try {
                Long.parseLong(unquote(value));
                return Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.of("\"" + value + "\" is not a whole number" + unit);
            }
        }
    }

    record DecimalNumber() implements CellValues {
        public Optional<String> problem(String value) {
            try {
                new BigDecimal(unquote(value));
                return Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.of("\"" + value + "\" is not a number (write it like 40 or 2.15, without currency signs)");
            }
        }
    }

    record YesNo() implements CellValues {
        public Optional<String> problem(String value) {
            String v = unquote(value).toLowerCase(Locale.ROOT);
            return v.equals("true") || v.equals("false")
                    ? Optional.empty()
                    : Optional.of("\"" + value + "\" is not true or false");
        }
    }

    record Code(Class<? extends Enum<?>> kind) implements CellValues {
        public Optional<String> problem(String value) {
            for (String item : items(value)) {
                if (!Catalogue.contains(kind, item)) {
                    return Optional.of("\"" + item + "\" is not a known " + Catalogue.kindName(kind) + "; use one of "
                            + String.join(", ", Catalogue.codes(kind)));
                }
            }
            return Optional.empty();
        }
    }

    record CodeList(Class<? extends Enum<?>> kind) implements CellValues {
        public Optional<String> problem(String value) {
            return new Code(kind).problem(value);
        }
    }

    record CurrencyCode() implements CellValues {
        public Optional<String> problem(String value) {
            for (String item : items(value)) {
                try {
                    Currency.getInstance(item);
                } catch (IllegalArgumentException e) {
                    return Optional.of("\"" + item + "\" is not an ISO 4217 currency code such as EUR or USD");
                }
            }
            return Optional.empty();
        }
    }

    record CountryCode() implements CellValues {
        private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

        public Optional<String> problem(String value) {
            for (String item : items(value)) {
                if (!COUNTRIES.contains(item)) {
                    return Optional.of("\"" + item + "\" is not an ISO 3166 two-letter country code such as DE or US");
                }
            }
            return Optional.empty();
        }
    }

    record AnyText() implements CellValues {
        public Optional<String> problem(String value) {
            return Optional.empty();
        }
    }
}
