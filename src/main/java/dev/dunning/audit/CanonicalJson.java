package dev.dunning.audit;

import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Canonical JSON: properties and map keys in alphabetical order, no whitespace. Chain hashes cover these bytes. */
final class CanonicalJson {

    private CanonicalJson() {}

    static JsonMapper of(JsonMapper json) {
        return json.rebuild()
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.INDENT_OUTPUT)
                .build();
    }
}
