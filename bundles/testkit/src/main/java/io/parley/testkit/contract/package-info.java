/**
 * The contracts of the store SPIs as JUnit tests: a store's own tests extend them, so every store, and a
 * store a plugin author writes, is held to the same behaviour.
 */
@Export
@Version("1.1.0")
package io.parley.testkit.contract;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
