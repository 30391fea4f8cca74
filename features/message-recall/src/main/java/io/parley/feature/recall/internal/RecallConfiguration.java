package io.parley.feature.recall.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/io.parley.feature.recall.cfg. */
@ObjectClassDefinition(name = "Parley message recall")
public @interface RecallConfiguration {

    @AttributeDefinition(description = "How long after sending a message its sender may recall it, in seconds "
            + "(1 to 86400)")
    long recallSeconds() default 120;
}
