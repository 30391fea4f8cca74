package io.parley.admin.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.parley.api.ParleyException;
import io.parley.api.admin.AdminCommand;
import io.parley.api.admin.AdminException;
import io.parley.api.admin.Arguments;
import io.parley.api.admin.Parameter;
import io.parley.protocol.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link AdminCommand} service, by name, and the one way to run one: arguments checked against its
 * parameters, the run, the audit line, the result as JSON. The console and the HTTP API both come here.
 */
@Component(service = CommandRegistry.class, configurationPid = "io.parley.admin")
@Designate(ocd = AdminConfiguration.class)
public final class CommandRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(CommandRegistry.class);
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().serializeNulls().create();

    /** What a run came to: an HTTP status and either the result or a sentence. */
    record Outcome(int status, JsonElement result, String error) {
        JsonObject body() {
            JsonObject o = new JsonObject();
            if (error != null) {
                o.addProperty("error", error);
            } else {
                o.add("result", result);
            }
            return o;
        }
    }

    /** By name, in the order registered: the first answers, the others wait for it to go. */
    private final Map<String, List<AdminCommand>> commands = new ConcurrentSkipListMap<>();
    private final Audit audit;

    @Activate
    public CommandRegistry(AdminConfiguration config) {
        audit = new Audit(Path.of(config.auditLog()));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addCommand(AdminCommand command) {
        List<AdminCommand> named = commands.computeIfAbsent(command.name(), k -> new java.util.concurrent.CopyOnWriteArrayList<>());
        named.add(command);
        if (named.size() > 1) {
            LOG.warn("Two admin commands are named {}: {} waits until the first goes", command.name(),
                    command.getClass().getName());
        }
    }

    synchronized void removeCommand(AdminCommand command) {
        List<AdminCommand> named = commands.get(command.name());
        if (named != null) {
            named.remove(command);
            if (named.isEmpty()) {
                commands.remove(command.name());
            }
        }
    }

    /** The command answering to a name now: the first registered of that name. */
    private AdminCommand command(String name) {
        List<AdminCommand> named = commands.get(name);
        return named == null || named.isEmpty() ? null : named.get(0);
    }

    List<AdminCommand> commands() {
        List<AdminCommand> all = new ArrayList<>();
        for (String name : commands.keySet()) {
            AdminCommand c = command(name);
            if (c != null) {
                all.add(c);
            }
        }
        return all;
    }

    /** An answer given before the command ran (a body that is not JSON, the wrong method), for the audit log. */
    void refused(String name, String via, String from, int status, String error) {
        audit.record(via, from, name, new JsonObject(), status, error);
    }

    /**
     * The arguments as the audit log keeps them: a declared parameter's value, or "***" where it is secret; for
     * anything else only its name, since nobody said what it holds.
     */
    static JsonObject forAudit(AdminCommand command, JsonObject raw) {
        JsonObject shown = new JsonObject();
        for (Map.Entry<String, JsonElement> e : raw.entrySet()) {
            boolean declared = command != null && command.parameters().stream().anyMatch(p -> p.name().equals(e.getKey()));
            shown.add(e.getKey(), !declared ? new JsonPrimitive("(not a parameter)")
                    : Audit.secret(e.getKey()) ? new JsonPrimitive("***") : e.getValue());
        }
        return shown;
    }

    /** The listing: each command's name, summary and parameters. */
    JsonArray describe() {
        JsonArray all = new JsonArray();
        for (AdminCommand c : commands()) {
            JsonObject o = new JsonObject();
            o.addProperty("name", c.name());
            o.addProperty("summary", c.summary());
            o.add("parameters", GSON.toJsonTree(c.parameters()));
            all.add(o);
        }
        return all;
    }

    /**
     * Runs a command with arguments as JSON; {@code via} and {@code from} go to the audit log. Never throws for
     * anything a caller sent: a missing command is 404, bad arguments 400, a command's refusal its kind's status, a
     * service that is away for a moment (UNAVAILABLE) 503, anything else 500 with a sentence (and the cause in
     * the server's log).
     */
    Outcome run(String name, JsonObject raw, String via, String from) {
        AdminCommand command = command(name);
        JsonObject audited = forAudit(command, raw);
        if (command == null) {
            Outcome missing = new Outcome(404, null, "No admin command '" + name + "'; GET /api or parley:commands lists them.");
            audit.record(via, from, name, audited, missing.status(), missing.error());
            return missing;
        }
        Outcome outcome;
        try {
            Arguments arguments = check(command, raw);
            Object result = command.run(arguments);
            outcome = new Outcome(200, GSON.toJsonTree(result), null);
        } catch (AdminException e) {
            outcome = new Outcome(e.kind().status(), null, e.getMessage());
            if (e.kind() == AdminException.Kind.FAILED) {
                LOG.warn("Admin command {} failed", name, e);
            }
        } catch (ParleyException e) {
            // A service the command called refused: 503 while a part is away for a moment (retry), else 500.
            boolean away = e.status() == Status.UNAVAILABLE || e.status() == Status.RATE_LIMITED;
            if (!away) {
                LOG.error("Admin command {} failed", name, e);
            }
            outcome = new Outcome(away ? 503 : 500, null, e.getMessage()
                    + (away ? " Try again shortly." : " The server's log has the details."));
        } catch (RuntimeException e) {
            LOG.error("Admin command {} failed", name, e);
            outcome = new Outcome(500, null, "The command failed: " + e.getClass().getSimpleName()
                    + "; the server's log has the details.");
        }
        audit.record(via, from, name, audited, outcome.status(), outcome.error());
        return outcome;
    }

    /** The arguments with their parameters' types, or a 400 saying what is wrong. */
    static Arguments check(AdminCommand command, JsonObject raw) {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        command.parameters().forEach(p -> byName.put(p.name(), p));
        for (String key : raw.keySet()) {
            if (!byName.containsKey(key)) {
                throw bad("'" + command.name() + "' takes no argument '" + key + "'; it takes: "
                        + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + ".");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Parameter p : command.parameters()) {
            JsonElement v = raw.get(p.name());
            if (v == null || v.isJsonNull()) {
                if (p.required()) {
                    throw bad("'" + p.name() + "' is required: " + p.summary());
                }
                continue;
            }
            values.put(p.name(), convert(p, v));
        }
        return new Arguments(values);
    }

    private static Object convert(Parameter p, JsonElement v) {
        switch (p.type()) {
            case STRING:
                if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()) {
                    return v.getAsString();
                }
                throw bad("'" + p.name() + "' must be a string.");
            case INTEGER:
                if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
                    try {
                        return v.getAsBigDecimal().longValueExact();
                    } catch (ArithmeticException e) {
                        throw bad("'" + p.name() + "' must be a whole number.");
                    }
                }
                throw bad("'" + p.name() + "' must be a whole number.");
            case BOOLEAN:
                if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean()) {
                    return v.getAsBoolean();
                }
                throw bad("'" + p.name() + "' must be true or false.");
            case STRINGS:
                if (v.isJsonArray()) {
                    List<String> all = new ArrayList<>();
                    for (JsonElement e : v.getAsJsonArray()) {
                        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                            throw bad("'" + p.name() + "' must be a list of strings.");
                        }
                        all.add(e.getAsString());
                    }
                    return List.copyOf(all);
                }
                throw bad("'" + p.name() + "' must be a list of strings.");
            default:
                throw new IllegalStateException(p.type().toString());
        }
    }

    /**
     * Console words {@code key=value} as the JSON the HTTP API takes: each value read as its parameter's type
     * (numbers, true/false, comma-separated lists); an unknown key stays a string, for the check to refuse.
     */
    static JsonObject fromWords(AdminCommand command, List<String> words) {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        if (command != null) {
            command.parameters().forEach(p -> byName.put(p.name(), p));
        }
        JsonObject o = new JsonObject();
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw bad("Arguments are key=value; '" + word + "' is not.");
            }
            String key = word.substring(0, eq);
            String value = word.substring(eq + 1);
            Parameter p = byName.get(key);
            Parameter.Type type = p == null ? Parameter.Type.STRING : p.type();
            switch (type) {
                case INTEGER:
                    try {
                        o.addProperty(key, Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        throw bad("'" + key + "' must be a whole number.");
                    }
                    break;
                case BOOLEAN:
                    if (!value.equals("true") && !value.equals("false")) {
                        throw bad("'" + key + "' must be true or false.");
                    }
                    o.addProperty(key, Boolean.parseBoolean(value));
                    break;
                case STRINGS:
                    JsonArray list = new JsonArray();
                    for (String s : value.split(",")) {
                        if (!s.isBlank()) {
                            list.add(new JsonPrimitive(s.trim()));
                        }
                    }
                    o.add(key, list);
                    break;
                default:
                    o.addProperty(key, value);
            }
        }
        return o;
    }

    private static AdminException bad(String sentence) {
        return new AdminException(AdminException.Kind.BAD_ARGUMENT, sentence);
    }
}
