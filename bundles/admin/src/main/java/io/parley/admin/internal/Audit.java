package io.parley.admin.internal;

import com.google.gson.JsonObject;
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
 * where, which command with which arguments (as {@link CommandRegistry#forAudit} shows them: secrets as "***"),
 * and the outcome.
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

    /**
     * True for a name whose value is a secret: a password, a token, a secret, or a name ending in one of those
     * ({@code newPassword}); not {@code tokenTtlHours} or {@code maxPasswordChecksPerAddress}, which are settings.
     */
    static boolean secret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith("password") || n.endsWith("token") || n.endsWith("secret") || n.endsWith("key");
    }

    synchronized void record(String via, String from, String command, JsonObject arguments, int status,
            String error) {
        JsonObject line = new JsonObject();
        line.addProperty("time", Instant.now().toString());
        line.addProperty("via", via);
        line.addProperty("from", from);
        line.addProperty("command", command);
        line.add("arguments", arguments);
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
