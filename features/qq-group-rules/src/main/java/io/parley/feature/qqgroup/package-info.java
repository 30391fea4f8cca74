/**
 * QQ-style group rules, a feature bundle: owner and admin roles, ownership transfer, muting one member or
 * the whole group, join modes (open, approval, invite, closed) with join requests, and a member cap per group.
 * Install it into a running server (drop the jar into deploy/) and discussion groups become QQ groups;
 * remove it and they are discussion groups again, with its data kept for the next install.
 *
 * <p>This package holds the wire records of its request types 64..70, for clients.
 */
@Export
@Version("1.0.0")
package io.parley.feature.qqgroup;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
