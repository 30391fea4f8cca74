package io.parley.serialization;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.parley.api.serialization.RawJson;
import io.parley.api.serialization.WireName;
import java.io.IOException;
import java.math.BigDecimal;

/** Builds the Gson instance every Parley body goes through. */
public final class ParleyGson {

    private ParleyGson() {
    }

    public static Gson create() {
        return new GsonBuilder()
                .setStrictness(Strictness.STRICT)
                .disableHtmlEscaping()
                .setFieldNamingStrategy(field -> {
                    WireName name = field.getAnnotation(WireName.class);
                    return name != null ? name.value() : FieldNamingPolicy.IDENTITY.translateName(field);
                })
                .registerTypeAdapter(String.class, STRING.nullSafe())
                .registerTypeAdapter(Integer.class, INTEGER.nullSafe())
                .registerTypeAdapter(int.class, INTEGER)
                .registerTypeAdapter(Long.class, LONG.nullSafe())
                .registerTypeAdapter(long.class, LONG)
                .registerTypeAdapter(Boolean.class, BOOLEAN.nullSafe())
                .registerTypeAdapter(boolean.class, BOOLEAN)
                .registerTypeAdapter(RawJson.class, RAW_JSON.nullSafe())
                .create();
    }

    /** The field a reader is at, as a client would name it: "username", "members[2]". */
    public static String field(String jsonPath) {
        return jsonPath.startsWith("$.") ? jsonPath.substring(2) : jsonPath;
    }

    private static JsonSyntaxException wrongType(JsonReader in, String expected) throws IOException {
        return new JsonSyntaxException("'" + field(in.getPath()) + "' must be " + expected + ", not "
                + in.peek().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static BigDecimal number(JsonReader in, String expected) throws IOException {
        if (in.peek() != JsonToken.NUMBER) {
            throw wrongType(in, expected);
        }
        String path = in.getPath();
        String text = in.nextString();
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new JsonSyntaxException("'" + field(path) + "' must be " + expected);
        }
    }

    private static final TypeAdapter<String> STRING = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, String value) throws IOException {
            out.value(value);
        }

        @Override
        public String read(JsonReader in) throws IOException {
            if (in.peek() != JsonToken.STRING) {
                throw wrongType(in, "a string");
            }
            return in.nextString();
        }
    };

    private static final TypeAdapter<Integer> INTEGER = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Integer value) throws IOException {
            out.value(value);
        }

        @Override
        public Integer read(JsonReader in) throws IOException {
            String path = in.getPath();
            try {
                return number(in, "a whole number").intValueExact();
            } catch (ArithmeticException e) {
                throw new JsonSyntaxException("'" + field(path) + "' must be a whole number in 32-bit range");
            }
        }
    };

    private static final TypeAdapter<Long> LONG = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Long value) throws IOException {
            out.value(value);
        }

        @Override
        public Long read(JsonReader in) throws IOException {
            String path = in.getPath();
            try {
                return number(in, "a whole number").longValueExact();
            } catch (ArithmeticException e) {
                throw new JsonSyntaxException("'" + field(path) + "' must be a whole number in 64-bit range");
            }
        }
    };

    /** Writes stored JSON text as JSON, and reads any JSON value back into text. */
    private static final TypeAdapter<RawJson> RAW_JSON = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, RawJson value) throws IOException {
            out.jsonValue(value.json());
        }

        @Override
        public RawJson read(JsonReader in) throws IOException {
            return new RawJson(JsonParser.parseReader(in).toString());
        }
    };

    private static final TypeAdapter<Boolean> BOOLEAN = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Boolean value) throws IOException {
            out.value(value);
        }

        @Override
        public Boolean read(JsonReader in) throws IOException {
            if (in.peek() != JsonToken.BOOLEAN) {
                throw wrongType(in, "true or false");
            }
            return in.nextBoolean();
        }
    };
}
