package dev.dunning.security;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A person signed in to the console over plain HTTP: the session cookie and the CSRF token of its pages. */
public record ConsoleSession(String cookie, String csrf) {

    static final ConsoleSession NONE = new ConsoleSession(null, null);
    private static final Pattern SESSION = Pattern.compile("DUNNING_CONSOLE=([^;]+)");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    /** Signs in through the login form, as a browser would: its CSRF token, then the form post. */
    static ConsoleSession signIn(Http http, String name, String password) {
        HttpResponse<String> page = http.send("GET", "/console/login", null, null, null, null);
        String cookie = sessionCookieOf(page);
        String csrf = csrfTokenOf(page.body());
        String form = "username=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + csrf;
        HttpResponse<String> signedIn = http.send("POST", "/console/login", "Cookie", "DUNNING_CONSOLE=" + cookie,
                "application/x-www-form-urlencoded", form);
        if (signedIn.statusCode() != 302 || signedIn.headers().firstValue("Location").orElse("").contains("error")) {
            throw new IllegalStateException("sign-in as " + name + " failed: " + signedIn.statusCode() + " "
                    + signedIn.headers().map());
        }
        String session = sessionCookieOf(signedIn);
        HttpResponse<String> home = http.send("GET", "/console", "Cookie", "DUNNING_CONSOLE=" + session, null, null);
        return new ConsoleSession(session, csrfTokenOf(home.body()));
    }

    /** A request with this session (and its CSRF token as htmx sends it); none for {@link #NONE}. */
    HttpResponse<String> send(Http http, String method, String path) {
        if (cookie == null) {
            return http.send(method, path, null, null, null, null);
        }
        return http.send(method, path, java.util.Map.of("Cookie", "DUNNING_CONSOLE=" + cookie, "X-CSRF-TOKEN", csrf));
    }

    static boolean isDenied(HttpResponse<String> response) {
        return response.statusCode() == 401 || response.statusCode() == 403 || isLoginRedirect(response);
    }

    static boolean isLoginRedirect(HttpResponse<String> response) {
        return response.statusCode() == 302
                && response.headers().firstValue("Location").orElse("").contains("/console/login");
    }

    /** The console's session cookie a response sets (also for the benchmarks that sign in as a browser does). */
    public static String sessionCookieOf(HttpResponse<String> response) {
        for (String header : response.headers().allValues("Set-Cookie")) {
            Matcher m = SESSION.matcher(header);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new IllegalStateException("no session cookie in " + response.headers().map());
    }

    /** The CSRF token a console page carries in its forms. */
    public static String csrfTokenOf(String page) {
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token in the page");
        }
        return m.group(1);
    }
}
