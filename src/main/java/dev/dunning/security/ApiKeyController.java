package dev.dunning.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** API keys for administrators: create (the key is in this one answer only), list, revoke. */
@RestController
@RequestMapping(path = "/api/v1/api-keys", produces = MediaType.APPLICATION_JSON_VALUE)
class ApiKeyController {

    private final ApiKeys keys;

    ApiKeyController(ApiKeys keys) {
        this.keys = keys;
    }

    /** A key to create: its name becomes the principal of everything done with it. */
    record NewKeyRequest(
            @NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._@-]{0,99}", message = "use 1 to 100 letters, digits, "
                    + "'.', '_', '@' or '-', starting with a letter or digit") String name,
            @NotEmpty(message = "give at least one of BILLING_SYSTEM, CREDIT_CONTROLLER, AUDITOR, ADMIN")
            Set<Role> roles) {}

    /** A key as listed: never the key itself, only its first characters to recognise it by. */
    record KeyView(long id, String name, String prefix, Set<Role> roles, Instant createdAt, String createdBy,
            Instant lastUsedAt, Instant revokedAt, String revokedBy, boolean active) {}

    /** The answer to a creation: {@code key} is shown here once and cannot be read again. */
    record CreatedKeyView(String key, KeyView details) {}

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<CreatedKeyView> create(@Valid @RequestBody NewKeyRequest request, Principal principal) {
        ApiKeys.CreatedKey created = keys.create(request.name(), request.roles(), principal.getName());
        return ResponseEntity.created(URI.create("/api/v1/api-keys/" + created.stored().id()))
                .body(new CreatedKeyView(created.key(), view(created.stored())));
    }

    @GetMapping
    List<KeyView> list() {
        return keys.list().stream().map(ApiKeyController::view).toList();
    }

    @GetMapping("/{id}")
    KeyView get(@PathVariable long id) {
        return keys.find(id).map(ApiKeyController::view).orElseThrow(() -> unknown(id));
    }

    /** Revokes the key at once; revoking it again answers the same (DELETE is idempotent). */
    @DeleteMapping("/{id}")
    KeyView revoke(@PathVariable long id, Principal principal) {
        return keys.revoke(id, principal.getName()).map(ApiKeyController::view).orElseThrow(() -> unknown(id));
    }

    private static ResponseStatusException unknown(long id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "There is no API key with id " + id
                + "; GET /api/v1/api-keys lists them");
    }

    static KeyView view(ApiKeys.StoredKey k) {
        return new KeyView(k.id(), k.name(), k.prefix(), k.roles(), k.createdAt(), k.createdBy(), k.lastUsedAt(),
                k.revokedAt(), k.revokedBy(), k.active());
    }
}
