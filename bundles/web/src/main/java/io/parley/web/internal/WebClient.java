package io.parley.web.internal;

import io.parley.api.web.WebFiles;
import java.net.URL;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** The browser client's files, from this bundle's {@code web/} folder. */
@Component(service = WebFiles.class)
public final class WebClient implements WebFiles {

    private final Bundle bundle;

    @Activate
    public WebClient(BundleContext context) {
        bundle = context.getBundle();
    }

    @Override
    public Optional<URL> find(String path) {
        return Optional.ofNullable(bundle.getEntry("web/" + path));
    }
}
