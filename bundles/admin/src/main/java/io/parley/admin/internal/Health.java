package io.parley.admin.internal;

import io.parley.api.message.InboxService;
import io.parley.api.metrics.MetricsScrape;
import io.parley.api.session.PushService;
import io.parley.api.store.AccountStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * What {@code /health/ready} and {@code /metrics} read: whether the chat port's sessions are being served (the
 * transport's PushService), whether the account store answers a query and a message store is registered; and the
 * metrics bundle's scrape, when it runs. Every reference is optional and dynamic: health is asked exactly when
 * things come and go.
 */
@Component(service = Health.class)
public final class Health {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PushService transport;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AccountStore accounts;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile InboxService messages;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MetricsScrape metrics;

    /** Each check by name, true when it passes. */
    Map<String, Boolean> readiness() {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("transport", transport != null);
        AccountStore a = accounts;
        boolean answers;
        try {
            answers = a != null && a.list("", null, 1) != null;
        } catch (RuntimeException e) {
            answers = false;
        }
        checks.put("accounts", answers);
        // Through the messaging bundle to the store etc/io.parley.storage.cfg chose: UNAVAILABLE while it is away.
        InboxService m = messages;
        boolean stored;
        try {
            stored = m != null && m.position(0, "health") != null;
        } catch (RuntimeException e) {
            stored = false;
        }
        checks.put("messages", stored);
        return checks;
    }

    Optional<MetricsScrape> metrics() {
        return Optional.ofNullable(metrics);
    }
}
