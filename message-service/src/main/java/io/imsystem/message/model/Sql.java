package io.imsystem.message.model;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/** Helpers for the multi-row statements that group writes use instead of one round trip per member. */
final class Sql {

    private Sql() {
    }

    /** {@code ?, ?, ?} with {@code n} placeholders. */
    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** Binds {@code values} from parameter {@code first} on; answers the next free parameter index. */
    static int bind(PreparedStatement ps, int first, List<Long> values) throws SQLException {
        int i = first;
        for (long v : values) {
            ps.setLong(i++, v);
        }
        return i;
    }
}
