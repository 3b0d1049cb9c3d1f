package dev.dunning.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON bodies larger than {@code dunning.api.max-json-body} get 413 before any of them is parsed: a body announced as
 * too large is refused unread, and a chunked one is read only up to the limit. Runs before security, so an anonymous
 * caller cannot make the service buffer more than the limit either.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class JsonBodyLimitFilter extends OncePerRequestFilter {

    private final long limit;
    private final JsonMapper json;

    JsonBodyLimitFilter(ApiProperties properties, JsonMapper json) {
        this.limit = properties.maxJsonBody().toBytes();
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null) {
            return true;
        }
        try {
            MediaType media = MediaType.parseMediaType(type);
            return !(media.isCompatibleWith(MediaType.APPLICATION_JSON) || media.getSubtype().endsWith("+json"));
        } catch (org.springframework.util.InvalidMimeTypeException e) {
            return true; // Spring MVC answers the unreadable content type with 415
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > limit) {
            tooLarge(request, response);
            return;
        }
        if (length >= 0) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (body.length > limit) {
            tooLarge(request, response);
            return;
        }
        chain.doFilter(new BufferedBody(request, body), response);
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Tomcat would otherwise try to drain the unread body; closing lets the client stop sending.
        response.setHeader("Connection", "close");
        Problems.write(request, response, json, HttpStatus.CONTENT_TOO_LARGE, Problems.BODY_TOO_LARGE,
                "Request body too large", "The JSON body is larger than the limit of " + limit
                        + " bytes (setting dunning.api.max-json-body); send fewer items per request");
    }

    /** The request with its body read into memory (at most the limit). */
    private static final class BufferedBody extends HttpServletRequestWrapper {

        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already in memory");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
