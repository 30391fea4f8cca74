package ${package}.internal;

import static org.junit.Assert.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.testkit.exam.ParleyTestSupport;
import java.nio.file.Path;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The feature in a real Felix with Parley's own bundle set (the distribution, unpacked into target/parley): it is
 * installed from the jar this build made, as an operator's deploy/ folder would, and used over a real socket.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeatureIT extends ParleyTestSupport {

    /** The jar this build made (failsafe's feature.jar), installed into the running server by the tests. */
    private static Path jar() {
        return Path.of(System.getProperty("feature.jar"));
    }

    private Bundle feature;

    /** A test that fails midway leaves no feature behind for the next one. */
    @After
    public void uninstallFeature() throws Exception {
        if (feature != null && feature.getState() != Bundle.UNINSTALLED) {
            feature.uninstall();
        }
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    @Test
    public void helloIsAnsweredAndShoutingRefusedWhileTheFeatureRuns() throws Exception {
        awaitServer();
        String alice = registered("alice");
        String bob = registered("bob");
        ParleyClient a = loggedIn(alice);
        ParleyClient b = loggedIn(bob);
        befriend(a, alice, b, bob);
        assertEquals("not deployed yet", Status.UNSUPPORTED, answer(a.request(HelloHandler.TYPE, json("{}"))));

        feature = context.installBundle(jar().toUri().toString());
        feature.start();
        JsonObject hello = whenReady(() -> a.request(HelloHandler.TYPE, json("{\"name\":\"world\"}")));
        assertEquals("Hello, world!", hello.get("greeting").getAsString());
        assertEquals("Hello, " + alice + "!", await(a.request(HelloHandler.TYPE, json("{}"))).get("greeting")
                .getAsString());
        assertEquals(Status.BAD_REQUEST, answer(a.request(HelloHandler.TYPE, json("{\"name\":\" \"}"))));
        assertEquals(Status.FORBIDDEN, answer(a.sendMessage(bob, "WHY ARE YOU NOT ANSWERING ME", unique("c"))));
        assertEquals(Status.OK, answer(a.sendMessage(bob, "Hello Bob", unique("c"))));

        feature.uninstall();
        awaitTrue("the feature gone", java.time.Duration.ofSeconds(10), () -> {
            try {
                return answer(a.request(HelloHandler.TYPE, json("{}"))) == Status.UNSUPPORTED;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals("shouting is the users' business again", Status.OK,
                answer(a.sendMessage(bob, "WHY ARE YOU NOT ANSWERING ME", unique("c"))));
    }

    /** Parley's promise to people chatting: installed, updated and uninstalled with nothing dropped or lost. */
    @Test
    public void itHotDeploysWhileUsersChatWithNoDropAndNoLoss() throws Exception {
        awaitServer();
        System.out.println(assertHotDeploys(jar()));
    }
}
