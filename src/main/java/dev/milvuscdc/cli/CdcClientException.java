package dev.milvuscdc.cli;

/**
 * A request the server refused or could not be sent. {@code code} is the API's code (400, 405, 500)
 * when the server answered, 0 when it did not.
 */
final class CdcClientException extends Exception {

    private final int code;

    CdcClientException(int code, String message) {
        super(message);
        this.code = code;
    }

    int code() {
        return code;
    }
}
