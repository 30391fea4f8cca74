package io.parley.feature.contentfilter.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.UserRef;
import io.parley.api.message.MessageFilter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content filter (after Openfire's Content Filter plugin): masks or refuses words and patterns in every 1:1 and
 * group message before it is stored. Its rules come from etc/io.parley.feature.contentfilter.cfg and change live; a
 * file with an error is refused whole and the rules before it stay.
 */
@Component(service = MessageFilter.class, configurationPid = "io.parley.feature.contentfilter",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class ContentFilter implements MessageFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ContentFilter.class);
    /** At most one WARN a minute about a pattern out of time: a flood of such messages must not flood the log. */
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    private volatile Rules rules;
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    @Activate
    public ContentFilter(Map<String, Object> properties) {
        Rules first;
        try {
            first = Rules.of(properties);
        } catch (IllegalArgumentException e) {
            LOG.error("etc/io.parley.feature.contentfilter.cfg refused ({}); no message is filtered until it is fixed",
                    e.getMessage());
            first = Rules.of(Map.of());
        }
        rules = first;
        LOG.info("Content filter on: {} rules", rules.rules.size());
    }

    @Modified
    void modified(Map<String, Object> properties) {
        try {
            rules = Rules.of(properties);
            LOG.info("Content filter: {} rules now", rules.rules.size());
        } catch (IllegalArgumentException e) {
            LOG.error("etc/io.parley.feature.contentfilter.cfg refused ({}); the rules before it stay", e.getMessage());
        }
    }

    @Override
    public String filter(UserRef sender, String to, Long groupId, String text) {
        try {
            return rules.apply(text);
        } catch (Rules.OutOfTime e) {
            long now = System.nanoTime();
            long last = lastWarning.get();
            if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
                LOG.warn("Content filter: {} ran out of its time on a message of {} characters; such messages are "
                        + "refused. Simplify the pattern, or raise matchMillis", e.rule.name(), text.length());
            }
            throw ParleyException.forbidden("This message was not sent: it could not be checked in time.");
        }
    }
}
