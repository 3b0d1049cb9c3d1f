package dev.dunning.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load on a running service (wrk cannot do it, and wrk2 is not packaged by Debian): POSTs a JSON body at a
 * fixed rate over kept-alive HTTP/1.1 connections and reports latency percentiles (docs/benchmarks.md, section 10).
 *
 * <p><b>No coordinated omission:</b> a pacer thread puts each request's due time (start + i / rate) on a queue at that
 * time, whether or not earlier requests were answered; a connection's thread takes the next due time when it is free,
 * sends, reads the whole answer, and records the latency <em>from the due time</em>, not from when it could send. A
 * stall of the service therefore shows as the latency of every request that fell due during it (the way wrk2 corrects
 * it), instead of slowing the load down and hiding in a few slow samples. With {@code connections} too few for the
 * rate the wait shows in the figures as well; the run says how many requests had to wait for a connection. A request
 * not sent within 10 s of its due time is counted as failed (so an overloaded service ends the run, and fails it).
 *
 * <p><b>Connections the service closes:</b> an answer with {@code Connection: close} (Tomcat's after
 * {@code server.tomcat.max-keep-alive-requests}, 100 by default) counts as what it is, and the next request goes on a
 * new connection. A request on a kept-alive connection that the service had already closed (nothing of an answer came
 * back) is sent again once on a new connection, its latency still from its due time; the run says how many were.
 * Anything else that is not a 200 fails the request.
 *
 * <p>A blocking client on plain sockets rather than the JDK's HttpClient: that client's CPU cost per request (about a
 * fifth of the whole request in DecisionLoad) would take the two shared cores from the service it measures.
 *
 * <p>Run (bench/http-evaluate.sh does it with {@code OPEN_LOOP="1000 30"}): {@code java -cp target/test-classes:...
 * dev.dunning.bench.OpenLoopLoad http://127.0.0.1:18080/api/v1/decisions/evaluate KEY 1000 30 32 [body.json]}.
 */
public final class OpenLoopLoad {

    private static final long NO_MORE = Long.MIN_VALUE;
    /** A request this late is not sent but counted as failed (its latency at least this), so an overload ends. */
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(10);

    private OpenLoopLoad() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: OpenLoopLoad <url> <api key> <requests per second> <seconds> <connections> "
                    + "[body file]");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        String key = args[1];
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int connections = Integer.parseInt(args[4]);
        byte[] body = args.length > 5 ? Files.readAllBytes(Path.of(args[5])) : BenchBody.EVALUATE;
        byte[] request = request(uri, key, body);

        Result warmUp = run(uri, request, rate, 10, connections);
        System.out.printf(Locale.ROOT, "warm-up: %d sent, %d answered 200%n", warmUp.sent, warmUp.ok);
        Result result = run(uri, request, rate, seconds, connections);
        System.out.printf(Locale.ROOT, "open-loop POST %s at %d requests/s for %d s over %d connections%n",
                uri.getPath(), rate, seconds, connections);
        System.out.printf(Locale.ROOT, "sent %d, answered 200: %d, other or failed: %d, waited for a connection: %d, "
                + "sent again on a new connection (the service had closed the kept-alive one unread): %d%n",
                result.sent, result.ok, result.failed, result.queued, result.resent);
        System.out.printf(Locale.ROOT, "latency ms from due time: median %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                result.percentile(50), result.percentile(90), result.percentile(99), result.percentile(99.9),
                result.percentile(100));
        System.exit(result.failed == 0 ? 0 : 1);
    }

    static byte[] request(URI uri, String key, byte[] body) {
        String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nX-Api-Key: " + key
                + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    record Result(int sent, int ok, int failed, int queued, int resent, long[] sortedNanos) {
        double percentile(double p) {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
        }
    }

    static Result run(URI uri, byte[] request, int rate, int seconds, int connections) throws Exception {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger queued = new AtomicInteger();
        AtomicInteger idle = new AtomicInteger();
        AtomicInteger resent = new AtomicInteger();
        // Due times with their index; capacity for the whole run, so the pacer never blocks.
        BlockingQueue<long[]> due = new ArrayBlockingQueue<>(total + connections);
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread worker = new Thread(() -> work(uri, request, due, latencies, ok, failed, idle, resent),
                    "load-" + c);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        for (int i = 0; i < total; i++) {
            long at = start + i * interval;
            long wait = at - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (idle.get() == 0) {
                queued.incrementAndGet(); // every connection busy: this one waits, and its latency shows it
            }
            due.add(new long[] {at, i});
        }
        for (int c = 0; c < connections; c++) {
            due.add(new long[] {NO_MORE, -1});
        }
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(60));
        }
        long[] sorted = Arrays.copyOf(latencies, total);
        Arrays.sort(sorted);
        return new Result(total, ok.get(), failed.get(), queued.get(), resent.get(), sorted);
    }

    private static void work(URI uri, byte[] request, BlockingQueue<long[]> due, long[] latencies, AtomicInteger ok,
            AtomicInteger failed, AtomicInteger idle, AtomicInteger resent) {
        Connection connection = null;
        try {
            while (true) {
                idle.incrementAndGet();
                long[] next = due.take();
                idle.decrementAndGet();
                if (next[0] == NO_MORE) {
                    return;
                }
                int status;
                if (System.nanoTime() - next[0] > GIVE_UP_NANOS) {
                    latencies[(int) next[1]] = System.nanoTime() - next[0];
                    failed.incrementAndGet();
                    continue;
                }
                try {
                    if (connection == null) {
                        connection = new Connection(uri);
                    }
                    try {
                        status = connection.exchange(request);
                    } catch (NotAnswered e) {
                        // The service had closed this kept-alive connection before it read the request (it answers
                        // every request it reads): sent again once on a new connection, its latency still counted
                        // from its due time.
                        connection.close();
                        connection = new Connection(uri);
                        resent.incrementAndGet();
                        status = connection.exchange(request);
                    }
                    if (connection.closedByService()) {
                        // Answered, and the service closes the connection after it (Tomcat does after
                        // server.tomcat.max-keep-alive-requests answers): the next request goes on a new one.
                        connection.close();
                        connection = null;
                    }
                } catch (IOException e) {
                    status = -1;
                    if (connection != null) {
                        connection.close();
                    }
                    connection = null;
                }
                latencies[(int) next[1]] = System.nanoTime() - next[0];
                (status == 200 ? ok : failed).incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /**
     * A kept-alive connection the service had closed: the request went out (or failed to) and not one byte came back.
     * Only on a connection that has carried an answer before, so a service that drops every request still fails them.
     */
    static final class NotAnswered extends IOException {
        NotAnswered(String message) {
            super(message);
        }
    }

    /** One kept-alive HTTP/1.1 connection: a request out, the whole answer (length-delimited or chunked) in. */
    static final class Connection {

        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private int answered;
        private boolean closedByService;
        /** Whether any byte of the current answer has come in. */
        private boolean readAny;

        Connection(URI uri) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        /** Whether the last answer said {@code Connection: close}. */
        boolean closedByService() {
            return closedByService;
        }

        int exchange(byte[] request) throws IOException {
            readAny = false;
            String statusLine;
            try {
                out.write(request);
                out.flush();
                statusLine = line();
            } catch (IOException e) {
                if (answered > 0 && !readAny && !(e instanceof SocketTimeoutException)) {
                    throw new NotAnswered("the service had closed the kept-alive connection: " + e.getMessage());
                }
                throw e;
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2) {
                throw new IOException("not an HTTP answer: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].strip(), 16); size > 0;
                        size = Long.parseLong(line().split(";")[0].strip(), 16)) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                throw new IOException("an answer without length");
            }
            answered++;
            closedByService = close;
            return status;
        }

        private void skip(long n) throws IOException {
            long left = n;
            while (left > 0) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed in the middle of an answer");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            int b;
            while ((b = in.read()) >= 0) {
                readAny = true;
                if (b == '\n') {
                    byte[] all = bytes.toByteArray();
                    int end = all.length > 0 && all[all.length - 1] == '\r' ? all.length - 1 : all.length;
                    return new String(all, 0, end, StandardCharsets.ISO_8859_1);
                }
                bytes.write(b);
            }
            throw new IOException("connection closed");
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** The README's example body for {@code POST /api/v1/decisions/evaluate}. */
    static final class BenchBody {
        static final byte[] EVALUATE = ("""
                {"asOf": "2025-03-12T05:30:00Z",
                  "customer": {"id": "C-1", "segment": "CONSUMER", "country": "US", "language": "en",
                    "timeZone": "America/Los_Angeles", "currency": "USD", "riskScore": 40, "tenureMonths": 18,
                    "consents": {"EMAIL": true, "SMS": false, "PHONE": true, "LETTER": true},
                    "doNotContact": false, "vulnerable": false, "thirdPartyCollection": true},
                  "invoices": [{"id": "I-1", "number": "2025-0001", "currency": "USD", "amount": "120.00",
                    "amountPaid": "0.00", "issueDate": "2025-01-15", "dueDate": "2025-03-05", "status": "OPEN",
                    "paymentMethod": "CARD", "failedAttempts": 0}],
                  "contacts": [], "holds": []}""").getBytes(StandardCharsets.UTF_8);

        private BenchBody() {}
    }
}
