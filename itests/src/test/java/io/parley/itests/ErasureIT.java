package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.account.LoginResponse;
import io.parley.client.Notice;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.testkit.exam.ParleyTestSupport;
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

    /** The store the storage switch chose (the log here, H2 in ErasureOnH2IT), as retention's sweep uses it. */
    private io.parley.api.store.MessageStore chosenStore() throws Exception {
        return context.getService(context.getServiceReferences(io.parley.api.store.MessageStore.class,
                "(parley.store=" + store() + ")").iterator().next());
    }

    /**
     * Retention takes the oldest entries out of an inbox: a session whose cursor is still before them goes on with
     * the entries that are left instead of waiting for the seqs that are gone.
     */
    @Test
    public void aSessionGoesOnPastEntriesRetentionTook() throws Exception {
        awaitServer();
        String sender = registered("rita");
        String reader = registered("rolf");
        ParleyClient a = client();
        await(a.login(sender, PASSWORD, "pc"));
        for (int i = 0; i < 5; i++) {
            String text = "r" + i;
            whenReady(() -> a.sendMessage(reader, text, text));
            Thread.sleep(5); // each its own millisecond: the cutoff below falls between two of them
        }
        // The three oldest messages of the whole store go: this test's are the newest, so take what it sent
        // before, then three of its own, by asking for the cutoff of its fourth message.
        long fourth = await(a.pull(0, 10)).messages().get(3).ts();
        io.parley.api.store.MessageStore messages = chosenStore();
        while (messages.deleteBefore(fourth, 1000) > 0) {
            // every message before the fourth, in steps
        }
        java.util.List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.parley.client.ParleySession session = await(io.parley.client.ParleySession.login("127.0.0.1", port(),
                reader, PASSWORD, "phone", SDK_OPTIONS, e -> got.add(e.text())));
        try {
            awaitTrue("the entries left to arrive", Duration.ofSeconds(10), () -> got.size() >= 2);
            whenReady(() -> a.sendMessage(reader, "r5", "r5"));
            awaitTrue("and the next one", Duration.ofSeconds(10), () -> got.size() >= 3);
            assertEquals(java.util.List.of("r3", "r4", "r5"), got);
        } finally {
            session.close();
        }
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
