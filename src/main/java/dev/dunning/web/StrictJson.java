package dev.dunning.web;

import com.fasterxml.jackson.annotation.JsonFormat;
import dev.dunning.validation.DateRange;
import dev.dunning.validation.Texts;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.cfg.MutableCoercionConfig;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * JSON input read as written, not guessed at, for every endpoint at once (issues 8 and 16):
 * <ul>
 * <li>no coercion between JSON types: a boolean is {@code true} or {@code false} ({@code ""} and {@code 0} were read
 * as false, and a customer marked doNotContact was e-mailed), a text is a string ({@code -1} is no time zone), a whole
 * number is a number ({@code "5"} and {@code 1.5} are not), a code is its name ({@code 1} is not the second channel),
 * an empty string or an empty list is not null, a list is a list and an object an object. Amounts are the one
 * documented exception: a decimal may be sent as a string ({@code "120.00"}), which keeps its digits exactly;</li>
 * <li>dates and instants are ISO strings only ({@code 1e309} was 1970-01-01, {@code []} an open end, and
 * {@code 20250101} a count of days) and lie in {@link DateRange} (that an instant of a request carries at most the
 * microseconds the database keeps is checked once the body is read, by {@link Microseconds}: this mapper also reads
 * what the service stored itself, with its clock's nanoseconds);</li>
 * <li>every string is valid Unicode: an unpaired surrogate ({@code "\ud800"}) cannot be stored or hashed as it was
 * sent, so the stored column and the chained audit content came to differ;</li>
 * <li>a key given twice in one object is refused, instead of the last one silently winning.</li>
 * </ul>
 * Unknown extra fields are still ignored (documented: billing systems send their own fields along).
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

    @Bean
    JsonMapperBuilderCustomizer strictJsonInput() {
        SimpleModule exact = new SimpleModule("exact-input");
        exact.setDeserializerModifier(new ValueDeserializerModifier() {
            @Override
            public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config,
                    BeanDescription.Supplier description, ValueDeserializer<?> deserializer) {
                Class<?> type = deserializer.handledType();
                if (type == LocalDate.class || type == Instant.class) {
                    return new IsoInDateRange(deserializer);
                }
                return type == String.class ? new WholeUnicode(deserializer) : deserializer;
            }
        });
        return builder -> builder.enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT, DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
                        DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS,
                        DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT,
                        DeserializationFeature.ACCEPT_EMPTY_ARRAY_AS_NULL_OBJECT)
                .withCoercionConfigDefaults(c -> c.setAcceptBlankAsEmpty(false)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, c -> fail(c, CoercionInputShape.Integer,
                        CoercionInputShape.Float, CoercionInputShape.String))
                .withCoercionConfig(LogicalType.Integer, c -> fail(c, CoercionInputShape.String,
                        CoercionInputShape.Float, CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Float, c -> fail(c, CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Textual, c -> fail(c, CoercionInputShape.Integer,
                        CoercionInputShape.Float, CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Enum, c -> fail(c, CoercionInputShape.Integer,
                        CoercionInputShape.Float, CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.DateTime, c -> fail(c, CoercionInputShape.Integer,
                        CoercionInputShape.Float, CoercionInputShape.Boolean))
                .withConfigOverride(LocalDate.class, o -> o.setFormat(JsonFormat.Value.forLeniency(false)))
                .addModule(exact);
    }

    private static void fail(MutableCoercionConfig config, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            config.setCoercion(shape, CoercionAction.Fail);
        }
    }

    /**
     * The field a duplicate key was found in (e.g. customer.doNotContact), if the parser refused the body for that;
     * the parser's context still stands at the second occurrence.
     */
    static Optional<String> duplicateField(StreamReadException e) {
        JsonParser parser = e.processor();
        if (parser == null || e.getOriginalMessage() == null
                || !e.getOriginalMessage().startsWith("Duplicate Object property")) {
            return Optional.empty();
        }
        StringBuilder path = new StringBuilder();
        for (TokenStreamContext c = parser.streamReadContext(); c != null && !c.inRoot(); c = c.getParent()) {
            String separator = path.isEmpty() || path.charAt(0) == '[' ? "" : ".";
            if (c.inObject() && c.currentName() != null) {
                path.insert(0, c.currentName() + separator);
            } else if (c.inArray()) {
                path.insert(0, "[" + c.getCurrentIndex() + "]" + separator);
            }
        }
        return path.isEmpty() ? Optional.empty() : Optional.of(path.toString());
    }

    /** A value that was read but is refused; its message is for people and never quotes the refused text. */
    static final class Refused extends MismatchedInputException {

        Refused(JsonParser p, String message, Class<?> type) {
            super(p, message, type);
        }
    }

    /** Refuses a string that is not valid Unicode, naming the field and the place; never echoes the string. */
    static final class WholeUnicode extends DelegatingDeserializer {

        WholeUnicode(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new WholeUnicode(delegate);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) {
            Object value = super.deserialize(p, ctxt);
            String problem = value instanceof String text ? Texts.notUnicode(text) : null;
            if (problem != null) {
                throw new Refused(p, problem, String.class);
            }
            return value;
        }
    }

    /** Reads a date or instant only from its ISO string, then refuses one outside {@link DateRange}. */
    static final class IsoInDateRange extends DelegatingDeserializer {

        IsoInDateRange(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new IsoInDateRange(delegate);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) {
            boolean date = handledType() == LocalDate.class;
            String expected = date ? "a date string such as \"2025-02-14\"" : "an instant string such as "
                    + "\"2025-03-12T05:30:00Z\"";
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                throw new Refused(p, "expected " + expected + ", not " + kind(p.currentToken()), handledType());
            }
            String text = p.getString();
            Object value = super.deserialize(p, ctxt);
            if (value == null) {
                return null;
            }
            try {
                // The delegate also reads forms that are not ISO ("0" as 1970-01-01, a date-time as a date).
                (date ? DateTimeFormatter.ISO_LOCAL_DATE : DateTimeFormatter.ISO_OFFSET_DATE_TIME).parse(text);
            } catch (DateTimeParseException e) {
                throw new Refused(p, "expected " + expected + " (ISO 8601" + (date ? "" : " with an offset")
                        + ")", handledType());
            }
            boolean inRange = value instanceof LocalDate d ? DateRange.contains(d)
                    : !(value instanceof Instant instant) || DateRange.contains(instant);
            if (!inRange) {
                throw new Refused(p, DateRange.outside(value), handledType());
            }
            return value;
        }

        private static String kind(JsonToken token) {
            if (token == null) {
                return "nothing";
            }
            return switch (token) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case START_ARRAY -> "a list";
                case START_OBJECT -> "an object";
                default -> token.asString() == null ? token.name() : token.asString();
            };
        }
    }
}
