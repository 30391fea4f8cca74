/**
 * The Parley wire contract, version 1: frame layout, signs, type codes and status codes.
 *
 * <p>Every frame is a 9-byte big-endian header (magic {@code 0x504C}, sign, type, status, body length)
 * followed by a UTF-8 JSON body. This package has no Netty dependency, so the API bundle can speak in
 * status codes without pulling in the codec.
 */
@Export
@Version("1.2.0")
package io.parley.protocol;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
