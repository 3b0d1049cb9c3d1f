package dev.dunning.facts.web;

import dev.dunning.facts.Written;
import java.net.URI;
import java.util.function.Function;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** How an idempotent write answers: 201 with a Location when this request created the thing, 200 when it existed. */
final class Created {

    private Created() {}

    /** For PUT: the resource lives at the request's own URI. */
    static <T> ResponseEntity<T> orOk(Written<T> written) {
        return orOk(written, Function.identity());
    }

    static <T, V> ResponseEntity<V> orOk(Written<T> written, Function<T, V> view) {
        if (!written.created()) {
            return ResponseEntity.ok(view.apply(written.value()));
        }
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().build().toUri();
        return ResponseEntity.created(location).body(view.apply(written.value()));
    }

    /** For POST to a collection: the new item lives at the collection's URI plus its id. */
    static <T, V> ResponseEntity<V> orOkAt(Written<T> written, Function<T, Object> id, Function<T, V> view) {
        if (!written.created()) {
            return ResponseEntity.ok(view.apply(written.value()));
        }
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}")
                .buildAndExpand(id.apply(written.value())).toUri();
        return ResponseEntity.created(location).body(view.apply(written.value()));
    }
}
