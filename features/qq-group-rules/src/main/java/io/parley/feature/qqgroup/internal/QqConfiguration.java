package io.parley.feature.qqgroup.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Parley QQ-style group rules")
@interface QqConfiguration {

    @AttributeDefinition(description = "The member cap of a group whose owner has not set one")
    int defaultMaxMembers() default 500;

    @AttributeDefinition(description = "The highest member cap an owner may set")
    int maxMembersLimit() default 3000;

    @AttributeDefinition(description = "The join mode of a group whose owner has not set one: open, approval, invite or closed")
    String defaultJoinMode() default "approval";

    @AttributeDefinition(description = "The longest mute, in seconds")
    long maxMuteSeconds() default 2592000;
}
