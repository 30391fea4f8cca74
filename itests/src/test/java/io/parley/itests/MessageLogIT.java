package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.message.InboxEntry;
import io.parley.api.store.MessageStore;
import io.parley.client.ParleyClient;
import io.parley.protocol.Status;
import io.parley.testkit.exam.ParleyTestSupport;
import java.time.Duration;
import java.util.Dictionary;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The message log, the distribution's message store, in Felix: it serves while configured; while it is away
 * no other store takes messages in its place; the storage switch moves messages to the database and back, and
 * the log comes back with every message it held.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MessageLogIT extends ParleyTestSupport {

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Override
    protected Option[] extraOptions() {
        return new Option[] {newConfiguration("io.parley.messaging").put("requireFriendship", "false").asOption()};
    }

    /** The texts in c's inbox; again while the pull handler is being rebound to another store. */
    private static List<String> texts(ParleyClient c) throws Exception {
        return whenReady(() -> c.pull(0, null)).messages().stream().map(InboxEntry::text).toList();
    }

    private Object logStoreId() throws Exception {
        var stores = context.getServiceReferences(MessageStore.class, "(parley.store=log)");
        return stores.isEmpty() ? null : stores.iterator().next().getProperty("service.id");
    }

    @Test
    public void servesWhileConfiguredAndKeepsItsMessagesWhenSwitchedOffAndOn() throws Exception {
        awaitServer();
        assertEquals("log", store());
        ParleyClient a = client();
        ParleyClient b = client();
        await(a.register("log_a", PASSWORD, null));
        await(b.register("log_b", PASSWORD, null));
        await(a.login("log_a", PASSWORD, "pc"));
        await(b.login("log_b", PASSWORD, "pc"));
        await(a.sendMessage("log_b", "in the log", "l1"));
        assertEquals(List.of("in the log"), texts(b));

        Configuration log = configurationAdmin.getConfiguration("io.parley.storage.log", "?");
        Dictionary<String, Object> settings = log.getProperties();
        Object serviceId = logStoreId();
        Dictionary<String, Object> noSync = new java.util.Hashtable<>();
        noSync.put("directory", settings.get("directory"));
        noSync.put("fsync", "false");
        log.update(noSync);
        await(a.sendMessage("log_b", "without fsync", "l0"));
        Thread.sleep(1500);
        assertEquals("fsync changes in place: the store never stopped, so no other store served meanwhile",
                serviceId, logStoreId());
        assertEquals(List.of("in the log", "without fsync"), texts(b));
        log.delete();
        awaitTrue("the log to stop", Duration.ofSeconds(30), () -> "none".equals(store()));
        assertEquals("while the chosen store is away, no other store takes a message", Status.UNAVAILABLE,
                failure(a.sendMessage("log_b", "nowhere", "n1")).status());
        assertEquals(Status.UNAVAILABLE, failure(b.pull(0, null)).status());

        Configuration storage = configurationAdmin.getConfiguration("io.parley.storage", "?");
        Dictionary<String, Object> choice = storage.getProperties();
        Dictionary<String, Object> jdbc = new java.util.Hashtable<>();
        jdbc.put("messages", "jdbc");
        jdbc.put("cache", "none");
        storage.update(jdbc);
        awaitTrue("the database store to serve", Duration.ofSeconds(30), () -> "jdbc".equals(store()));
        var sent = whenReady(() -> a.sendMessage("log_b", "in the database", "d1"));
        assertEquals("sent as message " + sent.msgId(), List.of("in the database"), texts(b));

        storage.update(choice);
        configurationAdmin.getConfiguration("io.parley.storage.log", "?").update(settings);
        awaitTrue("the log to serve again", Duration.ofSeconds(30), () -> "log".equals(store()));
        assertEquals("the log kept what it held", List.of("in the log", "without fsync"), texts(b));
        whenReady(() -> a.sendMessage("log_b", "after", "l2"));
        assertEquals(List.of("in the log", "without fsync", "after"), texts(b));
    }
}
