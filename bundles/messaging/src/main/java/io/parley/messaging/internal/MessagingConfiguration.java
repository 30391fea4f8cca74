package io.parley.messaging.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Parley messaging")
@interface MessagingConfiguration {

    @AttributeDefinition(description = "Only friends may send each other 1:1 messages")
    boolean requireFriendship() default true;

    @AttributeDefinition(description = "Longest message text, in characters")
    int maxTextLength() default 4096;

    @AttributeDefinition(description = "Entries MSG_PULL returns when the request gives no limit")
    int defaultPullLimit() default 100;

    @AttributeDefinition(description = "Most entries one MSG_PULL or HISTORY may ask for")
    int maxPullLimit() default 500;

    @AttributeDefinition(description = "Entries HISTORY returns when the request gives no limit")
    int defaultHistoryLimit() default 50;
}
