package io.parley.admin.internal;

import io.parley.api.admin.AdminCommand;
import java.nio.file.Path;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Registers the {@code features.*} commands, on the distribution's features/ folder ({@code parley.features}
 * framework property, else {@code features} under the working folder, which bin/parley makes the distribution's).
 */
@Component(immediate = true)
public final class FeatureCommandsComponent {

    private final AutoCloseable registrations;

    @Activate
    public FeatureCommandsComponent(BundleContext context) {
        String folder = context.getProperty("parley.features");
        FeatureCommands features = new FeatureCommands(context, Path.of(folder == null ? "features" : folder));
        registrations = AdminCommand.registerAll(context, features.commands());
    }

    @Deactivate
    void deactivate() throws Exception {
        registrations.close();
    }
}
