package dev.dunning.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggers made while the server ran with {@code --skip-grant-tables} (every embedded database of an earlier version:
 * the audit tables' append-only triggers among them) have no definer ({@code ``@``}). With the grant tables in force
 * MariaDB refuses to run such a trigger ("the user specified as a definer does not exist"), which would refuse every
 * erasure of personal facts and turn the append-only refusals into a confusing error. Each is made again, unchanged
 * but for its definer, by the database's owner: the same statement, under the same sql_mode and character set.
 */
final class TriggerDefiners {

    private static final Logger log = LoggerFactory.getLogger(TriggerDefiners.class);

    /** {@code CREATE DEFINER=`` TRIGGER}, {@code CREATE DEFINER=`a`@`b` TRIGGER}: the definer clause to leave out. */
    private static final Pattern DEFINER = Pattern.compile("^CREATE\\s+DEFINER\\s*=\\s*(`[^`]*`(@`[^`]*`)?|\\S+)\\s+",
            Pattern.CASE_INSENSITIVE);

    private TriggerDefiners() {}

    static void repair(String url, EmbeddedMariaDb.Account owner) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, owner.user(), owner.password())) {
            List<String> orphaned = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("""
                    SELECT TRIGGER_NAME FROM information_schema.TRIGGERS
                    WHERE TRIGGER_SCHEMA = DATABASE() AND (DEFINER IN ('@', '') OR DEFINER LIKE 'skip-grants%')
                    ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER""");
                    ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    orphaned.add(rs.getString(1));
                }
            }
            for (String trigger : orphaned) {
                recreate(c, trigger);
            }
            if (!orphaned.isEmpty()) {
                log.warn("{} triggers had no definer (made under --skip-grant-tables) and were made again, unchanged, "
                        + "with {} as their definer: {}", orphaned.size(), owner.user(), orphaned);
            }
        }
    }

    private static void recreate(Connection c, String trigger) throws SQLException {
        String statement;
        String sqlMode;
        String charset;
        try (Statement show = c.createStatement();
                ResultSet rs = show.executeQuery("SHOW CREATE TRIGGER `" + trigger.replace("`", "``") + "`")) {
            if (!rs.next()) {
                return;
            }
            sqlMode = rs.getString("sql_mode");
            statement = DEFINER.matcher(rs.getString("SQL Original Statement")).replaceFirst("CREATE ");
            charset = rs.getString("character_set_client");
        }
        try (Statement s = c.createStatement()) {
            String previousMode;
            try (ResultSet rs = s.executeQuery("SELECT @@SESSION.sql_mode")) {
                rs.next();
                previousMode = rs.getString(1);
            }
            try (PreparedStatement mode = c.prepareStatement("SET SESSION sql_mode = ?")) {
                mode.setString(1, sqlMode);
                mode.execute();
            }
            s.execute("SET NAMES " + charset);
            s.execute("DROP TRIGGER `" + trigger.replace("`", "``") + "`");
            try {
                s.execute(statement);
            } catch (SQLException e) {
                log.error("Trigger {} was dropped but could not be made again; make it with: {}", trigger, statement);
                throw e;
            }
            s.execute("SET NAMES utf8mb4");
            try (PreparedStatement mode = c.prepareStatement("SET SESSION sql_mode = ?")) {
                mode.setString(1, previousMode);
                mode.execute();
            }
        }
    }
}
