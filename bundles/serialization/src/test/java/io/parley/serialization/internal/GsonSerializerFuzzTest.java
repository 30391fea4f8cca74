package io.parley.serialization.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.parley.api.ParleyException;
import io.parley.api.account.LoginRequest;
import io.parley.api.account.RegisterRequest;
import io.parley.api.friend.FriendListRequest;
import io.parley.api.group.GroupCreateRequest;
import io.parley.api.group.GroupInfoRequest;
import io.parley.api.message.HistoryRequest;
import io.parley.api.message.PullRequest;
import io.parley.api.message.SendRequest;
import io.parley.api.serialization.Payload;
import io.parley.protocol.Status;

/**
 * Any bytes as a request body: the serializer parses them into the request records or answers BAD_REQUEST,
 * and never throws anything else. Regression inputs in src/test/resources; {@code mvn -Pfuzz} fuzzes.
 */
class GsonSerializerFuzzTest {

    private static final Class<?>[] BODIES = {LoginRequest.class, RegisterRequest.class, SendRequest.class,
        PullRequest.class, HistoryRequest.class, GroupCreateRequest.class, GroupInfoRequest.class,
        FriendListRequest.class};

    private final GsonSerializer serializer = new GsonSerializer();

    @FuzzTest(maxDuration = "20s")
    void anyBodyIsARequestOrABadRequest(byte[] input) {
        Payload payload;
        String id;
        try {
            payload = serializer.parse(input);
            id = payload.id();
        } catch (ParleyException e) {
            assertEquals(Status.BAD_REQUEST, e.status(), e.getMessage());
            return;
        }
        assertTrue(id.length() >= 1 && id.length() <= 64, id);
        for (Class<?> body : BODIES) {
            try {
                Object parsed = payload.as(body);
                // What was read is written again: no body the server accepts breaks its own writer.
                serializer.write(id, parsed);
            } catch (ParleyException e) {
                assertEquals(Status.BAD_REQUEST, e.status(), e.getMessage());
            }
        }
    }
}
