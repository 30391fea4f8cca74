package ${package}.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The feature's settings: etc/${package}.cfg on the server (src/main/cfg has one to copy). */
@ObjectClassDefinition(name = "${artifactId}")
public @interface FeatureConfiguration {

    @AttributeDefinition(description = "What HELLO answers before the caller's name")
    String greeting() default "Hello";

    @AttributeDefinition(description = "Most capital letters in a row a message may have (0: no limit)")
    int maxCapitals() default 20;
}
