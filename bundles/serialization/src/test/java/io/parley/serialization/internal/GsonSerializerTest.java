package io.parley.serialization.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.parley.api.ParleyException;
import io.parley.api.account.LoginResponse;
import io.parley.api.account.PasswordChangeRequest;
import io.parley.api.account.RegisterRequest;
import io.parley.api.handler.Empty;
import io.parley.api.serialization.Payload;
import io.parley.api.serialization.RawJson;
import io.parley.protocol.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GsonSerializerTest {

    private final GsonSerializer serializer = new GsonSerializer();

    private Payload parse(String json) {
        return serializer.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertBadRequest(String expectedMessage, Runnable action) {
        ParleyException e = assertThrows(ParleyException.class, action::run);
        assertEquals(Status.BAD_REQUEST, e.status());
        assertEquals(expectedMessage, e.getMessage());
    }

    @Test
    void readsARecordWithAnOptionalFieldLeftOut() {
        Payload p = parse("{\"id\":\"r1\",\"username\":\"alice\",\"password\":\"secret123\"}");
        assertEquals("r1", p.id());
        RegisterRequest r = p.as(RegisterRequest.class);
        assertEquals("alice", r.username());
        assertNull(r.nickname());
    }

    @Test
    void ignoresUnknownFields() {
        RegisterRequest r = parse("{\"id\":\"1\",\"username\":\"a\",\"password\":\"b\",\"future\":[1,2]}")
                .as(RegisterRequest.class);
        assertEquals("a", r.username());
    }

    @Test
    void readsAWireNameThatIsAJavaKeyword() {
        PasswordChangeRequest r = parse("{\"id\":\"1\",\"old\":\"a\",\"new\":\"b\"}").as(PasswordChangeRequest.class);
        assertEquals("b", r.newPassword());
    }

    @Test
    void missingRequiredFieldIsNamed() {
        assertBadRequest("The field 'password' is required.",
                () -> parse("{\"id\":\"1\",\"username\":\"a\"}").as(RegisterRequest.class));
        assertBadRequest("The field 'new' is required.",
                () -> parse("{\"id\":\"1\",\"old\":\"a\"}").as(PasswordChangeRequest.class));
    }

    @Test
    void wrongFieldTypeIsNamed() {
        assertBadRequest("Bad request body: 'username' must be a string, not number.",
                () -> parse("{\"id\":\"1\",\"username\":42,\"password\":\"x\"}").as(RegisterRequest.class));
        assertBadRequest("Bad request body: 'seq' must be a whole number, not string.",
                () -> parse("{\"id\":\"1\",\"seq\":\"42\"}").as(SeqBody.class));
        assertBadRequest("Bad request body: 'seq' must be a whole number in 64-bit range.",
                () -> parse("{\"id\":\"1\",\"seq\":1.5}").as(SeqBody.class));
        assertBadRequest("Bad request body: 'seq' must be a whole number in 64-bit range.",
                () -> parse("{\"id\":\"1\",\"seq\":99999999999999999999}").as(SeqBody.class));
        assertBadRequest("Bad request body: 'on' must be true or false, not string.",
                () -> parse("{\"id\":\"1\",\"on\":\"yes\"}").as(FlagBody.class));
    }

    @Test
    void nullInsideAListIsRefused() {
        assertBadRequest("The list 'members' must not contain null.",
                () -> parse("{\"id\":\"1\",\"members\":[\"a\",null]}").as(MembersBody.class));
    }

    @Test
    void malformedBodiesAreBadRequests() {
        assertBadRequest("The body is not valid JSON.", () -> parse("{\"id\":"));
        assertBadRequest("The body is not valid JSON.", () -> parse("{id:'1'}"));
        assertBadRequest("The body must be a JSON object.", () -> parse(""));
        assertBadRequest("The body must be a JSON object.", () -> parse("[1,2]"));
        assertBadRequest("The body must be a JSON object.", () -> parse("\"hi\""));
        assertBadRequest("The body is not valid JSON.", () -> parse("{\"id\":\"1\"} {}"));
        assertBadRequest("The body is not valid UTF-8.",
                () -> serializer.parse(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}));
    }

    @Test
    void idMustBeAShortString() {
        assertBadRequest("Every request needs an 'id'.", () -> parse("{}").id());
        assertBadRequest("'id' must be a string.", () -> parse("{\"id\":7}").id());
        assertBadRequest("'id' must be 1 to 64 characters.", () -> parse("{\"id\":\"\"}").id());
        assertBadRequest("'id' must be 1 to 64 characters.", () -> parse("{\"id\":\"" + "x".repeat(65) + "\"}").id());
        assertEquals("x".repeat(64), parse("{\"id\":\"" + "x".repeat(64) + "\"}").id());
    }

    @Test
    void writesIdFirstAndTheRecordAfter() {
        String json = new String(serializer.write("7", new LoginResponse(3, "tok", 10, 4)), StandardCharsets.UTF_8);
        assertEquals("{\"id\":\"7\",\"userId\":3,\"token\":\"tok\",\"seq\":10,\"acked\":4}", json);
        assertEquals("{\"id\":\"8\"}", new String(serializer.write("8", Empty.INSTANCE), StandardCharsets.UTF_8));
        assertEquals("{\"seq\":5}", new String(serializer.write(null, new SeqBody(5L)), StandardCharsets.UTF_8));
    }

    @Test
    void unicodeRoundTripsIncludingFourByteCharacters() {
        String nick = "Zoë 😀 <b>&";
        byte[] out = serializer.write("1", new RegisterRequest("u", "p", nick));
        assertEquals(nick, serializer.parse(out).as(RegisterRequest.class).nickname());
    }

    @Test
    void rawJsonIsWrittenAsJsonAndReadBackAsText() {
        String json = new String(serializer.write(null, new EventBody(new RawJson("{\"type\":\"joined\",\"members\":[\"a\"]}"))),
                StandardCharsets.UTF_8);
        assertEquals("{\"event\":{\"type\":\"joined\",\"members\":[\"a\"]}}", json);
        assertEquals("{\"type\":\"x\"}", parse("{\"id\":\"1\",\"event\":{\"type\":\"x\"}}").as(EventBody.class).event().json());
    }

    record EventBody(RawJson event) {
    }

    record SeqBody(Long seq) {
    }

    record FlagBody(Boolean on) {
    }

    record MembersBody(List<String> members) {
    }
}
