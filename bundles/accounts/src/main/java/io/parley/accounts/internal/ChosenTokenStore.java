package io.parley.accounts.internal;

import io.parley.api.ParleyException;
import io.parley.api.store.StoredToken;
import io.parley.api.store.TokenStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@link TokenStore} keeps login tokens, decided by the storage switch ({@code etc/io.parley.storage.cfg})
 * as messages are: {@code cache=redis} puts Redis in front of the database ({@code parley.store=redis}), any
 * other value the database alone ({@code parley.store=jdbc}). No service ranking decides. A store that goes
 * away, or a switch, rebinds here without restarting the account components; meanwhile token requests
 * answer UNAVAILABLE. A cache value that is not a cache is refused (ChosenMessageStore logs why) and the
 * tokens stay where they were.
 */
@Component(service = ChosenTokenStore.class, configurationPid = "io.parley.storage")
public final class ChosenTokenStore implements TokenStore {

    private static final Logger LOG = LoggerFactory.getLogger(ChosenTokenStore.class);

    /** The switch's one setting that concerns tokens. */
    @interface Switch {
        String cache() default "none";
    }

    private final Map<String, TokenStore> stores = new ConcurrentHashMap<>();
    private volatile String chosen = "jdbc";

    @Activate
    public ChosenTokenStore(Switch config) {
        choose(config);
    }

    @Modified
    void modified(Switch config) {
        choose(config);
    }

    private void choose(Switch config) {
        String cache = config.cache().trim();
        if (!cache.equals("none") && !cache.equals("redis")) {
            return;
        }
        String next = cache.equals("redis") ? "redis" : "jdbc";
        if (!next.equals(chosen)) {
            LOG.info("Login tokens are kept in the {} store (was {})", next, chosen);
            chosen = next;
        }
    }

    @Reference(service = TokenStore.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addStore(TokenStore store, Map<String, Object> properties) {
        stores.put(String.valueOf(properties.get("parley.store")), store);
    }

    void removeStore(TokenStore store, Map<String, Object> properties) {
        stores.remove(String.valueOf(properties.get("parley.store")), store);
    }

    /** The chosen store's name, for tests. */
    String chosen() {
        return chosen;
    }

    private TokenStore current() {
        String name = chosen;
        TokenStore store = stores.get(name);
        if (store == null) {
            throw ParleyException.unavailable("Login tokens cannot be reached right now (the " + name
                    + " token store is not running" + (name.equals("redis")
                    ? "; is etc/io.parley.storage.redis.cfg there, and Redis reachable?" : "") + "); retry shortly.",
                    null);
        }
        return store;
    }

    @Override
    public void save(StoredToken token) {
        current().save(token);
    }

    @Override
    public Optional<StoredToken> find(String tokenId) {
        return current().find(tokenId);
    }

    @Override
    public void revoke(String tokenId) {
        current().revoke(tokenId);
    }

    @Override
    public int revokeAllExcept(long userId, String keepTokenId) {
        return current().revokeAllExcept(userId, keepTokenId);
    }

    @Override
    public int purgeExpired(long now) {
        return current().purgeExpired(now);
    }
}
