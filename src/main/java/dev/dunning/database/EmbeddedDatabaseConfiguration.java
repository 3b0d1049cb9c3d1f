package dev.dunning.database;

import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * With no database configured, the service starts its own MariaDB (see {@link EmbeddedMariaDb}) and uses it; Spring
 * Boot's own DataSource then backs off. The service connects as the account that only reads and writes rows; the
 * Flyway migrations run as the database's owner. With {@code spring.datasource.url} set, none of this exists.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDatabaseConfigured.class)
class EmbeddedDatabaseConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedMariaDb embeddedMariaDb(DatabaseProperties properties, Environment environment) {
        // Stopped by the context, after everything that uses it (the DataSource depends on it), never before; a
        // command beside a running service uses that service's server and leaves it running.
        String command = environment.getProperty("dunning.command");
        return StringUtils.hasText(command)
                ? EmbeddedMariaDb.startOrAttachForCommand(properties.dataDir(), properties.port(), properties.name(),
                        command)
                : EmbeddedMariaDb.startForService(properties.dataDir(), properties.port(), properties.name());
    }

    /** Starts the server again should its process end while the service runs, or stops the service. */
    @Bean
    EmbeddedServerWatch embeddedServerWatch(EmbeddedMariaDb server) {
        return new EmbeddedServerWatch(server, EmbeddedServerWatch::exit);
    }

    /** Pool settings under spring.datasource.hikari.* apply as they would to Spring Boot's own DataSource. */
    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(EmbeddedMariaDb server, DatabaseProperties properties) {
        HikariDataSource dataSource = DataSourceBuilder.create()
                .type(HikariDataSource.class)
                .driverClassName("org.mariadb.jdbc.Driver")
                .url(server.jdbcUrl(properties.name()))
                .username(server.application().user())
                .password(server.application().password())
                .build();
        dataSource.setPoolName("embedded-mariadb");
        return dataSource;
    }

    /**
     * The migrations create tables and triggers, which the service's own account may not: they run as the owner,
     * as spring.flyway.user / spring.flyway.password would have them on the operator's own server.
     */
    @Bean
    FlywayConfigurationCustomizer migrationsAsDatabaseOwner(EmbeddedMariaDb server, DatabaseProperties properties) {
        EmbeddedMariaDb.Account owner = server.owner();
        return flyway -> flyway.dataSource(server.jdbcUrl(properties.name()), owner.user(), owner.password());
    }

    /**
     * The embedded default is the setup for trying the service on one machine: its HTTP port listens on the loopback
     * interface too, unless server.address says otherwise.
     */
    @Bean
    WebServerFactoryCustomizer<ConfigurableWebServerFactory> loopbackHttpUnlessAddressSet(Environment environment) {
        return factory -> {
            if (!environment.containsProperty("server.address")) {
                factory.setAddress(InetAddress.getLoopbackAddress());
            }
        };
    }

    /** True when neither spring.datasource.url nor DUNNING_DB_URL names a server. */
    static final class NoDatabaseConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
        }
    }
}
