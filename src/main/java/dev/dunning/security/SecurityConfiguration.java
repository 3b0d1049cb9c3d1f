package dev.dunning.security;

import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security filter chain: API keys, optionally JWTs, and {@link EndpointRules} applied in order with everything
 * else refused. Stateless: no sessions and no cookies, so there is nothing for cross-site request forgery to ride on
 * and CSRF protection is off. It is the first chain and takes every request but the console's ({@link
 * ConsoleSecurityConfiguration}), whose session it never reads. Only in the web service: the command-line forms have no
 * HTTP to protect.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfiguration {

    /**
     * No Micrometer observations of Spring Security's filters, authentications and authorizations. Switching them off
     * by name ({@code management.observations.enable.spring.security=false}) still wrapped each of the chain's ~15
     * filters in an observation decorator on every request, work that cost more than the decision on a busy 2-core
     * machine (docs/benchmarks.md, section 10); request metrics still come from the MVC observation.
     */
    @Bean
    static SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeys keys, SecurityProperties properties, JsonMapper json,
            ObjectProvider<JwtDecoder> jwtDecoder,
            @Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> mappings)
            throws Exception {
        ProblemEntryPoints problems = new ProblemEntryPoints(json);
        boolean jwt = jwtDecoder.getIfAvailable() != null;
        http.securityMatcher(new NegatedRequestMatcher(ConsoleSecurityConfiguration.CONSOLE))
                .csrf(AbstractHttpConfigurer::disable)
                .cors(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .authorizeHttpRequests(authorize -> {
                    // The container's error page renders what already failed; it must not fail again with 401.
                    authorize.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
                    EndpointRules.authorize(authorize, EndpointRules.ALL, mappings);
                })
                .addFilterBefore(new ApiKeyFilter(keys, problems, jwt, json), BearerTokenAuthenticationFilter.class);
        if (jwt) {
            DefaultBearerTokenResolver bearer = new DefaultBearerTokenResolver();
            http.oauth2ResourceServer(o -> o
                    .jwt(j -> j.jwtAuthenticationConverter(JwtRoles.converter(properties.jwt())))
                    // API keys travel as bearer tokens too; only JWT-shaped tokens are the identity provider's.
                    .bearerTokenResolver(request -> {
                        String token = bearer.resolve(request);
                        return token != null && ApiKeyFilter.looksLikeJwt(token) ? token : null;
                    })
                    .authenticationEntryPoint(problems)
                    .accessDeniedHandler(problems));
        }
        return http.build();
    }
}
