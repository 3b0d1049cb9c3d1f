package dev.dunning.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document (/v3/api-docs, Swagger UI at /swagger-ui.html): springdoc describes every endpoint from the
 * controllers; this adds the title and the two ways to authenticate (docs/security.md).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiDocument {

    @Bean
    OpenAPI dunningOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Dunning Decision Service").version("v1")
                        .description("Decides the next dunning action per customer and explains it. Errors are RFC "
                                + "9457 problem+json with a stable type and the request's traceId. Roles per endpoint: "
                                + "docs/security.md."))
                .components(new Components()
                        .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-Api-Key")
                                .description("An API key (also accepted as Authorization: Bearer <key>)"))
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").bearerFormat("JWT")
                                .description("A JWT of the configured identity provider, when JWT sign-in is on")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
