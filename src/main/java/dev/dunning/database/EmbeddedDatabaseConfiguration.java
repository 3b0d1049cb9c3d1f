package dev.dunning.database;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * With no database configured, the service starts its own MariaDB (see {@link EmbeddedMariaDb}) and uses it; Spring
 * Boot's own DataSource then backs off. With {@code spring.datasource.url} set, none of this exists.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDatabaseConfigured.class)
class EmbeddedDatabaseConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedMariaDb embeddedMariaDb(DatabaseProperties properties) {
        // Stopped by the context, after everything that uses it (the DataSource depends on it), never before.
        return EmbeddedMariaDb.startOwned(properties.dataDir(), properties.port(), properties.name());
    }

    /** Pool settings under spring.datasource.hikari.* apply as they would to Spring Boot's own DataSource. */
    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(EmbeddedMariaDb server, DatabaseProperties properties) {
        HikariDataSource dataSource = DataSourceBuilder.create()
                .type(HikariDataSource.class)
                .driverClassName("org.mariadb.jdbc.Driver")
                .url(server.jdbcUrl(properties.name()))
                .username("root")
                .password("")
                .build();
        dataSource.setPoolName("embedded-mariadb");
        return dataSource;
    }

    /** True when neither spring.datasource.url nor DUNNING_DB_URL names a server. */
    static final class NoDatabaseConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
        }
    }
}
