package dev.dunning.web;

import com.fasterxml.jackson.annotation.JsonFormat;
import dev.dunning.validation.DateRange;
import java.time.Instant;
import java.time.LocalDate;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.deser.std.DelegatingDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.module.SimpleModule;

/**
 * JSON input read as written, not guessed at: a code is its name ({@code 1} is not the second role or channel), a
 * date is a date string ({@code 20250101} is not read as a count of days since 1970, which landed far outside what
 * the database stores and failed with a 500), a whole number is whole ({@code 1.5} is not quietly 1), and dates and
 * instants lie in {@link DateRange} wherever they appear, so that no request field can be forgotten.
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

    @Bean
    JsonMapperBuilderCustomizer strictJsonInput() {
        SimpleModule dates = new SimpleModule("date-range");
        dates.setDeserializerModifier(new ValueDeserializerModifier() {
            @Override
            public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config,
                    BeanDescription.Supplier description, ValueDeserializer<?> deserializer) {
                Class<?> type = deserializer.handledType();
                return type == LocalDate.class || type == Instant.class ? new InDateRange(deserializer) : deserializer;
            }
        });
        return builder -> builder.enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .withConfigOverride(LocalDate.class, o -> o.setFormat(JsonFormat.Value.forLeniency(false)))
                .addModule(dates);
    }

    /** Reads a date or instant as usual, then refuses one outside {@link DateRange}, naming the field. */
    static final class InDateRange extends DelegatingDeserializer {

        InDateRange(ValueDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected ValueDeserializer<?> newDelegatingInstance(ValueDeserializer<?> delegate) {
            return new InDateRange(delegate);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) {
            Object value = super.deserialize(p, ctxt);
            boolean inRange = value instanceof LocalDate date ? DateRange.contains(date)
                    : !(value instanceof Instant instant) || DateRange.contains(instant);
            if (!inRange) {
                throw InvalidFormatException.from(p, DateRange.outside(value), value, handledType());
            }
            return value;
        }
    }
}
