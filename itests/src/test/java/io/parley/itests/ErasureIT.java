package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.account.LoginResponse;
import io.parley.client.Notice;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** parley:erase and parley:retention at the console, with messages in the message log as shipped. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ErasureIT extends ParleyTestSupport {

    @Inject
    private CommandProcessor processor;

    @Override
    protected Option[] extraOptions() {
        return new Option[] {newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption()};
    }

    @Test
    public void eraseTakesTheUsersMessagesTokensAndSessions() throws Exception {
        awaitServer();
        String alice = registered("erin");
        String bob = registered("bert");
        ParleyClient a = client();
        await(a.login(alice, PASSWORD, "pc"));
        for (int i = 0; i < 3; i++) {
            whenReady(() -> a.sendMessage(bob, "secret", java.util.UUID.randomUUID().toString()));
        }
        ParleyClient phone = client();
        CompletableFuture<Notice> kicked = kickedNotice(phone);
        LoginResponse before = await(phone.login(bob, PASSWORD, "phone"));
        assertEquals(3, before.seq());

        String out = Console.run(processor, "parley:erase " + bob).trim();
        assertTrue(out, out.contains("Erased '" + bob + "': 3 inbox entries and their cursors, 1 token; 1 session ended."));
        assertTrue(await(kicked).json().get("reason").getAsString().contains("erased"));
        awaitTrue("the erased user's connection to close", Duration.ofSeconds(5), () -> phone.closeFuture().isDone());
        assertEquals("the token is revoked", Status.UNAUTHENTICATED, failure(client().resume(before.token(), "phone")).status());

        ParleyClient again = client();
        LoginResponse after = await(again.login(bob, PASSWORD, "phone"));
        assertEquals("the head stays: seqs never repeat", 3, after.seq());
        assertEquals(0, after.acked());
        assertTrue(await(again.pull(0, null)).messages().isEmpty());
        assertEquals("alice keeps her copies", 3, await(a.pull(0, null)).messages().size());

        assertEquals("No user 'nobody_here'.", Console.run(processor, "parley:erase nobody_here").trim());
        assertTrue(Console.run(processor, "parley:retention").contains("Retention is off"));
    }
}
