package io.parley.transport.internal;

import io.parley.api.serialization.Serializer;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The Serializer as the transport holds it: bound dynamically, so that updating the serialization bundle
 * restarts neither the listener nor the session registry and drops no connection. While it is away, workers
 * wait for it (bounded) and notices are dropped.
 */
@Component(service = LiveSerializer.class)
public final class LiveSerializer extends ServiceSlot<Serializer> {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSerializer(Serializer s) {
        bind(s);
    }

    void unbindSerializer(Serializer s) {
        unbind(s);
    }
}
