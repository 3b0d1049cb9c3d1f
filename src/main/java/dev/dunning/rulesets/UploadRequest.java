package dev.dunning.rulesets;

import java.util.List;
import java.util.Locale;

/**
 * An upload of rule-set files as a credit controller sends it: the file (a zip, or one rule file, table or scenarios
 * file), what the zip is ({@code scope}: the whole set, or a change to the active set; null when not said) and, for a
 * change, the files of the active set to remove ({@code delete}, by full name or unique base name).
 */
public record UploadRequest(String filename, byte[] content, Scope scope, List<String> delete) {

    /** What an upload stands for: every file of the new version, or only what changes in the active version. */
    public enum Scope {
        /** The upload holds every file of the new version; a file the active version has and it has not is left out. */
        WHOLE,
        /** The upload's files replace their namesakes in the active version or are added beside them. */
        CHANGE;

        /** The value as the API spells it: {@code whole}, {@code change}. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The scope a request names ({@code whole} or {@code change}, any case), null when it names none.
         *
         * @throws IllegalArgumentException with a sentence for people when it names something else
         */
        public static Scope parse(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            for (Scope scope : values()) {
                if (scope.value().equals(value.strip().toLowerCase(Locale.ROOT))) {
                    return scope;
                }
            }
            throw new IllegalArgumentException("\"" + value + "\" is not a scope; send scope=whole when the zip holds "
                    + "every file of the new version, or scope=change when it holds only the files that change");
        }
    }

    public UploadRequest {
        delete = delete == null ? List.of() : delete.stream().filter(d -> d != null && !d.isBlank())
                .map(String::strip).distinct().toList();
    }

    /** An upload that says nothing about its scope and removes nothing (a single file is a change, a zip is asked). */
    public static UploadRequest of(String filename, byte[] content) {
        return new UploadRequest(filename, content, null, List.of());
    }
}
