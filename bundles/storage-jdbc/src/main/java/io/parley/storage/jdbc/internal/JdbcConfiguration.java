package io.parley.storage.jdbc.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Parley JDBC storage",
        description = "The relational database: H2 in a file by default, or MySQL/MariaDB")
@interface JdbcConfiguration {

    @AttributeDefinition(description = "JDBC URL: jdbc:h2:file:... or jdbc:mysql://host:3306/db or jdbc:mariadb://...")
    String url() default "jdbc:h2:file:./data/parley";

    String user() default "";

    @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(description = "Largest number of pooled connections")
    int poolSize() default 16;

    @AttributeDefinition(description = "How long a request waits for a connection before it answers UNAVAILABLE")
    long connectionTimeoutMs() default 3000;

    @AttributeDefinition(description = "How long an acked cursor may wait to be written, so that the acks of "
            + "that time share one commit. A crash within it makes those entries arrive once more (clients "
            + "drop a seq they hold). 0 writes each ack before answering it")
    long ackWriteDelayMs() default 20;
}
