package io.imsystem.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imsystem.message.model.TimelineRepository;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A gateway's batch of acks marks hundreds of (user, message) rows in one statement. Past 200 such
 * ranges the database plans from index statistics unless told otherwise, and with statistics behind
 * the table it scans (and locks) every row of those users; the service's connections are set to look
 * into the index instead ({@code eq_range_index_dive_limit = 0}). The plans are asked of the real database.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimelinePlanTest {

    /** Users of their own, far above the ids the other tests create. */
    private static final long FIRST_USER = 7_000_000_000L;
    private static final int USERS = 300;
    private static final int ROWS_PER_USER = 60;

    @Inject
    DataSource dataSource;

    /**
     * The worst case, as the benchmark met it: statistics taken while these users had one row each
     * (a new deployment, a table that grew since), and 60 rows each now.
     */
    @BeforeAll
    void fillTimelineBehindItsStatistics() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM timeline WHERE user_id >= " + FIRST_USER);
            st.execute("ALTER TABLE timeline STATS_AUTO_RECALC = 0");
            insertRows(st, 1, 1);
            st.execute("ANALYZE TABLE timeline");
            insertRows(st, 2, ROWS_PER_USER);
        }
    }

    private static void insertRows(Statement st, int fromSeq, int toSeq) throws Exception {
        for (int u = 0; u < USERS; u++) {
            StringBuilder sql = new StringBuilder("INSERT INTO timeline (user_id, seq, message_id, peer_id, outgoing, delivered, created_at) VALUES ");
            for (int s = fromSeq; s <= toSeq; s++) {
                sql.append(s == fromSeq ? "" : ",").append('(').append(FIRST_USER + u).append(',').append(s).append(',')
                        .append(messageOf(u, s)).append(",1,0,").append(s % 2).append(",NOW(3))");
            }
            st.executeUpdate(sql.toString());
        }
    }

    @AfterAll
    void emptyTimeline() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM timeline WHERE user_id >= " + FIRST_USER);
            st.execute("ALTER TABLE timeline STATS_AUTO_RECALC = DEFAULT");
            st.execute("ANALYZE TABLE timeline");
        }
    }

    private static long messageOf(int user, int seq) {
        return 9_000_000_000L + (long) user * ROWS_PER_USER + seq;
    }

    /** One acked message per user, 300 pairs: each a point of (user_id, message_id). */
    @Test
    void aBatchOfAcksIsMarkedByIndexNotByScanningItsUsers() throws Exception {
        List<Long> params = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            params.add(FIRST_USER + u);
            params.add(messageOf(u, 7));
        }
        Plan plan = explain(TimelineRepository.markDeliveredSql(USERS), params);
        assertEquals("idx_timeline_message", plan.key(), plan.toString());
        assertTrue(plan.rows() <= 2L * USERS, "rows to read: " + plan);
    }

    @Test
    void theLockOfABatchOfAcksReadsOnlyTheAckedRows() throws Exception {
        List<Long> params = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            params.add(FIRST_USER + u);
            params.add(messageOf(u, 7));
        }
        Plan plan = explain(TimelineRepository.lockUndeliveredSql(Collections.nCopies(USERS, 1)), params);
        assertEquals("idx_timeline_message", plan.key(), plan.toString());
        assertTrue(plan.rows() <= 2L * USERS, "rows to read: " + plan);
    }

    private record Plan(String key, long rows) {
    }

    private Plan explain(String sql, List<Long> params) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setLong(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "a plan");
                return new Plan(rs.getString("key"), rs.getLong("rows"));
            }
        }
    }
}
