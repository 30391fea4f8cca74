package io.parley.api.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * One operator command, defined once and run from both the Gogo console ({@code parley:admin NAME key=value ...})
 * and the admin HTTP API ({@code POST /api/NAME} with a JSON object of the arguments). A bundle adds commands by
 * registering services of this type (a whiteboard); they come and go with it. The admin bundle checks the
 * arguments against {@link #parameters()} before {@link #run} (required ones present, types right, no unknown
 * ones), writes an audit line for every run, and turns the result into JSON.
 */
@ConsumerType
public interface AdminCommand {

    /** Lower-case words joined by dots and dashes, the subject first: {@code users.reset-password}. */
    String name();

    /** One line for the listing and docs/admin-api.md: what it does, in the imperative. */
    String summary();

    /** What it takes, in the order the console's help shows them. */
    List<Parameter> parameters();

    /**
     * Runs it. The result is turned into JSON as it is (records, maps, lists, strings, numbers): never include a
     * password, token or key. Throw {@link AdminException} with the right kind for a refusal a person can act on.
     */
    Object run(Arguments arguments) throws AdminException;

    /**
     * Registers several commands as services of the bundle; closing the result unregisters them (in a
     * component's deactivate). For a component that brings a handful of small commands.
     */
    static AutoCloseable registerAll(BundleContext context, List<AdminCommand> commands) {
        List<ServiceRegistration<AdminCommand>> registrations = new ArrayList<>();
        for (AdminCommand c : commands) {
            registrations.add(context.registerService(AdminCommand.class, c, null));
        }
        return () -> {
            for (ServiceRegistration<AdminCommand> r : registrations) {
                try {
                    r.unregister();
                } catch (IllegalStateException e) {
                    // unregistered with its bundle already
                }
            }
        };
    }

    /** A command from its parts, for the many that are a line or two of work. */
    static AdminCommand of(String name, String summary, List<Parameter> parameters,
            Function<Arguments, Object> body) {
        List<Parameter> fixed = List.copyOf(parameters);
        return new AdminCommand() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String summary() {
                return summary;
            }

            @Override
            public List<Parameter> parameters() {
                return fixed;
            }

            @Override
            public Object run(Arguments arguments) {
                return body.apply(arguments);
            }
        };
    }
}
