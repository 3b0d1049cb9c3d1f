package dev.dunning.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The open-loop load tool against a real HTTP/1.1 server on a socket that closes connections the ways Tomcat does:
 * every answer that was given counts, and only requests the server never answered fail.
 */
class OpenLoopLoadTest {

    private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

    @Test
    void countsTheAnswerThatClosesAKeptAliveConnectionAndGoesOnOnANewOne() throws Exception {
        try (Server server = new Server(3, true)) {
            OpenLoopLoad.Result result = OpenLoopLoad.run(server.uri(), request(server), 200, 1, 2);

            assertThat(result.ok()).isEqualTo(200);
            assertThat(result.failed()).isZero();
            assertThat(result.resent()).isZero();
            assertThat(server.requests.get()).isEqualTo(200);
            assertThat(server.connections.get()).isGreaterThanOrEqualTo(200 / 3);
        }
    }

    @Test
    void sendsARequestAgainWhenTheServerHadClosedTheIdleConnectionUnread() throws Exception {
        try (Server server = new Server(3, false)) {
            OpenLoopLoad.Result result = OpenLoopLoad.run(server.uri(), request(server), 200, 1, 2);

            assertThat(result.ok()).isEqualTo(200);
            assertThat(result.failed()).isZero();
            assertThat(result.resent()).isPositive();
            // Each request was read and answered once: none that was resent had been read before.
            assertThat(server.requests.get()).isEqualTo(200);
        }
    }

    @Test
    void failsEveryRequestOfAServerThatNeverAnswers() throws Exception {
        try (Server server = new Server(0, false)) {
            OpenLoopLoad.Result result = OpenLoopLoad.run(server.uri(), request(server), 100, 1, 2);

            assertThat(result.ok()).isZero();
            assertThat(result.failed()).isEqualTo(100);
            assertThat(result.resent()).isZero();
        }
    }

    private static byte[] request(Server server) {
        return OpenLoopLoad.request(server.uri(), "key", BODY);
    }

    /**
     * Answers {@code answersPerConnection} requests on each connection, then closes it: with {@code Connection: close}
     * on the last answer (as Tomcat after max-keep-alive-requests), or without a word once that answer is out (as a
     * keep-alive time-out), so that the client's next request on it is never read. Zero: closes each connection unread.
     */
    private static final class Server implements AutoCloseable {

        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger connections = new AtomicInteger();
        private final ServerSocket socket;
        private final int answersPerConnection;
        private final boolean saysClose;

        Server(int answersPerConnection, boolean saysClose) throws IOException {
            this.answersPerConnection = answersPerConnection;
            this.saysClose = saysClose;
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "test-http-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/evaluate");
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    connections.incrementAndGet();
                    Thread serve = new Thread(() -> serve(client), "test-http-serve");
                    serve.setDaemon(true);
                    serve.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket client) {
            try (client) {
                InputStream in = new BufferedInputStream(client.getInputStream());
                OutputStream out = client.getOutputStream();
                if (answersPerConnection == 0) {
                    readRequest(in);
                    return;
                }
                for (int i = 1; i <= answersPerConnection; i++) {
                    if (!readRequest(in)) {
                        return;
                    }
                    requests.incrementAndGet();
                    boolean last = i == answersPerConnection;
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                            + (last && saysClose ? "Connection: close\r\n" : "") + "\r\n{}")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        /** Reads one request (head and Content-Length body); false if the connection ended first. */
        private static boolean readRequest(InputStream in) throws IOException {
            int length = 0;
            for (String line = line(in); line != null; line = line(in)) {
                if (line.isEmpty()) {
                    in.readNBytes(length);
                    return true;
                }
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring(15).strip());
                }
            }
            return false;
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n') {
                    return bytes.toString(StandardCharsets.US_ASCII).stripTrailing();
                }
                bytes.write(b);
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
