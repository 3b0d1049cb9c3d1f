package dev.dunning.decision;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a text parameter of a {@link Decision} method must hold, so that a decision table cell feeding it can be
 * checked, with its location, before Drools compiles anything.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface RuleParam {

    Kind value();

    enum Kind {
        ACTION("an action code", Action.class),
        CHANNEL("a channel code", Channel.class),
        CHANNEL_LIST("a list of channel codes separated by commas", Channel.class),
        TONE("a tone code", Tone.class),
        DECIMAL("a decimal number such as 40 or 2.15", null),
        TEXT("text", null);

        private final String description;
        private final Class<? extends Enum<?>> codes;

        Kind(String description, Class<? extends Enum<?>> codes) {
            this.description = description;
            this.codes = codes;
        }

        public String description() {
            return description;
        }

        /** The catalogue the value is checked against, or null for free values. */
        public Class<? extends Enum<?>> codes() {
            return codes;
        }
    }
}
