package ${package}.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.parley.api.ParleyException;
import io.parley.api.account.UserRef;
import io.parley.protocol.Status;
import io.parley.testkit.Configs;
import java.util.Map;
import org.junit.Test;

/** The filter on its own, without Felix: the testkit builds its configuration from the defaults and a map. */
public class NoShoutingFilterTest {

    private final UserRef alice = new UserRef(1, "alice");

    @Test
    public void capitalsInARowAreCountedAcrossSpacesAndPunctuation() {
        assertEquals(8, NoShoutingFilter.longestCapitalRun("Hi, WHY NOT ME?! ok"));
        assertEquals(0, NoShoutingFilter.longestCapitalRun("all quiet"));
    }

    @Test
    public void shoutingIsRefusedAndTheRestPassesAsItIs() {
        NoShoutingFilter filter = new NoShoutingFilter();
        filter.configure(Configs.of(FeatureConfiguration.class, Map.of("maxCapitals", 5)));
        assertEquals("Hello BOB", filter.filter(alice, "bob", null, "Hello BOB"));
        ParleyException refused = assertThrows(ParleyException.class,
                () -> filter.filter(alice, null, 7L, "WHY NOT ME"));
        assertEquals(Status.FORBIDDEN, refused.status());
        filter.configure(Configs.defaults(FeatureConfiguration.class));
        assertEquals("WHY NOT ME", filter.filter(alice, null, 7L, "WHY NOT ME"));
    }
}
