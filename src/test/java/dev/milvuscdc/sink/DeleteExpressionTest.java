package dev.milvuscdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.grpc.IDs;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.StringArray;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DeleteExpressionTest {

    @Test
    void int64KeysBecomeOneInList() {
        IDs keys = IDs.newBuilder().setIntId(LongArray.newBuilder().addData(1).addData(-2).addData(Long.MAX_VALUE)).build();
        assertThat(DeleteExpression.batches("id", keys)).containsExactly("id in [1,-2,9223372036854775807]");
    }

    @Test
    void varcharKeysAreQuotedAndEscaped() {
        IDs keys = IDs.newBuilder().setStrId(StringArray.newBuilder().addAllData(List.of("a\"b", "c\\d", "e\nf", "\u0001"))).build();
        assertThat(DeleteExpression.batches("pk", keys)).containsExactly("pk in [\"a\\\"b\",\"c\\\\d\",\"e\\nf\",\"\\u0001\"]");
    }

    @Test
    void manyKeysAreSplitIntoBoundedBatches() {
        IDs keys = IDs.newBuilder().setIntId(LongArray.newBuilder().addAllData(
                LongStream.range(0, 2_500).boxed().toList())).build();
        List<String> batches = DeleteExpression.batches("id", keys);
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0)).startsWith("id in [0,1,").endsWith(",999]");
        assertThat(batches.get(2)).startsWith("id in [2000,").endsWith(",2499]");
    }

    @Test
    void longVarcharKeysAreSplitByLength() {
        String big = "x".repeat(20_000);
        IDs keys = IDs.newBuilder().setStrId(StringArray.newBuilder().addAllData(List.of(big, big, big, big))).build();
        List<String> batches = DeleteExpression.batches("pk", keys);
        assertThat(batches).hasSize(2).allSatisfy(b -> assertThat(b.length()).isLessThanOrEqualTo(DeleteExpression.MAX_CHARS + 20));
    }

    @Test
    void noKeysNoExpression() {
        assertThat(DeleteExpression.batches("id", IDs.getDefaultInstance())).isEmpty();
    }
}
