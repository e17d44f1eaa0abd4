package dev.milvuscdc.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns request bodies into typed requests with the reference's decoding rules: snake_case keys,
 * matched case-insensitively; unknown keys ignored; no weak typing ({@code "port":"19530"} fails),
 * though a JSON number with a fraction is accepted for an integer field.
 */
final class RequestDecoder {

    /** Our class names say nothing to a caller: {@code `dev.milvuscdc.task.TaskSpec$Sasl`} becomes {@code `Sasl`}. */
    private static final Pattern JAVA_TYPE = Pattern.compile("(?:dev\\.milvuscdc|java\\.lang|java\\.util)\\.(?:[\\w]+[.$])*(\\w+)");

    private static final Pattern COERCION_HINT = Pattern.compile(" \\(but (?:might|could) if coercion.*?\\)");

    private final ObjectMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .withCoercionConfig(LogicalType.Textual, textual -> {
                textual.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
                textual.setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
                textual.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
            })
            .build();

    /** The request envelope: {@code request_type} and the still undecoded {@code request_data}. */
    record Envelope(String requestType, JsonNode requestData) {
    }

    /** @throws DecodeException with the parser's explanation */
    Envelope envelope(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (IOException e) {
            throw new DecodeException(describe(e));
        }
        if (root == null || !root.isObject()) {
            throw new DecodeException("the body must be a JSON object {\"request_type\":…,\"request_data\":{…}}");
        }
        JsonNode type = field(root, "request_type");
        if (type != null && !type.isNull() && !type.isTextual()) {
            throw new DecodeException("request_type: expected a string, got " + type.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        JsonNode data = field(root, "request_data");
        return new Envelope(type == null || type.isNull() ? "" : type.asText(),
                data == null || data.isNull() ? JsonNodeFactory.instance.objectNode() : data);
    }

    /** The value of a key of the envelope, matched exactly or else ignoring case, as Go's decoder does. */
    private static JsonNode field(JsonNode root, String name) {
        JsonNode exact = root.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String candidate = names.next();
            if (candidate.equalsIgnoreCase(name)) {
                return root.get(candidate);
            }
        }
        return null;
    }

    /** @throws DecodeException naming the offending key and what was wrong with it */
    <T> T decode(JsonNode data, Class<T> type) {
        try {
            return mapper.treeToValue(data, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new DecodeException(describe(e));
        }
    }

    private static String describe(Exception e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String path = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            return "'" + path + "': " + firstLine(mapping.getOriginalMessage());
        }
        if (e instanceof JsonProcessingException processing) {
            String location = processing.getLocation() == null ? ""
                    : " (line " + processing.getLocation().getLineNr() + ", column " + processing.getLocation().getColumnNr() + ")";
            return firstLine(processing.getOriginalMessage()) + location;
        }
        return firstLine(e.getMessage());
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "invalid input";
        }
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        return JAVA_TYPE.matcher(COERCION_HINT.matcher(line).replaceAll("")).replaceAll("$1");
    }

    /** The body or its {@code request_data} is not what the request type needs. */
    static final class DecodeException extends RuntimeException {
        DecodeException(String message) {
            super(message);
        }
    }
}
