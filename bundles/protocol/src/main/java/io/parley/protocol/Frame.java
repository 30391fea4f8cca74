package io.parley.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One Parley frame: the header fields and the raw body (UTF-8 JSON, or empty).
 *
 * @param sign   {@link Sign#REQUEST}, {@link Sign#RESPONSE} or {@link Sign#NOTICE}
 * @param type   command code, 0..255
 * @param status 0 in requests and notices; a {@link Status} code in responses
 * @param body   the body bytes; never null, possibly empty
 */
public record Frame(int sign, int type, int status, byte[] body) {

    /** The two bytes every frame starts with: "PL". */
    public static final int MAGIC = 0x504C;

    /** Size of the fixed header: magic (2), sign (1), type (1), status (1), length (4). */
    public static final int HEADER_LENGTH = 9;

    /** The default maximum body length in bytes. */
    public static final int DEFAULT_MAX_BODY = 65536;

    public Frame {
        Objects.requireNonNull(body, "body");
        if (sign < 0 || sign > 255 || type < 0 || type > 255 || status < 0 || status > 255) {
            throw new IllegalArgumentException("sign, type and status are unsigned bytes");
        }
    }

    public static Frame request(int type, byte[] body) {
        return new Frame(Sign.REQUEST, type, 0, body);
    }

    public static Frame response(int type, Status status, byte[] body) {
        return new Frame(Sign.RESPONSE, type, status.code(), body);
    }

    public static Frame notice(int type, byte[] body) {
        return new Frame(Sign.NOTICE, type, 0, body);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.sign == sign && f.type == type && f.status == status
                && java.util.Arrays.equals(f.body, body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sign, type, status, java.util.Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "Frame[sign=" + sign + ", type=" + Types.name(type) + ", status=" + status + ", body="
                + body.length + " bytes]";
    }
}
