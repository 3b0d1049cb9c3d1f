package dev.dunning.decision;

import dev.dunning.validation.Identifier;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.EnumMap;
import java.util.Map;

/** The customer as the billing system knows it. Immutable input fact. */
public record Customer(
        @NotBlank @Size(max = 64) @Identifier(key = true) String id,
        @Size(max = 200) String name,
        @NotNull Segment segment,
        @NotBlank @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166 two-letter country code such as US or DE")
                String country,
        @Pattern(regexp = "[a-z]{2,3}", message = "must be an ISO 639 language code such as en or de") String language,
        @NotBlank @Size(max = 64) String timeZone,
        @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 currency code such as EUR") String currency,
        @Min(0) @Max(100) int riskScore,
        @Min(0) @Max(2400) int tenureMonths,
        Map<Channel, Boolean> consents,
        boolean doNotContact,
        boolean vulnerable,
        boolean thirdPartyCollection) {

    public Customer {
        Map<Channel, Boolean> copy = new EnumMap<>(Channel.class);
        if (consents != null) {
            consents.forEach((channel, given) -> copy.put(channel, Boolean.TRUE.equals(given)));
        }
        consents = Map.copyOf(copy);
        language = language == null ? "en" : language;
    }

    /** Consent is opt-in: a channel the billing system did not mention has no consent. */
    public boolean consentsTo(Channel channel) {
        return consents.getOrDefault(channel, false);
    }
}
