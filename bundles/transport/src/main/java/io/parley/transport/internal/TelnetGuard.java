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

    /** As Gogo's telnetd ({@code [-i ip] [-p port] start|stop|status}), but only on a loopback address. */
    public void telnetd(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-i") || args[i].equals("--ip")) {
                String address = i + 1 < args.length ? args[i + 1] : "";
                if (!LOOPBACK.contains(address)) {
                    throw new IllegalArgumentException("telnetd serves a console without a password: Parley lets "
                            + "it listen on 127.0.0.1 only, not on '" + address + "'.");
                }
            } else if (args[i].startsWith("-i") || args[i].startsWith("--ip=")) {
                throw new IllegalArgumentException("Give the address as -i 127.0.0.1: telnetd listens on loopback only.");
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
