package io.parley.api.web;

import java.net.URL;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Static files served at {@code /} on the public HTTP port (the web client). The HTTP server serves the
 * one it finds; with none installed, {@code /} answers 404 and the WebSocket endpoint works on.
 */
@ConsumerType
public interface WebFiles {

    /**
     * The file at this path below the site's root, such as {@code index.html} or {@code app.js}: no leading
     * slash, never {@code ..} (the server refuses such paths before asking). Empty when there is none.
     */
    Optional<URL> find(String path);
}
