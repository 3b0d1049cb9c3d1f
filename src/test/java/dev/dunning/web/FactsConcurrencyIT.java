package dev.dunning.web;

import static dev.dunning.web.Api.customerJson;
import static dev.dunning.web.Api.invoiceJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectMapper;

/** Concurrent writes of one invoice over HTTP leave one consistent row and never surface a lock conflict as a 500. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FactsConcurrencyIT {

    static final int ITERATIONS = 60;
    static final int PAYMENTS = 30;

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    JdbcClient jdbc;

    @Test
    void concurrentUpsertsAndPaymentsOfOneInvoiceLeaveOneConsistentRow() throws Exception {
        Api api = new Api(port, json);
        String customer = "CONC-" + UUID.randomUUID();
        api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR"));
        String invoiceId = customer + "-1";
        String path = "/api/v1/invoices/" + invoiceId;
        Set<BigDecimal> written = ConcurrentHashMap.newKeySet();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> writers = new ArrayList<>();
        try {
            // Two writers upsert the same invoice (the first PUTs race to create it), each with its own amounts...
            for (int writer = 1; writer <= 2; writer++) {
                int base = writer * 1000;
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < ITERATIONS; i++) {
                        String amount = (base + i) + ".25";
                        written.add(new BigDecimal(amount));
                        int status = api.put(path, invoiceJson(customer, "EUR", amount, "2025-01-15", "2025-02-14"))
                                .statusCode();
                        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            // ...while a third records payments of 1.00 as soon as the invoice exists.
            writers.add(pool.submit(() -> {
                start.await();
                int paid = 0;
                while (paid < PAYMENTS) {
                    int status = api.post(path + "/payments", "{\"amount\": \"1.00\", \"currency\": \"EUR\"}")
                            .statusCode();
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    if (status == 201) {
                        paid++;
                    }
                }
                return null;
            }));
            start.countDown();
            for (Future<?> f : writers) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        // Only 200/201, and 404 for payments that came before the first PUT: never a 500 from a deadlock.
        assertThat(statuses.keySet()).isSubsetOf(200, 201, 404);
        assertThat(statuses.get(201).get()).isEqualTo(1 + PAYMENTS); // one creation, every payment once
        var row = jdbc.sql("SELECT amount, amount_paid, status FROM invoices WHERE id = ?").param(invoiceId)
                .query((rs, n) -> new Object[] {rs.getBigDecimal(1), rs.getBigDecimal(2), rs.getString(3)}).list();
        assertThat(row).hasSize(1);
        BigDecimal amount = (BigDecimal) row.get(0)[0];
        assertThat(written).anySatisfy(w -> assertThat(w).isEqualByComparingTo(amount));
        BigDecimal sumOfPayments = jdbc.sql("SELECT SUM(amount) FROM payments WHERE invoice_id = ?").param(invoiceId)
                .query(BigDecimal.class).single();
        assertThat((BigDecimal) row.get(0)[1]).isEqualByComparingTo(sumOfPayments).isEqualByComparingTo("30");
        assertThat(row.get(0)[2]).isEqualTo("PARTIALLY_PAID");
    }
}
