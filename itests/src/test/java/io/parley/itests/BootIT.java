package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.parley.testkit.exam.ParleyTestSupport;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/** The distribution's bundle set boots: every bundle active, every Parley component satisfied. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BootIT extends ParleyTestSupport {

    @Inject
    private ServiceComponentRuntime scr;

    @Test
    public void everyBundleIsActive() throws Exception {
        awaitServer();
        List<String> notActive = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getState() != expected) {
                notActive.add(b.getSymbolicName() + " state " + b.getState());
            }
        }
        assertEquals("bundles not active", List.of(), notActive);
        for (String name : List.of("io.parley.api", "io.parley.protocol", "io.parley.serialization",
                "io.parley.transport", "io.parley.storage.jdbc", "io.parley.accounts", "io.parley.client")) {
            assertActive(installed(name));
        }
    }

    @Test
    public void everyParleyComponentIsActive() throws Exception {
        awaitServer();
        List<String> problems = new ArrayList<>();
        int parleyComponents = 0;
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!description.name.startsWith("io.parley.")) {
                continue;
            }
            if (description.name.startsWith("io.parley.storage.redis.")) {
                // Redis is off until etc/io.parley.storage.redis.cfg exists: RedisConnection needs its
                // configuration and the Redis stores need RedisConnection. StorageSwitchIT turns it on.
                continue;
            }
            parleyComponents++;
            var configurations = scr.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty()) {
                problems.add(description.name + " has no configuration");
            }
            for (ComponentConfigurationDTO c : configurations) {
                if (c.state != ComponentConfigurationDTO.ACTIVE && c.state != ComponentConfigurationDTO.SATISFIED) {
                    problems.add(description.name + " state " + c.state);
                }
            }
        }
        assertEquals("components not satisfied", List.of(), problems);
        assertTrue("found Parley components: " + parleyComponents, parleyComponents >= 13);
    }
}
