package dev.dunning.web;

import java.io.IOException;
import java.io.Writer;
import java.util.UUID;
import org.apache.catalina.Container;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;

/**
 * Requests Tomcat refuses before any filter or controller sees them (a NUL or an encoded slash in the path, a
 * malformed header) are answered as problem+json too, instead of Tomcat's HTML page with its version in it.
 */
public class TomcatProblemValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        String detail = status < 500
                ? "The request was refused before it reached the service: its path or headers are malformed"
                : "The service failed to answer this request";
        String json = "{\"type\":\"" + Problems.type(status) + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\",\"traceId\":\"" + UUID.randomUUID() + "\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(json);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException ignored) {
            // the client is gone or the response is already closed: nothing more to say
        }
    }

    /** Installs the valve on the embedded Tomcat's host. */
    @Configuration(proxyBeanMethods = false)
    static class Installation {

        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemValve() {
            return factory -> factory.addContextCustomizers(context -> {
                Container parent = context.getParent();
                if (parent instanceof StandardHost host) {
                    host.setErrorReportValveClass(TomcatProblemValve.class.getName());
                }
            });
        }
    }
}
