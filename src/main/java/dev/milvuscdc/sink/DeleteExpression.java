package dev.milvuscdc.sink;

import io.milvus.grpc.IDs;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@code pk in [...]} delete expressions for primary keys, split so that no expression
 * grows past a bound. VarChar keys are written as Milvus string literals: double-quoted, with
 * backslash, quote and control characters escaped.
 */
final class DeleteExpression {

    static final int MAX_KEYS = 1_000;
    static final int MAX_CHARS = 64 * 1024;

    private DeleteExpression() {
    }

    static List<String> batches(String primaryKeyField, IDs keys) {
        List<String> literals = new ArrayList<>();
        if (keys.hasIntId()) {
            for (long key : keys.getIntId().getDataList()) {
                literals.add(Long.toString(key));
            }
        } else if (keys.hasStrId()) {
            for (String key : keys.getStrId().getDataList()) {
                literals.add(quote(key));
            }
        }
        return split(primaryKeyField, literals);
    }

    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static List<String> split(String field, List<String> literals) {
        List<String> expressions = new ArrayList<>();
        StringBuilder current = null;
        int count = 0;
        for (String literal : literals) {
            if (current != null && (count == MAX_KEYS || current.length() + literal.length() + 2 > MAX_CHARS)) {
                expressions.add(current.append(']').toString());
                current = null;
            }
            if (current == null) {
                current = new StringBuilder(field).append(" in [");
                count = 0;
            } else {
                current.append(',');
            }
            current.append(literal);
            count++;
        }
        if (current != null) {
            expressions.add(current.append(']').toString());
        }
        return expressions;
    }
}
