package dev.milvuscdc.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The body of every {@code /cdc} answer: {@code {"code":200,"data":…}} or {@code {"code":…,"message":…}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ApiReply(int code, String message, Object data) {

    static final int OK = 200;
    static final int BAD_REQUEST = 400;
    static final int METHOD_NOT_ALLOWED = 405;
    static final int SERVER_ERROR = 500;

    static ApiReply ok(Object data) {
        return new ApiReply(OK, null, data);
    }

    static ApiReply error(int code, String message) {
        return new ApiReply(code, message, null);
    }
}
