package io.parley.accounts.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Parley accounts")
@interface AccountsConfiguration {

    @AttributeDefinition(description = "How long a login token stays valid, in hours")
    long tokenTtlHours() default 168;

    @AttributeDefinition(description = "PBKDF2-HMAC-SHA-256 iterations of new passwords' SCRAM keys (the client "
            + "runs them at each SCRAM login, the server at REGISTER, PASSWORD_CHANGE and a plain LOGIN); at least 4096")
    int pbkdf2Iterations() default 600000;

    @AttributeDefinition(description = "Whether LOGIN with the password is answered; false: only SCRAM (AUTH_START, "
            + "AUTH_FINISH) logs in, and accounts that have not logged in since SCRAM came cannot log in until "
            + "their password is set again")
    boolean plainLogin() default true;

    @AttributeDefinition(description = "Failed logins per username within the window before RATE_LIMITED; 0 for no limit")
    int maxFailuresPerUsername() default 5;

    @AttributeDefinition(description = "Failed logins per remote address within the window before RATE_LIMITED; 0 for no limit")
    int maxFailuresPerAddress() default 20;

    @AttributeDefinition(description = "The window failed logins are counted in, in seconds")
    int failureWindowSeconds() default 300;

    @AttributeDefinition(description = "New accounts one remote address may create within the window before "
            + "RATE_LIMITED; 0 for no limit")
    int maxRegistrationsPerAddress() default 10;

    @AttributeDefinition(description = "The window new accounts are counted in, in seconds")
    int registrationWindowSeconds() default 3600;

    @AttributeDefinition(description = "Password checks (LOGIN, PASSWORD_CHANGE, each a PBKDF2 hash) per username "
            + "within the check window, successful or not, before RATE_LIMITED; 0 for no limit")
    int maxPasswordChecksPerUsername() default 10;

    @AttributeDefinition(description = "Password hashes (REGISTER, LOGIN, PASSWORD_CHANGE) per remote address within "
            + "the check window before RATE_LIMITED; 0 for no limit")
    int maxPasswordChecksPerAddress() default 120;

    @AttributeDefinition(description = "The window password checks are counted in, in seconds")
    int passwordCheckWindowSeconds() default 60;

    @AttributeDefinition(description = "Devices one user may have logged in at once on this node; a LOGIN or RESUME "
            + "of one more answers RATE_LIMITED (the same device again replaces its older connection); 0 for no "
            + "limit")
    int maxDevicesPerUser() default 10;
}
