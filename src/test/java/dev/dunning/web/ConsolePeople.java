package dev.dunning.web;

import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import java.util.EnumSet;

/**
 * The people the console's browser tests sign in as: local accounts with one password, named with a suffix of their
 * run so that tests sharing one database never meet each other's people.
 */
public final class ConsolePeople {

    public static final String PASSWORD = "correct horse battery staple";

    private final ConsoleUsers users;
    private final String run = Long.toString(System.nanoTime(), 36);

    public ConsolePeople(ConsoleUsers users) {
        this.users = users;
    }

    /** This run's suffix, for other names a test makes (customers, ...). */
    public String run() {
        return run;
    }

    /** A person {@code name-run} with these roles and {@link #PASSWORD}; their full name. */
    public String person(String name, Role role, Role... more) {
        return users.create(name + "-" + run, EnumSet.of(role, more), PASSWORD, "test").name();
    }

    /** A person with a fixed name (for screenshots that must not change between runs), made once per database. */
    public String fixed(String name, Role role, Role... more) {
        return users.find(name).map(ConsoleUsers.User::name)
                .orElseGet(() -> users.create(name, EnumSet.of(role, more), PASSWORD, "test").name());
    }
}
