package dev.milvuscdc.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JdbcSchemaTest {

    @Test
    void h2UpsertsWithItsOwnMergeWhichUpdatesFirstInsteadOfCatchingADuplicateKey() {
        assertThat(JdbcSchema.Dialect.H2.upsert("t", List.of("a", "b"), List.of("c", "d"), List.of("?", "?", "?", "now + ?")))
                .isEqualTo("MERGE INTO t (a, b, c, d) KEY (a, b) VALUES (?, ?, ?, now + ?)");
    }

    @Test
    void mysqlUpsertsWithOnDuplicateKeyUpdateOfTheOtherColumns() {
        assertThat(JdbcSchema.Dialect.MYSQL.upsert("t", List.of("a", "b"), List.of("c", "d"), List.of("?", "?", "?", "?")))
                .isEqualTo("INSERT INTO t (a, b, c, d) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE c = VALUES(c), d = VALUES(d)");
    }
}
