package io.parley.admin.internal;

import io.parley.api.admin.AdminCommand;
import java.nio.file.Path;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * Registers the {@code bundles.*} commands, on the distribution's updates/ folder ({@code parley.updates}
 * framework property, else {@code updates} under the working folder, which bin/parley makes the distribution's).
 */
@Component(immediate = true)
public final class BundleCommandsComponent {

    private final AutoCloseable registrations;

    @Activate
    public BundleCommandsComponent(BundleContext context, @Reference ServiceComponentRuntime scr) {
        String folder = context.getProperty("parley.updates");
        registrations = AdminCommand.registerAll(context,
                new BundleCommands(context, Path.of(folder == null ? "updates" : folder), scr).commands());
    }

    @Deactivate
    void deactivate() throws Exception {
        registrations.close();
    }
}
