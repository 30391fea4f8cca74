package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.parley.client.Notice;
import io.parley.client.ParleyClient;
import io.parley.testkit.exam.ParleyTestSupport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The operator's Gogo commands, run through the same command processor the console uses. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OperatorCommandsIT extends ParleyTestSupport {

    @Inject
    private CommandProcessor processor;

    private String run(String line) throws Exception {
        return Console.run(processor, line);
    }

    @Test
    public void statusSessionsAndKick() throws Exception {
        awaitServer();
        String name = unique("opal");
        ParleyClient phone = client();
        await(phone.register(name, "password-1", null));
        CompletableFuture<Notice> kicked = kickedNotice(phone);
        await(phone.login(name, "password-1", "phone"));

        String status = run("parley:status");
        assertTrue(status, status.contains("Listening on"));
        assertTrue(status, status.contains("MSG_SEND"));

        String sessions = run("parley:sessions");
        assertTrue(sessions, sessions.matches("(?s).*" + java.util.regex.Pattern.quote(name) + "\\s+phone\\s+/127\\.0\\.0\\.1:\\d+.*"));

        String kick = run("parley:kick " + name.toUpperCase());
        assertEquals("Ended 1 session of '" + name.toUpperCase() + "'.", kick.trim());
        assertTrue(await(kicked).json().get("reason").getAsString().contains("operator"));
        awaitTrue("the kicked connection to close", Duration.ofSeconds(5), () -> phone.closeFuture().isDone());
        awaitTrue("the session list to drop it", Duration.ofSeconds(5), () -> {
            try {
                return !run("parley:sessions").contains(name);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals("No session of 'nobody_here' on this node.", run("parley:kick nobody_here").trim());
    }

    @Test
    public void telnetdListensOnLoopbackOnly() throws Exception {
        for (String options : new String[] {"-i 0.0.0.0", "-i 192.0.2.1", "-i ::", "--ip 0.0.0.0", "--i=0.0.0.0",
            "--i 0.0.0.0", "-i0.0.0.0"}) {
            try {
                run("telnetd " + options + " -p 0 start");
                throw new AssertionError("telnetd accepted " + options);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("127.0.0.1"));
            }
        }
        assertTrue(run("telnetd status"), run("telnetd status").contains("telnetd"));
    }
}
