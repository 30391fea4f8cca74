/**
 * The web client's files, served by the HTTP server beside the WebSocket endpoint: {@link io.parley.api.web.WebFiles}.
 */
@Export
@Version("1.0.0")
package io.parley.api.web;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
