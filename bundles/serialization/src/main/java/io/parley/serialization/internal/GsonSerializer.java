package io.parley.serialization.internal;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.parley.api.ParleyException;
import io.parley.api.serialization.OptionalField;
import io.parley.api.serialization.Payload;
import io.parley.api.serialization.Serializer;
import io.parley.api.serialization.WireName;
import io.parley.serialization.ParleyGson;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** The {@link Serializer} service: strict JSON objects in, JSON objects with {@code id} first out. */
@Component(service = Serializer.class)
public final class GsonSerializer implements Serializer {

    static final int MAX_ID_LENGTH = 64;

    private final Gson gson = ParleyGson.create();

    @Override
    public Payload parse(byte[] body) {
        String text = decodeUtf8(body);
        JsonElement element;
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw ParleyException.badRequest("The body has text after the JSON object.");
            }
        } catch (JsonParseException | IOException | IllegalStateException e) {
            throw ParleyException.badRequest("The body is not valid JSON.");
        }
        if (!element.isJsonObject()) {
            throw ParleyException.badRequest("The body must be a JSON object.");
        }
        return new GsonPayload(element.getAsJsonObject());
    }

    @Override
    public byte[] write(String id, Object body) {
        // Streamed rather than built as a tree, so RawJson values can be written through as they are.
        String json = body == null ? "{}" : gson.toJson(body);
        if (!json.startsWith("{")) {
            throw new IllegalArgumentException("a body must serialize to a JSON object: " + body.getClass());
        }
        if (id != null) {
            String rest = json.substring(1).trim();
            json = "{\"id\":" + gson.toJson(id) + (rest.equals("}") ? "}" : "," + rest);
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String decodeUtf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ParleyException.badRequest("The body is not valid UTF-8.");
        }
    }

    private final class GsonPayload implements Payload {
        private final JsonObject json;

        GsonPayload(JsonObject json) {
            this.json = json;
        }

        @Override
        public String id() {
            JsonElement id = json.get("id");
            if (id == null || id.isJsonNull()) {
                throw ParleyException.badRequest("Every request needs an 'id'.");
            }
            if (!id.isJsonPrimitive() || !id.getAsJsonPrimitive().isString()) {
                throw ParleyException.badRequest("'id' must be a string.");
            }
            String value = id.getAsString();
            if (value.isEmpty() || value.length() > MAX_ID_LENGTH) {
                throw ParleyException.badRequest("'id' must be 1 to " + MAX_ID_LENGTH + " characters.");
            }
            return value;
        }

        @Override
        public <T> T as(Class<T> type) {
            T value;
            try {
                value = gson.fromJson(json, type);
            } catch (JsonParseException e) {
                String reason = e.getMessage() != null && e.getMessage().startsWith("'")
                        ? e.getMessage() : "a field has the wrong type";
                throw ParleyException.badRequest("Bad request body: " + reason + ".");
            }
            requirePresent(value);
            return value;
        }
    }

    /** Gson leaves missing fields null; only {@link OptionalField} components may be. */
    static void requirePresent(Object record) {
        if (record == null || !record.getClass().isRecord()) {
            return;
        }
        for (ComponentCheck component : COMPONENTS.get(record.getClass())) {
            Object value;
            try {
                value = component.accessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (value == null) {
                if (!component.optional()) {
                    throw ParleyException.badRequest("The field '" + component.name() + "' is required.");
                }
            } else if (value instanceof Collection<?> items && items.contains(null)) {
                throw ParleyException.badRequest("The list '" + component.name() + "' must not contain null.");
            }
        }
    }

    /**
     * A record's components, looked up once per class: {@code getRecordComponents()} copies them, with fresh
     * accessors that start out slow, on every call (it was 5 % of the server's CPU at peak).
     */
    private static final ClassValue<List<ComponentCheck>> COMPONENTS = new ClassValue<>() {
        @Override
        protected List<ComponentCheck> computeValue(Class<?> type) {
            return Arrays.stream(type.getRecordComponents())
                    .map(c -> new ComponentCheck(c.getAccessor(), wireName(c), c.isAnnotationPresent(OptionalField.class)))
                    .toList();
        }
    };

    private record ComponentCheck(Method accessor, String name, boolean optional) {
    }

    private static String wireName(RecordComponent component) {
        WireName name = component.getAnnotation(WireName.class);
        return name != null ? name.value() : component.getName();
    }
}
