package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.cm.ConfigurationAdminOptions.newConfiguration;

import io.parley.api.message.InboxEntry;
import io.parley.api.store.MessageStore;
import io.parley.client.ParleyClient;
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
 * The message log, the distribution's message store, in Felix: it serves while configured, the database
 * store takes over when its configuration is deleted, and it comes back with every message it held.
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

    private String store() {
        var reference = context.getServiceReference(MessageStore.class);
        return reference == null ? "none" : String.valueOf(reference.getProperty("parley.store"));
    }

    /** The texts in c's inbox; again while the pull handler is being rebound to another store. */
    private static List<String> texts(ParleyClient c) throws Exception {
        return whenReady(() -> c.pull(0, null)).messages().stream().map(InboxEntry::text).toList();
    }

    /**
     * Whether no store holds the log file: the store releases it only once closed, after which it takes no
     * more writes (SCR unregisters a component's service before it deactivates the component).
     */
    private static boolean released(java.nio.file.Path file) {
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE);
                var lock = channel.tryLock()) {
            return lock != null;
        } catch (java.nio.channels.OverlappingFileLockException | java.io.IOException e) {
            return false;
        }
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
        Object serviceId = context.getServiceReference(MessageStore.class).getProperty("service.id");
        Dictionary<String, Object> noSync = new java.util.Hashtable<>();
        noSync.put("directory", settings.get("directory"));
        noSync.put("fsync", "false");
        log.update(noSync);
        await(a.sendMessage("log_b", "without fsync", "l0"));
        Thread.sleep(1500);
        assertEquals("fsync changes in place: the store never stopped, so no other store served meanwhile",
                serviceId, context.getServiceReference(MessageStore.class).getProperty("service.id"));
        assertEquals(List.of("in the log", "without fsync"), texts(b));
        log.delete();
        awaitTrue("the database store to take over", Duration.ofSeconds(30), () -> "jdbc".equals(store()));
        // A send answered while the log was unregistered but not yet closed is in the log (README: switch
        // stores with the server idle); once it is closed, every send that succeeds is in the database.
        java.nio.file.Path file = java.nio.file.Path.of(String.valueOf(settings.get("directory")), "messages.log");
        awaitTrue("the log to close", Duration.ofSeconds(30), () -> released(file));
        var sent = whenReady(() -> a.sendMessage("log_b", "in the database", "d1"));
        assertEquals("sent as message " + sent.msgId(), List.of("in the database"), texts(b));

        configurationAdmin.getConfiguration("io.parley.storage.log", "?").update(settings);
        awaitTrue("the log to serve again", Duration.ofSeconds(30), () -> "log".equals(store()));
        assertEquals("the log kept what it held", List.of("in the log", "without fsync"), texts(b));
        whenReady(() -> a.sendMessage("log_b", "after", "l2"));
        assertEquals(List.of("in the log", "without fsync", "after"), texts(b));
    }
}
