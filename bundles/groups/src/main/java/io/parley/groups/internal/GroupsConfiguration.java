package io.parley.groups.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Parley groups")
@interface GroupsConfiguration {

    @AttributeDefinition(description = "Most members a discussion group may have (features may set their own)")
    int maxMembers() default 200;

    @AttributeDefinition(description = "Most usernames one GROUP_CREATE, GROUP_ADD or GROUP_REMOVE may name; more "
            + "answer BAD_REQUEST")
    int maxNamedPerRequest() default 50;

    @AttributeDefinition(description = "Longest group message text, in characters")
    int maxTextLength() default 4096;

    @AttributeDefinition(description = "A cached group unused for this many seconds is evicted from memory")
    long idleEvictSeconds() default 600;

    @AttributeDefinition(description = "How often idle groups are swept out, in seconds")
    long sweepSeconds() default 300;

    @AttributeDefinition(description = "In a cluster (when a notice bus such as Redis is configured), how long a node "
            + "trusts its cached view of a group's members and owner before it reads them again, in milliseconds: "
            + "a change on another node holds here within this time")
    long clusterViewMs() default 1000;
}
