/**
 * Accounts, profiles and the wire records of the account request types (REGISTER .. PASSWORD_CHANGE, AUTH_START, AUTH_FINISH).
 */
@Export
@Version("1.4.0")
package io.parley.api.account;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
