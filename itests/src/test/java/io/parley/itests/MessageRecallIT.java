package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.parley.api.message.InboxEntry;
import io.parley.client.ParleyClient;
import io.parley.client.ParleySession;
import io.parley.protocol.Status;
import io.parley.protocol.Types;
import io.parley.testkit.exam.ParleyTestSupport;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The message-recall feature deployed into a running server: the sender takes a 1:1 or a group message back within
 * recallSeconds, every device of every receiver gets the event (live and at its next pull), HISTORY and MSG_PULL no
 * longer serve the text, nobody else may recall it, the window changes live, and without the feature MSG_RECALL is
 * UNSUPPORTED and messages stay as sent. It also hot-deploys under load with nothing dropped or lost.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MessageRecallIT extends ParleyTestSupport {

    private static final String PID = "io.parley.feature.recall";

    @Inject
    private ConfigurationAdmin configurations;

    private Bundle feature;

    @After
    public void uninstallFeature() throws Exception {
        if (feature != null && feature.getState() != Bundle.UNINSTALLED) {
            feature.uninstall();
        }
    }

    private static List<String> texts(List<InboxEntry> entries) {
        return entries.stream().filter(e -> InboxEntry.MSG.equals(e.kind())).map(InboxEntry::text).toList();
    }

    private static List<Long> recalled(List<InboxEntry> entries) {
        return entries.stream().map(ParleyClient::recalledMsgId).filter(OptionalLong::isPresent)
                .map(OptionalLong::getAsLong).toList();
    }

    private void deploy() throws Exception {
        feature = context.installBundle(new File(System.getProperty("parley.feature.recall")).toURI().toString());
        feature.start();
    }

    /** MSG_RECALL of no message: NOT_FOUND once the feature answers, UNSUPPORTED while it does not. */
    private void awaitRecall(ParleyClient c, boolean on) throws InterruptedException {
        awaitTrue("MSG_RECALL " + (on ? "answered" : "gone"), Duration.ofSeconds(10), () -> {
            try {
                return (answer(c.recall(Long.MAX_VALUE)) != Status.UNSUPPORTED) == on;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    public void theSenderRecallsDirectAndGroupMessagesAndEveryDeviceSeesItGone() throws Exception {
        awaitServer();
        String alice = registered("rca");
        String bob = registered("rcb");
        String carol = registered("rcc");
        ParleyClient a = loggedIn(alice);
        ParleyClient b = loggedIn(bob);
        ParleyClient c = loggedIn(carol);
        befriend(a, alice, b, bob);
        befriend(a, alice, c, carol);

        long before = await(a.sendMessage(bob, "sent without the feature", "r0")).msgId();
        assertEquals("not installed", Status.UNSUPPORTED, answer(a.recall(before)));

        deploy();
        awaitRecall(a, true);
        // bob's phone is online through the SDK's reliable session; it gets the event as it comes.
        List<InboxEntry> phone = new CopyOnWriteArrayList<>();
        ParleySession bobPhone = ParleySession.login("127.0.0.1", port(), bob, PASSWORD, "phone", SDK_OPTIONS,
                phone::add).get(15, TimeUnit.SECONDS);
        try {
            long oops = await(a.sendMessage(bob, "oops, wrong chat", "r1")).msgId();
            long kept = await(a.sendMessage(bob, "this one stays", "r2")).msgId();
            awaitTrue("bob's phone to get both", Duration.ofSeconds(10), () -> texts(phone).size() >= 2);

            assertEquals("bob did not send it", Status.FORBIDDEN, answer(b.recall(oops)));
            assertEquals("carol does not hold it", Status.NOT_FOUND, answer(c.recall(oops)));
            await(a.recall(oops));
            await(a.recall(oops)); // a repeat after a lost answer: OK again, nothing more happens

            awaitTrue("bob's phone to get the recall", Duration.ofSeconds(10), () -> recalled(phone).contains(oops));
            assertEquals(List.of(oops), recalled(phone));
            List<InboxEntry> pulled = await(b.pull(0, 100)).messages();
            assertEquals(List.of("sent without the feature", "this one stays"), texts(pulled));
            assertEquals("one event, in bob's inbox once", List.of(oops), recalled(pulled));
            List<InboxEntry> history = await(b.history(alice, null, 50));
            assertFalse(texts(history).contains("oops, wrong chat"));
            assertEquals(List.of(oops), recalled(history));
            assertEquals("alice's own inbox too, newest first", List.of("this one stays", "sent without the feature"),
                    texts(await(a.history(bob, null, 50))));
            assertEquals(kept, (long) await(b.history(alice, null, 50)).stream()
                    .filter(e -> InboxEntry.MSG.equals(e.kind())).findFirst().orElseThrow().msgId());

            // A group message: every member's inbox gets the event, the text leaves the group's history.
            long group = await(a.createGroup("recall", List.of(bob, carol)));
            long inGroup = await(c.sendToGroup(group, "wrong group", "g1")).msgId();
            assertEquals("the group's owner did not send it", Status.FORBIDDEN,
                    answer(a.recall(inGroup)));
            await(c.recall(inGroup));
            for (ParleyClient member : List.of(a, b, c)) {
                List<InboxEntry> groupHistory = await(member.groupHistory(group, null, 50));
                assertFalse(texts(groupHistory).contains("wrong group"));
                assertEquals(List.of(inGroup), recalled(groupHistory));
            }
            awaitTrue("bob's phone to get the group's recall", Duration.ofSeconds(10),
                    () -> recalled(phone).contains(inGroup));

            // The SDK's session sends and recalls through one ordered outbox.
            try (ParleySession alicePhone = ParleySession.login("127.0.0.1", port(), alice, PASSWORD, "phone",
                    SDK_OPTIONS, entry -> { }).get(15, TimeUnit.SECONDS)) {
                long sdk = alicePhone.send(bob, "sent and taken back by the SDK").get(15, TimeUnit.SECONDS);
                assertEquals(Long.valueOf(sdk), alicePhone.recall(sdk).get(15, TimeUnit.SECONDS));
                awaitTrue("bob's phone to get the SDK's recall", Duration.ofSeconds(10),
                        () -> recalled(phone).contains(sdk));
            }
        } finally {
            bobPhone.close();
        }
    }

    @Test
    public void theWindowIsASettingThatChangesLiveAndWithoutTheFeatureMessagesStay() throws Exception {
        awaitServer();
        String alice = registered("rwa");
        String bob = registered("rwb");
        ParleyClient a = loggedIn(alice);
        ParleyClient b = loggedIn(bob);
        befriend(a, alice, b, bob);
        deploy();
        awaitRecall(a, true);

        Configuration config = configurations.getConfiguration(PID, null);
        Dictionary<String, Object> window = new Hashtable<>();
        window.put("recallSeconds", "1");
        config.update(window);
        long old = await(a.sendMessage(bob, "older than a second", "w1")).msgId();
        Thread.sleep(1100); // the window is a time: this message must be older than it
        awaitTrue("the one-second window", Duration.ofSeconds(10), () -> {
            try {
                return answer(a.recall(old)) == Status.FORBIDDEN;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        io.parley.api.ParleyException late = failure(a.recall(old));
        assertTrue(late.getMessage(), late.getMessage().startsWith("A message can be recalled within 1 seconds"));
        config.delete();

        long fresh = await(a.sendMessage(bob, "kept as sent", "w2")).msgId();
        feature.uninstall();
        awaitRecall(a, false);
        assertEquals(Status.UNSUPPORTED, answer(a.recall(fresh)));
        assertEquals(List.of("older than a second", "kept as sent"), texts(await(b.pull(0, 100)).messages()));
        assertEquals("the type is the protocol's", "MSG_RECALL", Types.name(Types.MSG_RECALL));
    }

    /** The kit's promise: installed, updated and uninstalled while 20 users chat, nothing dropped or lost. */
    @Test
    public void itHotDeploysWhileUsersChatWithNoDropAndNoLoss() throws Exception {
        awaitServer();
        System.out.println(assertHotDeploys(Path.of(System.getProperty("parley.feature.recall"))));
    }
}
