package dev.dunning.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain requests with explicit credentials (or none), for the tests of access control itself. */
final class Http {

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    Http(int port) {
        this.port = port;
    }

    /** A request with this header (e.g. {@code X-Api-Key}) or with none when name is null. */
    HttpResponse<String> send(String method, String path, String headerName, String headerValue, String contentType,
            String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header(TestCredentials.NO_CREDENTIALS, "true")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headerName != null) {
            request.header(headerName, headerValue);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    /** A request without a body and with these headers. */
    HttpResponse<String> send(String method, String path, java.util.Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header(TestCredentials.NO_CREDENTIALS, "true")
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    HttpResponse<String> withKey(String method, String path, String key) {
        return send(method, path, ApiKeyFilter.HEADER, key, null, null);
    }

    HttpResponse<String> anonymous(String method, String path) {
        return send(method, path, null, null, null, null);
    }
}
