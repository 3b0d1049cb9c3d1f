package dev.dunning.security.web;

import dev.dunning.security.ApiKeys;
import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import dev.dunning.web.ConsolePage;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.NotFoundException;
import dev.dunning.web.Principals;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The administrator's pages of the console: the people who sign in (create with a generated password shown once,
 * change roles, disable, a new password that lifts a lockout) and the API keys (create, the key shown once; revoke).
 * Each action calls the service the command line and the API call ({@link ConsoleUsers}, {@link ApiKeys}), so the
 * same rules hold everywhere; what they refuse comes back beside the form with their sentence.
 */
@ConsolePage
class AdminPages {

    private final ConsoleUsers users;
    private final ApiKeys keys;
    private final Clock clock;

    AdminPages(ConsoleUsers users, ApiKeys keys, Clock clock) {
        this.users = users;
        this.keys = keys;
        this.clock = clock;
    }

    @GetMapping("/console/admin")
    String admin() {
        return "redirect:/console/admin/people";
    }

    @GetMapping("/console/admin/people")
    String people(Model model) {
        return peoplePage(model, Map.of(), null, null, "", Set.of());
    }

    /** A new person with a generated password, shown on this answer only. */
    @PostMapping("/console/admin/people")
    String createPerson(@RequestParam(defaultValue = "") String name,
            @RequestParam(required = false) List<String> roles, Principal principal, Model model,
            HttpServletResponse response) {
        Set<Role> chosen = roles(roles);
        try {
            String password = ConsoleUsers.generatePassword();
            ConsoleUsers.User created = users.create(name.strip(), chosen, password, Principals.name(principal));
            return peoplePage(model, Map.of(), created.name(), password, "", Set.of());
        } catch (IllegalArgumentException | ConsoleUsers.NameTakenException refused) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return peoplePage(model, Map.of(field(refused.getMessage()), refused.getMessage()), null, null, name,
                    chosen);
        }
    }

    @PostMapping("/console/admin/people/{name}/roles")
    String changeRoles(@PathVariable String name, @RequestParam(required = false) List<String> roles, Model model,
            HttpServletResponse response) {
        Set<Role> chosen = roles(roles);
        try {
            found(users.setRoles(name, chosen), name);
        } catch (IllegalArgumentException refused) {
            return refused(model, response, name, refused);
        }
        return "redirect:/console/admin/people";
    }

    @PostMapping("/console/admin/people/{name}/disable")
    String disable(@PathVariable String name, Principal principal, Model model, HttpServletResponse response) {
        try {
            found(users.disable(name, Principals.name(principal)), name);
        } catch (IllegalArgumentException refused) {
            return refused(model, response, name, refused);
        }
        return "redirect:/console/admin/people";
    }

    /** A new generated password, shown on this answer only; a lockout is lifted. */
    @PostMapping("/console/admin/people/{name}/password")
    String newPassword(@PathVariable String name, Model model) {
        String password = ConsoleUsers.generatePassword();
        found(users.setPassword(name, password), name);
        model.addAttribute("passwordFor", name);
        return peoplePage(model, Map.of(), null, password, "", Set.of());
    }

    @GetMapping("/console/admin/api-keys")
    String apiKeys(Model model) {
        return keysPage(model, Map.of(), null, "", Set.of());
    }

    /** A new key, shown on this answer only: only its hash is stored. */
    @PostMapping("/console/admin/api-keys")
    String createKey(@RequestParam(defaultValue = "") String name, @RequestParam(required = false) List<String> roles,
            Principal principal, Model model, HttpServletResponse response) {
        Set<Role> chosen = roles(roles);
        try {
            ApiKeys.CreatedKey created = keys.create(name.strip(), chosen, Principals.name(principal));
            return keysPage(model, Map.of(), created, "", Set.of());
        } catch (IllegalArgumentException | ApiKeys.NameTakenException refused) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return keysPage(model, Map.of(field(refused.getMessage()), refused.getMessage()), null, name, chosen);
        }
    }

    /** Revokes the key at once, as the API's DELETE /api/v1/api-keys/{id}. */
    @PostMapping("/console/admin/api-keys/{id}/revoke")
    String revoke(@PathVariable long id, Principal principal) {
        keys.revoke(id, Principals.name(principal)).orElseThrow(() -> new NotFoundException(
                "There is no API key with id " + id + "; the API keys page lists them"));
        return "redirect:/console/admin/api-keys";
    }

    private String peoplePage(Model model, Map<String, String> problems, String created, String password,
            String name, Set<Role> chosen) {
        model.addAttribute("people", users.list());
        model.addAttribute("now", clock.instant());
        model.addAttribute("allRoles", Role.values());
        model.addAttribute("problems", problems);
        model.addAttribute("created", created);
        model.addAttribute("password", password);
        model.addAttribute("name", name);
        model.addAttribute("chosen", chosen);
        return "admin/people";
    }

    private String keysPage(Model model, Map<String, String> problems, ApiKeys.CreatedKey created, String name,
            Set<Role> chosen) {
        model.addAttribute("keys", keys.list());
        model.addAttribute("allRoles", Role.values());
        model.addAttribute("problems", problems);
        model.addAttribute("created", created);
        model.addAttribute("name", name);
        model.addAttribute("chosen", chosen);
        return "admin/api-keys";
    }

    /** A refusal of a change to one person, shown above the list beside that person's name. */
    private String refused(Model model, HttpServletResponse response, String name, RuntimeException refused) {
        response.setStatus(HttpStatus.CONFLICT.value());
        model.addAttribute("refusedFor", name);
        return peoplePage(model, Map.of("person", refused.getMessage()), null, null, "", Set.of());
    }

    /** Which form field a service's sentence is about: roles, the password, or else the name. */
    private static String field(String message) {
        return message.contains("role") && !message.contains("named") ? "roles" : "name";
    }

    /** The roles ticked; an unknown one is refused with the names that exist. */
    private static Set<Role> roles(List<String> names) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (names == null) {
            return roles;
        }
        for (String n : names) {
            try {
                roles.add(Role.valueOf(n));
            } catch (IllegalArgumentException unknown) {
                throw new InvalidRequestException(List.of(new FieldProblem("roles", "\"" + n + "\" is not a role; "
                        + "use one or more of " + String.join(", ", java.util.Arrays.stream(Role.values())
                                .map(Role::name).toList()))));
            }
        }
        return roles;
    }

    private static <T> T found(java.util.Optional<T> value, String name) {
        return value.orElseThrow(() -> new NotFoundException("There is no person named \"" + name
                + "\"; the people page lists them"));
    }
}
