package io.parley.groups.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;

/**
 * Whether a group may name only the actor's friends: {@code requireFriendship} of io.parley.messaging.cfg, the
 * one switch that also governs 1:1 messages (the messaging bundle describes that configuration). Edits apply
 * in place, without restarting the group components.
 */
@Component(service = FriendshipPolicy.class, configurationPid = "io.parley.messaging",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class FriendshipPolicy {

    @interface Configuration {
        boolean requireFriendship() default true;
    }

    private volatile boolean required;

    @Activate
    public FriendshipPolicy(Configuration config) {
        required = config.requireFriendship();
    }

    FriendshipPolicy(boolean required) {
        this.required = required;
    }

    @Modified
    void modified(Configuration config) {
        required = config.requireFriendship();
    }

    boolean required() {
        return required;
    }
}
