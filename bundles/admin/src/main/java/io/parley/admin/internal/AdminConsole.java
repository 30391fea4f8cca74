package io.parley.admin.internal;

import com.google.gson.JsonObject;
import io.parley.api.admin.AdminCommand;
import io.parley.api.admin.AdminException;
import io.parley.api.admin.Parameter;
import java.util.Arrays;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The admin commands at the Gogo console: {@code parley:commands} lists them, {@code parley:admin NAME
 * key=value ...} runs one (lists as comma-separated values) and prints its JSON result, audited as "console".
 */
@Component(service = AdminConsole.class, property = {
    "osgi.command.scope=parley",
    "osgi.command.function=admin",
    "osgi.command.function=commands"
})
public final class AdminConsole {

    private final CommandRegistry registry;

    @Activate
    public AdminConsole(@Reference CommandRegistry registry) {
        this.registry = registry;
    }

    /** Every command with its arguments, one per line. */
    public String commands() {
        StringBuilder out = new StringBuilder();
        for (AdminCommand c : registry.commands()) {
            out.append(c.name());
            for (Parameter p : c.parameters()) {
                out.append(' ').append(p.required() ? "" : "[").append(p.name()).append('=')
                        .append(p.type().name().toLowerCase(java.util.Locale.ROOT)).append(p.required() ? "" : "]");
            }
            out.append("\n    ").append(c.summary()).append('\n');
        }
        return out.length() == 0 ? "No admin commands are installed." : out.toString().stripTrailing();
    }

    /** Runs one command; prints its result as JSON, or the status and the sentence. */
    public String admin(String name, String... words) {
        AdminCommand command = registry.commands().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        JsonObject arguments;
        try {
            arguments = CommandRegistry.fromWords(command, Arrays.asList(words));
        } catch (AdminException e) {
            registry.refused(name, "console", "console", 400, e.getMessage());
            return "400 " + e.getMessage();
        }
        CommandRegistry.Outcome outcome = registry.run(name, arguments, "console", "console");
        if (outcome.error() != null) {
            return outcome.status() + " " + outcome.error();
        }
        return CommandRegistry.GSON.toJson(outcome.result());
    }
}
