package dev.milvuscdc.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.grpc.DataType;
import org.junit.jupiter.api.Test;

class KeyCursorTest {

    @Test
    void theFirstPageOfInt64KeysCoversTheSmallestKeyWithoutItsLiteral() {
        // Milvus 2.3.5 cannot parse -9223372036854775808 (measured), so the filter spells every key without it.
        assertThat(KeyCursor.start(DataType.Int64).filter("id"))
                .isEqualTo("id < -9223372036854775807 or id >= -9223372036854775807");
    }

    @Test
    void laterPagesStartAfterTheLastKeyCopied() {
        assertThat(KeyCursor.start(DataType.Int64).after(41L).filter("id")).isEqualTo("id > 41");
        assertThat(KeyCursor.start(DataType.VarChar).filter("pk")).isEqualTo("pk >= \"\"");
        assertThat(KeyCursor.start(DataType.VarChar).after("k-9").filter("pk")).isEqualTo("pk > \"k-9\"");
    }

    @Test
    void quotesAndBackslashesInVarCharKeysAreEscaped() {
        assertThat(KeyCursor.start(DataType.VarChar).after("a\"b\\c").filter("pk")).isEqualTo("pk > \"a\\\"b\\\\c\"");
    }

    @Test
    void aStoredCursorReadsBackAsItWas() {
        for (KeyCursor cursor : new KeyCursor[] {KeyCursor.start(DataType.Int64), KeyCursor.start(DataType.Int64).after(-7L),
                KeyCursor.start(DataType.VarChar).after("x,y \"z\""), KeyCursor.start(DataType.VarChar)}) {
            assertThat(KeyCursor.decode(cursor.keyType(), cursor.encoded())).isEqualTo(cursor);
        }
    }

    @Test
    void onlyInt64AndVarCharKeysExist() {
        assertThatThrownBy(() -> KeyCursor.start(DataType.Float)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyCursor.start(DataType.Int64).after("7")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyCursor.decode(DataType.Int64, "x7")).isInstanceOf(IllegalArgumentException.class);
    }
}
