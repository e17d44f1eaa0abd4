package dev.milvuscdc.config;

/** A password or key from the configuration; prints as a mask so it never reaches a log. */
public record Secret(String value) {

    public Secret {
        value = value == null ? "" : value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "" : "******";
    }
}
