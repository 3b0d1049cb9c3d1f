package dev.dunning.web;

import dev.dunning.validation.Texts;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Ids in the path are held to what ids in a body are held to ({@code @Identifier}), for every endpoint at once: no
 * control characters ({@code %09}, {@code %1B}, {@code %7F}, {@code %C2%85} are no part of an id), valid Unicode.
 * Some paths never get this far, and are refused as 400 problem+json before any endpoint is chosen, so without the
 * variable's name: Tomcat refuses a NUL ({@code %00}) and bytes that are not UTF-8 ({@code %ED%A0%80}, which would be
 * half a surrogate pair; see TomcatProblemValve), and Spring Security's firewall refuses an encoded line break
 * ({@code %0A}, {@code %0D}).
 */
@Configuration(proxyBeanMethods = false)
class PathIds implements WebMvcConfigurer, HandlerInterceptor {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        @SuppressWarnings("unchecked")
        Map<String, String> variables = (Map<String, String>) request.getAttribute(
                HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        if (variables == null) {
            return true;
        }
        List<FieldProblem> problems = new ArrayList<>();
        variables.forEach((name, value) -> {
            String problem = Texts.notUnicode(value);
            if (problem == null) {
                problem = Texts.notPrintable(value);
            }
            if (problem != null) {
                problems.add(new FieldProblem(name, "the " + name + " in the path " + problem));
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return true;
    }
}
