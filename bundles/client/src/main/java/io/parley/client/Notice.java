package io.parley.client;

import com.google.gson.Gson;
import com.google.gson.JsonObject;

/** A notice the server pushed: its type code and its JSON body. */
public final class Notice {

    private final int type;
    private final JsonObject body;
    private final Gson gson;

    Notice(int type, JsonObject body, Gson gson) {
        this.type = type;
        this.body = body;
        this.gson = gson;
    }

    public int type() {
        return type;
    }

    /** The body as a JSON object (a copy; changing it changes nothing). */
    public JsonObject json() {
        return body.deepCopy();
    }

    /** The body read into a record or class. */
    public <T> T as(Class<T> type) {
        return gson.fromJson(body, type);
    }

    @Override
    public String toString() {
        return "Notice[type=" + type + ", body=" + body + "]";
    }
}
