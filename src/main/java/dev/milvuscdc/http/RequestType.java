package dev.milvuscdc.http;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The {@code request_type} values of {@code POST /cdc}, spelled as on the wire. */
enum RequestType {
    CREATE("create"),
    DELETE("delete"),
    PAUSE("pause"),
    RESUME("resume"),
    GET("get"),
    POSITION("position"),
    LIST("list"),
    MAINTENANCE("maintenance");

    static final String INVALID_MESSAGE = "invalid 'request_type' param, can be set "
            + Arrays.stream(values()).map(t -> t.wire).collect(Collectors.joining(" ", "[", "]"));

    final String wire;

    RequestType(String wire) {
        this.wire = wire;
    }

    static Optional<RequestType> of(String wire) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst();
    }
}
