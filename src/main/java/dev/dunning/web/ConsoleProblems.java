package dev.dunning.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.ui.ExtendedModelMap;
import org.springframework.ui.Model;
import org.springframework.web.ErrorResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * Every failure of a console request becomes the console's problem page: its title, its detail and the trace id that
 * finds it in the log, never a stack trace, the white-label page or the API's JSON. An htmx request gets the problem
 * as a fragment, placed (HX-Retarget) in the page's problem area instead of the part it meant to replace. Ahead of
 * the controller advices, which answer the API's requests in problem+json.
 */
@Component
class ConsoleProblems implements HandlerExceptionResolver, Ordered {

    private static final Logger log = LoggerFactory.getLogger(ConsoleProblems.class);

    private final MessageSource messages;

    ConsoleProblems(MessageSource messages) {
        this.messages = messages;
    }

    @Override
    public int getOrder() {
        return 0; // after DefaultErrorAttributes (which only records the error), before Spring MVC's resolvers
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception ex) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!isConsole(path)) {
            return null;
        }
        HttpStatusCode status;
        String title;
        String detail;
        if (ex instanceof InvalidRequestException invalid) {
            status = HttpStatus.BAD_REQUEST;
            title = text(request, "problem.invalid.title");
            detail = String.join("; ", invalid.problems().stream().map(p -> p.field() + ": " + p.message()).toList());
        } else if (ex instanceof NotFoundException notFound) {
            status = HttpStatus.NOT_FOUND;
            title = text(request, "problem.notFound.title");
            detail = notFound.getMessage();
        } else if (ex instanceof ErrorResponse error && error.getStatusCode().is4xxClientError()) {
            status = error.getStatusCode();
            title = text(request, "problem.http." + status.value() + ".title", error.getBody().getTitle());
            detail = text(request, "problem.http." + status.value() + ".detail", error.getBody().getDetail());
        } else {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            log.error("Console request {} {} failed (trace id {})", request.getMethod(), path,
                    TraceIdFilter.of(request), ex);
            title = text(request, "problem.internal.title");
            detail = text(request, "problem.internal.detail");
        }
        response.setStatus(status.value());
        ExtendedModelMap model = new ExtendedModelMap();
        String view = render(request, response, model, title, detail, List.of(), path);
        return new ModelAndView(view, model, status);
    }

    static boolean isConsole(String path) {
        return path.equals("/console") || path.startsWith("/console/");
    }

    /** Shows a problem whose title and detail are message keys of the console's bundles. */
    static String show(HttpServletRequest request, HttpServletResponse response, Model model, HttpStatus status,
            String titleKey, String detailKey, List<String> more, String path) {
        MessageSource messages = RequestContextUtils.findWebApplicationContext(request);
        var locale = RequestContextUtils.getLocale(request);
        return render(request, response, model, messages.getMessage(titleKey, null, titleKey, locale),
                messages.getMessage(detailKey, null, detailKey, locale), more == null ? List.of() : more, path);
    }

    private static String render(HttpServletRequest request, HttpServletResponse response, Model model, String title,
            String detail, List<String> more, String path) {
        ConsoleModel.addTo(model, request);
        model.addAttribute("problemTitle", title);
        model.addAttribute("problemDetail", detail);
        model.addAttribute("problemMore", more);
        model.addAttribute("problemPath", path);
        model.addAttribute("traceId", TraceIdFilter.of(request));
        model.addAttribute("status", response.getStatus());
        if ("true".equals(request.getHeader("HX-Request"))) {
            response.setHeader("HX-Retarget", "#problem");
            response.setHeader("HX-Reswap", "innerHTML");
            return "console/problem :: problem";
        }
        return "console/problem";
    }

    private String text(HttpServletRequest request, String key) {
        return messages.getMessage(key, null, key, RequestContextUtils.getLocale(request));
    }

    private String text(HttpServletRequest request, String key, String fallback) {
        return messages.getMessage(key, null, fallback == null ? key : fallback, RequestContextUtils.getLocale(request));
    }
}
