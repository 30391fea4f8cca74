package io.parley.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.parley.api.message.InboxEntry;
import io.parley.api.message.Notify;
import io.parley.api.message.PullResponse;
import io.parley.api.serialization.Serializer;
import io.parley.serialization.internal.GsonSerializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyFitTest {

    private final Serializer json = new GsonSerializer();

    private static List<InboxEntry> entries(int n, String text) {
        List<InboxEntry> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new InboxEntry(i, i, InboxEntry.MSG, "a", "b", null, text, null, 0));
        }
        return out;
    }

    private static JsonObject parsed(byte[] bytes) {
        return JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    @Test
    void aBodyThatFitsIsWrittenAsItIs() {
        PullResponse page = new PullResponse(entries(3, "hi"), false);
        byte[] bytes = BodyFit.write(json, "x", page, 65536, 1);
        assertEquals(new String(json.write("x", page), StandardCharsets.UTF_8), new String(bytes, StandardCharsets.UTF_8));
        assertFalse(parsed(bytes).get("more").getAsBoolean());
    }

    @Test
    void aPageTooLargeIsCutToTheFirstEntriesThatFitAndSaysMore() {
        String text = "\u0001".repeat(4096); // six bytes each in JSON
        byte[] bytes = BodyFit.write(json, "x", new PullResponse(entries(500, text), false), 65536, 1);
        assertTrue(bytes.length <= 65536, bytes.length + " bytes");
        JsonObject body = parsed(bytes);
        assertEquals(2, body.getAsJsonArray("messages").size());
        assertEquals(1, body.getAsJsonArray("messages").get(0).getAsJsonObject().get("seq").getAsLong());
        assertTrue(body.get("more").getAsBoolean());
    }

    @Test
    void anAnswerThatCannotFitEvenWithOneItemIsRefusedAndANoticeLosesItsEntries() {
        String text = "x".repeat(2000);
        assertNull(BodyFit.write(json, "x", new PullResponse(entries(3, text), false), 1000, 1));
        byte[] notice = BodyFit.write(json, null, new Notify(7, entries(1, text)), 1000, 0);
        JsonObject body = parsed(notice);
        assertEquals(7, body.get("seq").getAsLong());
        assertEquals(0, body.getAsJsonArray("messages").size());
    }

    @Test
    void aBodyThatIsNotAListIsNeverCut() {
        assertNull(BodyFit.write(json, "x", new InboxEntry(1, 1, InboxEntry.MSG, "a", "b", null, "y".repeat(100),
                null, 0), 50, 0));
    }
}
