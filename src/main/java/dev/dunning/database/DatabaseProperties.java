package dev.dunning.database;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded default database, used only when no {@code spring.datasource.url} (or {@code DUNNING_DB_URL}) is set.
 *
 * @param dataDir folder holding the embedded server's data and binaries, and the passwords of its accounts
 *     ({@code mariadb-credentials.properties}, readable by the service's user only); survives restarts
 * @param port TCP port on 127.0.0.1, 0 for any free port
 * @param name the database (schema) the service uses on the embedded server: letters, digits and _
 * @param demoData load the demo customers on the first start with an empty database (embedded default only)
 */
@ConfigurationProperties("dunning.database")
public record DatabaseProperties(
        @DefaultValue("data") Path dataDir,
        @DefaultValue("0") int port,
        @DefaultValue("dunning") String name,
        @DefaultValue("true") boolean demoData) {}
