package dev.dunning.bench;

import com.sun.net.httpserver.HttpServer;
import dev.dunning.dispatch.Signatures;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * The benchmarks' webhook receiver: a JDK HttpServer on 127.0.0.1 that checks every request as a real receiver would
 * (the {@code Dunning-Signature} against the secret, the {@code Idempotency-Key} header against the body's
 * {@code idempotencyKey}), answers 200, and counts calls, calls per target (the path: {@code /SMS}, ...) and distinct
 * idempotency keys, so that "delivered exactly once" can be checked: as many calls as distinct keys, as many keys as
 * entries marked sent.
 */
final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads;
    private final String secret;
    private final LongAdder calls = new LongAdder();
    private final LongAdder bad = new LongAdder();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> perTarget = new ConcurrentHashMap<>();

    private WebhookReceiver(String secret, int threads) throws IOException {
        this.secret = secret;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        this.threads = Executors.newFixedThreadPool(threads);
        server.createContext("/", exchange -> {
            try {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
                if (!valid(exchange.getRequestHeaders().getFirst("Dunning-Signature"), body)
                        || key == null || !body.contains("\"idempotencyKey\":\"" + key + "\"")) {
                    bad.increment();
                }
                if (key != null) {
                    keys.add(key);
                }
                perTarget.computeIfAbsent(exchange.getRequestURI().getPath().substring(1), t -> new LongAdder())
                        .increment();
                calls.increment();
                exchange.sendResponseHeaders(200, -1);
            } finally {
                exchange.close();
            }
        });
        server.setExecutor(this.threads);
    }

    /** Starts a receiver on a free port; {@code threads} answer at once (the dispatcher posts 8 at a time). */
    static WebhookReceiver start(String secret, int threads) throws IOException {
        WebhookReceiver receiver = new WebhookReceiver(secret, threads);
        receiver.server.start();
        return receiver;
    }

    private boolean valid(String signature, String body) {
        try {
            return signature != null && Signatures.verify(secret, signature, body, Instant.now().getEpochSecond(),
                    300);
        } catch (Exception e) {
            return false;
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The URL of a target's webhook, e.g. {@code http://127.0.0.1:PORT/SMS}. */
    String url(String target) {
        return "http://127.0.0.1:" + port() + "/" + target;
    }

    long calls() {
        return calls.sum();
    }

    /** Requests whose signature did not verify, or whose idempotency key was missing or not the body's. */
    long badRequests() {
        return bad.sum();
    }

    Set<String> keys() {
        return Set.copyOf(keys);
    }

    long distinctKeys() {
        return keys.size();
    }

    Map<String, Long> callsPerTarget() {
        Map<String, Long> out = new TreeMap<>();
        perTarget.forEach((t, n) -> out.put(t, n.sum()));
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
