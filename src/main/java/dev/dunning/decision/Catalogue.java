package dev.dunning.decision;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one list of codes rule authors may use. Validation of decision tables checks cells against it, and
 * the API publishes it, so a code exists in exactly one place.
 */
public final class Catalogue {

    private static final Map<Class<? extends Enum<?>>, String> KINDS = Map.of(
            Action.class, "action",
            Channel.class, "channel",
            Tone.class, "tone",
            Segment.class, "segment",
            HoldKind.class, "hold kind",
            InvoiceStatus.class, "invoice status",
            Outcome.class, "contact outcome",
            DeclineClass.class, "decline class");

    private Catalogue() {}

    public static List<String> codes(Class<? extends Enum<?>> kind) {
        return Arrays.stream(kind.getEnumConstants()).map(Enum::name).toList();
    }

    public static String kindName(Class<? extends Enum<?>> kind) {
        return KINDS.getOrDefault(kind, kind.getSimpleName());
    }

    public static boolean contains(Class<? extends Enum<?>> kind, String code) {
        return code != null && codes(kind).contains(code);
    }

    public static <E extends Enum<E>> Optional<E> lookup(Class<E> kind, String code) {
        if (code == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Enum.valueOf(kind, code.trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Resolves a code a rule passed, or fails with a sentence naming the allowed codes. */
    public static <E extends Enum<E>> E require(Class<E> kind, String code) {
        return lookup(kind, code)
                .orElseThrow(() -> new IllegalArgumentException(
                        "\"" + code + "\" is not a known " + kindName(kind) + "; use one of " + codes(kind)));
    }

    /** All catalogues by name, as published to rule authors. */
    public static Map<String, List<String>> all() {
        return Map.of(
                "actions", codes(Action.class),
                "channels", codes(Channel.class),
                "tones", codes(Tone.class),
                "segments", codes(Segment.class),
                "holdKinds", codes(HoldKind.class),
                "invoiceStatuses", codes(InvoiceStatus.class),
                "contactOutcomes", codes(Outcome.class),
                "declineClasses", codes(DeclineClass.class));
    }
}
