package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.message.InboxEntry;
import io.parley.api.message.SendResponse;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.testkit.exam.ParleyTestSupport;
import java.io.File;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import javax.inject.Inject;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The content-filter feature deployed into a running server: masked words reach the receiver as stars (and the
 * sender hears {@code masked: true}), refused ones store nothing, in 1:1 and group messages alike; its words
 * change live; uninstalled, messages pass as sent again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ContentFilterIT extends ParleyTestSupport {

    private static final String PID = "io.parley.feature.contentfilter";

    @Inject
    private ConfigurationAdmin configurations;

    private Bundle feature;

    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption(),
            newConfiguration(PID).put("mask", "darn, heck").put("reject", "spamword")
                    .put("rejectMessage", "No spam here.").asOption(),
        };
    }

    @After
    public void uninstallFeature() throws Exception {
        if (feature != null && feature.getState() != Bundle.UNINSTALLED) {
            feature.uninstall();
        }
    }

    private static List<String> texts(ParleyClient c) throws Exception {
        return await(c.pull(0, 100)).messages().stream().filter(e -> InboxEntry.MSG.equals(e.kind()))
                .map(InboxEntry::text).toList();
    }

    /** Sends until the answer shows the filter (masked) or its absence: the feature comes and goes live. */
    private void awaitFilter(ParleyClient sender, String to, boolean on) throws Exception {
        awaitTrue("the filter " + (on ? "on" : "off"), Duration.ofSeconds(10), () -> {
            try {
                SendResponse r = await(sender.sendMessage(to, "darn probe", unique("probe")));
                return Boolean.TRUE.equals(r.masked()) == on;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    public void maskedAndRefusedBeforeStoringInDirectAndGroupMessagesChangedLiveAndGoneWithTheFeature()
            throws Exception {
        awaitServer();
        String alice = registered("cfa");
        String bob = registered("cfb");
        String carol = registered("cfc");
        ParleyClient a = loggedIn(alice);
        ParleyClient b = loggedIn(bob);
        ParleyClient c = loggedIn(carol);

        SendResponse before = await(a.sendMessage(bob, "oh darn", "c0"));
        assertNull("no filter, nothing masked", before.masked());

        feature = context.installBundle(new File(System.getProperty("parley.feature.contentfilter")).toURI().toString());
        feature.start();
        awaitFilter(a, carol, true);

        SendResponse masked = await(a.sendMessage(bob, "Oh DARN, what the heck", "c1"));
        assertEquals(Boolean.TRUE, masked.masked());
        SendResponse clean = await(a.sendMessage(bob, "all fine", "c2"));
        assertNull(clean.masked());
        io.parley.api.ParleyException refused = failure(a.sendMessage(bob, "buy SPAMWORD now", "c3"));
        assertEquals(Status.FORBIDDEN, refused.status());
        assertEquals("No spam here.", refused.getMessage());
        assertEquals("stored as filtered, the refused one not at all",
                List.of("oh darn", "Oh ****, what the ****", "all fine"), texts(b));
        assertEquals("the sender's own inbox has the stored text too",
                "Oh ****, what the ****", texts(a).stream().filter(t -> t.startsWith("Oh")).findFirst().orElseThrow());

        long group = await(a.createGroup("filtered", List.of(bob, carol)));
        SendResponse inGroup = await(b.sendToGroup(group, "heck yes", "g1"));
        assertEquals(Boolean.TRUE, inGroup.masked());
        assertEquals(Status.FORBIDDEN, failure(b.sendToGroup(group, "spamword", "g2")).status());
        assertTrue(texts(c).contains("**** yes"));
        assertFalse(texts(c).contains("spamword"));

        // Live: new words in the configuration apply to the next message.
        Configuration config = configurations.getConfiguration(PID, null);
        Dictionary<String, Object> next = new Hashtable<>();
        next.put("mask", "gosh");
        config.update(next);
        awaitTrue("the new words", Duration.ofSeconds(10), () -> {
            try {
                return Boolean.TRUE.equals(await(a.sendMessage(carol, "gosh", unique("live"))).masked());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertNull("the old words are gone", await(a.sendMessage(bob, "darn", "c4")).masked());

        // Uninstalled: messages pass as sent; nothing stored before changes.
        feature.uninstall();
        next.put("mask", "darn");
        config.update(next);
        awaitFilter(a, carol, false);
        await(a.sendMessage(bob, "spamword is fine now", "c5"));
        assertTrue(texts(b).containsAll(List.of("Oh ****, what the ****", "spamword is fine now")));
    }

    /** The kit's promise: installed, updated and uninstalled while 20 users chat, nothing dropped or lost. */
    @Test
    public void itHotDeploysWhileUsersChatWithNoDropAndNoLoss() throws Exception {
        awaitServer();
        System.out.println(assertHotDeploys(java.nio.file.Path.of(System.getProperty("parley.feature.contentfilter"))));
    }
}
