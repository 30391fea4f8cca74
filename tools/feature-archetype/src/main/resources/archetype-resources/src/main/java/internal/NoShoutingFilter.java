package ${package}.internal;

import io.parley.api.ParleyException;
import io.parley.api.account.UserRef;
import io.parley.api.message.MessageFilter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;

/**
 * A message filter: every 1:1 and group message passes here before it is stored. This one refuses shouting (more
 * than {@code maxCapitals} capital letters in a row) with FORBIDDEN and a sentence; a filter may also return a
 * changed text, which is stored and delivered instead. It runs on the request's worker for every message: keep it
 * quick, and never block.
 */
@Component(configurationPid = "${package}", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class NoShoutingFilter implements MessageFilter {

    private volatile int maxCapitals;

    @Activate
    @Modified
    void configure(FeatureConfiguration config) {
        maxCapitals = config.maxCapitals();
    }

    @Override
    public String filter(UserRef sender, String to, Long groupId, String text) {
        int limit = maxCapitals;
        if (limit > 0 && longestCapitalRun(text) > limit) {
            throw ParleyException.forbidden("No shouting: at most " + limit + " capital letters in a row.");
        }
        return text;
    }

    static int longestCapitalRun(String text) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            run = Character.isUpperCase(c) ? run + 1 : Character.isLetter(c) ? 0 : run;
            longest = Math.max(longest, run);
        }
        return longest;
    }
}
