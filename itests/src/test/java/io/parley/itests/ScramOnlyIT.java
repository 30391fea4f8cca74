package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.testkit.exam.ParleyTestSupport;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** An operator has turned plain LOGIN off (plainLogin=false): only SCRAM logs in. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ScramOnlyIT extends ParleyTestSupport {

    @Override
    protected Map<String, String> accountsExtras() {
        return Map.of("plainLogin", "false");
    }

    @Before
    public void serverUp() throws Exception {
        awaitServer();
    }

    @Test
    public void loginWithThePasswordIsRefusedAndScramWorks() throws Exception {
        String name = registered("scramonly");
        ParleyClient c = client();
        Exception refused = failure(c.loginPlain(name, PASSWORD, "pc"));
        assertEquals(Status.UNSUPPORTED, ((io.parley.api.ParleyException) refused).status());
        assertTrue(refused.getMessage(), refused.getMessage().contains("SCRAM"));
        assertTrue(await(c.login(name, PASSWORD, "pc")).userId() > 0);
    }

    @Test
    public void aWrongPasswordIsStillUnauthenticatedAfterTheSdkTriedLogin() throws Exception {
        String name = registered("scramonlywrong");
        // An SDK allowed to fall back sends LOGIN after the refused proof; the server has LOGIN off, and the SDK
        // reports the proof's answer, not LOGIN's UNSUPPORTED.
        ParleyClient c = await(ParleyClient.connect("127.0.0.1", port(),
                SDK_OPTIONS.withPlainFallback(io.parley.client.ParleyClientOptions.PlainFallback.ALWAYS)));
        try {
            assertEquals(Status.UNAUTHENTICATED, failure(c.login(name, "wrong-password", "pc")).status());
        } finally {
            c.close();
        }
    }
}
