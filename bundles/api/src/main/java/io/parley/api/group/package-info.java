/**
 * Discussion groups: the {@link io.parley.api.group.GroupService} features build on, the
 * {@link io.parley.api.group.GroupRule} whiteboard that decides who may do what, and the wire records of
 * GROUP_CREATE .. GROUP_SEND.
 */
@Export
@Version("1.1.0")
package io.parley.api.group;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
