package io.parley.admin.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * logs/audit.log: one JSON line per command run, written before the answer leaves: when, through what and from
 * where, which command with which arguments (passwords, tokens and secrets as "***"), and the outcome.
 */
final class Audit {

    private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

    private final Path file;

    Audit(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** True for an argument whose value is never written anywhere. */
    static boolean secret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("token") || n.contains("secret");
    }

    synchronized void record(String via, String from, String command, JsonObject arguments, int status,
            String error) {
        JsonObject line = new JsonObject();
        line.addProperty("time", Instant.now().toString());
        line.addProperty("via", via);
        line.addProperty("from", from);
        line.addProperty("command", command);
        JsonObject args = new JsonObject();
        arguments.entrySet().forEach(e -> args.add(e.getKey(), secret(e.getKey()) ? new JsonPrimitive("***") : e.getValue()));
        line.add("arguments", args);
        line.addProperty("status", status);
        if (error != null) {
            line.addProperty("error", error);
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            // The command ran; an operator must learn that its record did not land.
            LOG.error("Could not write the audit log {}: {}", file, e.toString());
        }
    }
}
