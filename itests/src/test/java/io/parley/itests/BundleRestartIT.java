package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.parley.api.ParleyException;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.testkit.exam.ParleyTestSupport;
import java.util.concurrent.ExecutionException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/** The accounts bundle stops and starts while clients stay connected. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BundleRestartIT extends ParleyTestSupport {

    @Test
    public void connectionsSurviveAnAccountsRestartAndLoginWorksAfter() throws Exception {
        awaitServer();
        String name = unique("grace");
        ParleyClient loggedIn = client();
        await(loggedIn.register(name, "password-1", "Grace"));
        await(loggedIn.login(name, "password-1", "pc"));
        ParleyClient anonymous = client();

        Bundle accounts = installed("io.parley.accounts");
        accounts.stop();
        try {
            for (ParleyClient c : new ParleyClient[] {loggedIn, anonymous}) {
                Status status = statusOf(c);
                assertTrue("while stopped: " + status, status == Status.UNSUPPORTED || status == Status.UNAVAILABLE);
            }
            Status profile = AccountsIT.statusOf(loggedIn.profile(name));
            assertTrue("while stopped: " + profile, profile == Status.UNSUPPORTED || profile == Status.UNAVAILABLE);
            await(loggedIn.ping());
            await(anonymous.ping());
            assertTrue(loggedIn.isConnected());
            assertTrue(anonymous.isConnected());
        } finally {
            accounts.start();
        }

        loginWhenReady(anonymous, name, "password-1", "ios");
        assertEquals("Grace", await(loggedIn.profile(name)).nickname());
        assertTrue("the session bound before the restart is still logged in", loggedIn.isConnected());
    }

    private static Status statusOf(ParleyClient c) throws Exception {
        try {
            await(c.login("whoever", "password-1", "pc"));
            throw new AssertionError("LOGIN succeeded while accounts was stopped");
        } catch (ExecutionException e) {
            return ((ParleyException) e.getCause()).status();
        }
    }
}
