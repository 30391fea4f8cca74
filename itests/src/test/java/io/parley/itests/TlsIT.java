package io.parley.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.parley.client.ParleyClient;
import io.parley.client.ParleyClientOptions;
import io.parley.testkit.exam.ParleyTestSupport;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The transport with a certificate and key configured: every connection is TLS, the SDK checks the server's
 * certificate, and a client that does not speak TLS, or does not trust the server, is turned away without
 * hurting anyone else. The certificate is a test-only self-signed one (src/test/resources/tls).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TlsIT extends ParleyTestSupport {

    private static final File TLS = new File("src/test/resources/tls").getAbsoluteFile();

    @Override
    protected Map<String, String> transportExtras() {
        return Map.of("tlsCertificateFile", new File(TLS, "server-cert.pem").getPath(),
                "tlsPrivateKeyFile", new File(TLS, "server-key.pem").getPath());
    }

    @Override
    protected Option[] extraOptions() {
        return new Option[] {systemProperty("parley.test.tls").value(TLS.getPath())};
    }

    @Test
    public void theWebSocketIsWssWithTheSameCertificate() throws Exception {
        awaitServer();
        java.net.URI wss = java.net.URI.create("wss://127.0.0.1:" + httpPort() + "/ws");
        String name = unique("wendy");
        awaitTrue("the HTTPS port", java.time.Duration.ofSeconds(20),
                () -> {
                    try (Socket s = new Socket("127.0.0.1", httpPort())) {
                        return true;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
        try (ParleyClient c = ParleyClient.connectWebSocket(wss, SDK_OPTIONS.withTls(material("server-cert.pem")))
                .get(10, TimeUnit.SECONDS)) {
            assertTrue(await(c.register(name, "password-1", null)) > 0);
            assertTrue(await(c.login(name, "password-1", "browser")).userId() > 0);
        }
        // Plain ws:// to the TLS port gets no WebSocket.
        try {
            ParleyClient.connectWebSocket(java.net.URI.create("ws://127.0.0.1:" + httpPort()
                    + "/ws"), SDK_OPTIONS).get(10, TimeUnit.SECONDS).close();
            fail("a plain WebSocket opened on the TLS port");
        } catch (ExecutionException expected) {
            // refused
        }
    }

    private static Path material(String name) {
        return Path.of(System.getProperty("parley.test.tls"), name);
    }

    private static ParleyClient tlsClient(String trusted) throws Exception {
        return ParleyClient.connect("127.0.0.1", port(), SDK_OPTIONS.withTls(material(trusted)))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    public void theSdkTalksTlsToAServerItTrusts() throws Exception {
        awaitServer();
        String name = unique("tina");
        try (ParleyClient c = tlsClient("server-cert.pem")) {
            assertTrue(await(c.register(name, "password-1", null)) > 0);
            assertTrue(await(c.login(name, "password-1", "pc")).userId() > 0);
            await(c.ping());
        }
    }

    @Test
    public void aClientThatDoesNotTrustTheCertificateIsRefusedAtConnect() throws Exception {
        awaitServer();
        try {
            tlsClient("other-cert.pem").close();
            fail("a client trusting only another certificate connected");
        } catch (ExecutionException e) {
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof SSLException);
        }
        try (ParleyClient c = tlsClient("server-cert.pem")) {
            await(c.ping());
        }
    }

    @Test
    public void aPlainTcpClientIsClosedAndOthersCarryOn() throws Exception {
        awaitServer();
        try (ParleyClient good = tlsClient("server-cert.pem");
                Socket plain = new Socket("127.0.0.1", port())) {
            plain.setSoTimeout(10_000);
            OutputStream out = plain.getOutputStream();
            // A Parley PING frame in clear text, which is not a TLS record.
            out.write(new byte[] {'P', 'L', 1, 0, 1, 0, 0, 0, 0});
            out.flush();
            InputStream in = plain.getInputStream();
            byte[] buffer = new byte[256];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                // The server may answer with a TLS alert before it closes; nothing of Parley comes back.
                assertTrue("no Parley frame in clear text", n == 0 || buffer[0] != 'P');
            }
            await(good.ping());
        }
    }

    /** Handshakes with TLS 1.2 offering one suite, trusting the test certificate; the suite agreed, or null. */
    private static String handshake(String suite) throws Exception {
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream pem = java.nio.file.Files.newInputStream(material("server-cert.pem"))) {
            store.setCertificateEntry("server", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(pem));
        }
        trust.init(store);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.2");
        context.init(null, trust.getTrustManagers(), null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            org.junit.Assume.assumeTrue(suite + " is not one this JDK offers",
                    java.util.Arrays.asList(socket.getSupportedCipherSuites()).contains(suite));
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getCipherSuite();
        } catch (SSLException | java.net.SocketException e) {
            return null;
        }
    }

    @Test
    public void onlyForwardSecretAeadSuitesAreAgreed() throws Exception {
        awaitServer();
        assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", handshake("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        for (String weak : new String[] {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"}) {
            assertEquals(weak + " was agreed", null, handshake(weak));
        }
    }
}
