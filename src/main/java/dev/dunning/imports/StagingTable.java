package dev.dunning.imports;

import java.util.List;

/**
 * Where the checked rows of a file wait for the checks across rows (duplicate ids, unknown customers, conflicts with
 * stored invoices) and for the final upsert: a temporary table of the importing connection, so that it is private to
 * the import, needs no cleanup after a crash, and never holds the whole file in the JVM's memory.
 */
record StagingTable(String name, List<String> columns, String definition) {

    static final StagingTable CUSTOMERS = new StagingTable("import_customers", List.of("line", "id", "name",
            "segment", "country", "language", "time_zone", "currency", "risk_score", "tenure_months", "consent_email",
            "consent_sms", "consent_phone", "consent_letter", "do_not_contact", "vulnerable", "third_party_collection",
            "email", "mobile", "postal_address"),
            """
            line BIGINT NOT NULL PRIMARY KEY, id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL, name VARCHAR(200) NULL,
            segment VARCHAR(20) NOT NULL, country CHAR(2) NOT NULL, language VARCHAR(3) NOT NULL,
            time_zone VARCHAR(64) NOT NULL, currency CHAR(3) NULL, risk_score SMALLINT NOT NULL,
            tenure_months SMALLINT NOT NULL, consent_email BOOLEAN NOT NULL, consent_sms BOOLEAN NOT NULL,
            consent_phone BOOLEAN NOT NULL, consent_letter BOOLEAN NOT NULL, do_not_contact BOOLEAN NOT NULL,
            vulnerable BOOLEAN NOT NULL, third_party_collection BOOLEAN NOT NULL, email VARCHAR(254) NULL,
            mobile VARCHAR(32) NULL, postal_address VARCHAR(500) NULL, KEY (id)""");

    static final StagingTable INVOICES = new StagingTable("import_invoices", List.of("line", "id", "customer_id",
            "number", "currency", "amount", "issue_date", "due_date", "status", "payment_method"),
            """
            line BIGINT NOT NULL PRIMARY KEY, id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,
            customer_id VARCHAR(64) COLLATE utf8mb4_nopad_bin NOT NULL,
            number VARCHAR(64) NOT NULL, currency CHAR(3) NOT NULL, amount DECIMAL(19,4) NOT NULL,
            issue_date DATE NOT NULL, due_date DATE NOT NULL, status VARCHAR(20) NOT NULL,
            payment_method VARCHAR(32) NULL, KEY (id), KEY (customer_id)""");

    static StagingTable of(ImportKind kind) {
        return kind == ImportKind.CUSTOMERS ? CUSTOMERS : INVOICES;
    }

    String create() {
        // The schema's character set, and the ids' collation (V39), so ids compare here exactly as in the stored tables.
        return "CREATE TEMPORARY TABLE " + name + " (" + definition + ") ENGINE = InnoDB";
    }

    String drop() {
        return "DROP TEMPORARY TABLE IF EXISTS " + name;
    }

    /** {@code INSERT INTO name (columns) VALUES (?, ...), (?, ...)} for {@code rows} rows. */
    String insert(int rows) {
        String one = "(" + "?, ".repeat(columns.size() - 1) + "?)";
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(name).append(" (")
                .append(String.join(", ", columns)).append(") VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append(one);
        }
        return sql.toString();
    }
}
