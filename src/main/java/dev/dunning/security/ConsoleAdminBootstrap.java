package dev.dunning.security;

import java.io.PrintStream;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The embedded default (one person trying the service) gets a first console administrator whose password is printed
 * once, as {@link AdminBootstrap} does for the admin API key. With the operator's own database nobody is created:
 * people are added with the {@code user} command.
 */
@Component
@ConditionalOnWebApplication
class ConsoleAdminBootstrap implements InitializingBean {

    static final String FIRST_ADMIN = "administrator";
    private static final Logger log = LoggerFactory.getLogger(ConsoleAdminBootstrap.class);

    private final ConsoleUsers users;
    private final boolean embedded;
    private final PrintStream out;

    @Autowired
    ConsoleAdminBootstrap(ConsoleUsers users, Environment environment) {
        this(users, !StringUtils.hasText(environment.getProperty("spring.datasource.url")), System.out);
    }

    ConsoleAdminBootstrap(ConsoleUsers users, boolean embedded, PrintStream out) {
        this.users = users;
        this.embedded = embedded;
        this.out = out;
    }

    @Override
    public void afterPropertiesSet() {
        if (users.anyEnabledWith(Role.ADMIN)) {
            return;
        }
        if (!embedded) {
            log.info("No console administrator yet; create people with `java -jar dunning-decision-service.jar user "
                    + "add <name> --role ADMIN` (docs/console.md)");
            return;
        }
        if (users.find(FIRST_ADMIN).isPresent()) {
            return; // disabled on purpose: not brought back
        }
        String password = ConsoleUsers.generatePassword();
        users.create(FIRST_ADMIN, EnumSet.allOf(Role.class), password, "first start");
        // Standard output, not the log: log files are kept and shipped; this is shown once on the console.
        out.println();
        out.println("=".repeat(100));
        out.println("First start: a console administrator was created. Sign in at http://localhost:8080/console as");
        out.println();
        out.println("    name:     " + FIRST_ADMIN);
        out.println("    password: " + password);
        out.println();
        out.println("The password is shown this once and stored only as a hash; change it with "
                + "`user password " + FIRST_ADMIN + "`.");
        out.println("=".repeat(100));
        out.println();
        log.warn("First start: created the console administrator \"{}\" and printed its password once on standard "
                + "output", FIRST_ADMIN);
    }
}
