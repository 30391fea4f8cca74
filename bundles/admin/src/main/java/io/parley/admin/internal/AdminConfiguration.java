package io.parley.admin.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Parley admin", description = "Operator commands over HTTP on their own port, and the "
        + "audit log of every command run from there or from the console")
@interface AdminConfiguration {

    @AttributeDefinition(description = "Address the admin API listens on; keep it on loopback or a private network")
    String host() default "127.0.0.1";

    @AttributeDefinition(description = "Port of the admin API; 0 picks a free one")
    int port() default 7790;

    @AttributeDefinition(description = "The bearer token every admin request must carry (Authorization: Bearer ...); "
            + "at least 32 characters. Empty: the admin API is off (the console's commands still work)",
            type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String token() default "";

    @AttributeDefinition(description = "The audit log: one JSON line per command run; relative paths are from the "
            + "distribution's folder")
    String auditLog() default "logs/audit.log";

    @AttributeDefinition(description = "Largest request body the admin API reads, in bytes")
    int maxBody() default 65536;
}
