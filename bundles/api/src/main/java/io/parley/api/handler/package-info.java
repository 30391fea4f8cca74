/**
 * The request handler whiteboard.
 *
 * <p>A bundle answers a request type by registering a {@link io.parley.api.handler.RequestHandler} service
 * annotated with {@link io.parley.api.handler.ParleyType}. The transport finds handlers through the service
 * registry; a type with no handler answers UNSUPPORTED.
 */
@Export
@Version("1.3.0")
package io.parley.api.handler;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
