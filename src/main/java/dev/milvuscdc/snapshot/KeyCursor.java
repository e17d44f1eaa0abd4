package dev.milvuscdc.snapshot;

import io.milvus.grpc.DataType;

/**
 * Where the copy of a partition stands: every row whose primary key is at most {@code last} has
 * been copied. Milvus 2.3.5 answers {@code pk > last} with a {@code limit} with the smallest keys
 * above {@code last}, in key order, across growing and sealed segments and shards (measured on the
 * rig for int64 and VarChar keys), so pages of that filter visit every key once.
 *
 * @param last the last key copied, a {@code Long} or a {@code String}; null before the first page
 */
public record KeyCursor(DataType keyType, Object last) {

    public KeyCursor {
        if (keyType != DataType.Int64 && keyType != DataType.VarChar) {
            throw new IllegalArgumentException("a primary key is Int64 or VarChar, not " + keyType);
        }
        if (last != null && !(keyType == DataType.Int64 ? last instanceof Long : last instanceof String)) {
            throw new IllegalArgumentException("a " + keyType + " key cannot be " + last.getClass().getSimpleName());
        }
    }

    public static KeyCursor start(DataType keyType) {
        return new KeyCursor(keyType, null);
    }

    /** The cursor after a page whose largest key is {@code key}. */
    public KeyCursor after(Object key) {
        return new KeyCursor(keyType, key);
    }

    /** The query filter of the rows after this cursor; before the first page, of every row. */
    public String filter(String keyField) {
        if (last == null) {
            // Milvus 2.3.5 cannot parse the literal -9223372036854775808 (it negates a positive literal).
            long min = Long.MIN_VALUE + 1;
            return keyType == DataType.Int64 ? keyField + " < " + min + " or " + keyField + " >= " + min
                    : keyField + " >= \"\"";
        }
        return keyType == DataType.Int64 ? keyField + " > " + last : keyField + " > " + quoted((String) last);
    }

    /** The form kept in the task store. */
    public String encoded() {
        if (last == null) {
            return "";
        }
        return keyType == DataType.Int64 ? "i" + last : "s" + last;
    }

    public static KeyCursor decode(DataType keyType, String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return start(keyType);
        }
        String value = encoded.substring(1);
        return switch (encoded.charAt(0)) {
            case 'i' -> new KeyCursor(keyType, Long.parseLong(value));
            case 's' -> new KeyCursor(keyType, value);
            default -> throw new IllegalArgumentException("not a stored key cursor: " + encoded);
        };
    }

    /** A string literal of Milvus's filter language: backslashes and double quotes escaped. */
    static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
