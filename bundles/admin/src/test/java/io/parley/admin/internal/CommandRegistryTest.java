package io.parley.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.parley.api.ParleyException;
import io.parley.api.admin.AdminCommand;
import io.parley.api.admin.AdminException;
import io.parley.testkit.Configs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the API answers when a command meets a service that refuses: 503 while a part is away, else 500. */
class CommandRegistryTest {

    @TempDir
    Path dir;

    @Test
    void aServiceAwayIs503AndAnyOtherRefusal500EachWithItsSentenceAndAnAuditLine() throws Exception {
        Path audit = dir.resolve("audit.log");
        CommandRegistry registry = new CommandRegistry(Configs.of(AdminConfiguration.class,
                Map.of("auditLog", audit.toString())));
        registry.addCommand(AdminCommand.of("t.away", "a store away", List.of(), a -> {
            throw ParleyException.unavailable("The message store is away.", null);
        }));
        registry.addCommand(AdminCommand.of("t.refused", "a refusal", List.of(), a -> {
            throw ParleyException.forbidden("No.");
        }));
        registry.addCommand(AdminCommand.of("t.wrapped", "a service away, through refusing", List.of(),
                a -> AdminException.refusing(() -> {
                    throw ParleyException.unavailable("The messaging bundle is not running.", null);
                })));

        CommandRegistry.Outcome away = registry.run("t.away", new JsonObject(), "test", "me");
        assertEquals(503, away.status());
        assertEquals("The message store is away. Try again shortly.", away.error());
        assertEquals(500, registry.run("t.refused", new JsonObject(), "test", "me").status());
        CommandRegistry.Outcome wrapped = registry.run("t.wrapped", new JsonObject(), "test", "me");
        assertEquals(503, wrapped.status());
        assertEquals("The messaging bundle is not running.", wrapped.error());
        assertEquals(List.of(503, 500, 503), Files.readAllLines(audit).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject().get("status").getAsInt()).toList());
    }
}
