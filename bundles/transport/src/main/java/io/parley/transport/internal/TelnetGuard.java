package io.parley.transport.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Gogo's shell ships {@code telnetd}: a console with no password on a TCP port, on 127.0.0.1 unless told
 * {@code -i <address>}. This command takes its name at a higher ranking, so the console finds it first, refuses
 * every address but loopback, and hands the rest to Gogo's own.
 */
@Component(service = Object.class, property = {
    "osgi.command.scope=gogo",
    "osgi.command.function=telnetd",
    "service.ranking:Integer=100"
})
public final class TelnetGuard {

    private static final String TELNET = "org.apache.felix.gogo.shell.Telnet";
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    private final BundleContext context;

    @Activate
    public TelnetGuard(BundleContext context) {
        this.context = context;
    }

    /**
     * As Gogo's telnetd ({@code [-i ip] [-p port] start|stop|status}), but only on a loopback address. Only
     * those spellings are let through: Gogo's own parser takes abbreviations ({@code --i=0.0.0.0}) too.
     */
    public void telnetd(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-i") || arg.equals("--ip")) {
                String address = i + 1 < args.length ? args[++i] : "";
                if (!LOOPBACK.contains(address)) {
                    throw new IllegalArgumentException("telnetd serves a console without a password: Parley lets "
                            + "it listen on 127.0.0.1 only, not on '" + address + "'.");
                }
            } else if (arg.equals("-p") || arg.equals("--port")) {
                if (i + 1 >= args.length || !args[++i].matches("\\d{1,5}")) {
                    throw new IllegalArgumentException("Give the port as -p <number>.");
                }
            } else if (!Set.of("start", "stop", "status", "-?", "--help").contains(arg)) {
                throw new IllegalArgumentException("telnetd [-i 127.0.0.1] [-p port] start|stop|status: Parley "
                        + "takes no other option ('" + arg + "'), so that it listens on loopback only.");
            }
        }
        ServiceReference<?>[] found;
        try {
            found = context.getServiceReferences(TELNET, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (found == null) {
            throw new IllegalStateException("Gogo's telnetd is not installed.");
        }
        Object telnet = context.getService(found[0]);
        try {
            telnet.getClass().getMethod("telnetd", String[].class).invoke(telnet, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            context.ungetService(found[0]);
        }
    }
}
