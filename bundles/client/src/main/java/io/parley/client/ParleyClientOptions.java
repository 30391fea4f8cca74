package io.parley.client;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.parley.protocol.Frame;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * Connection options.
 *
 * @param requestTimeout how long a call waits for its response before it fails with a TimeoutException
 * @param heartbeat      a PING is sent after this long without writing (the server closes idle connections)
 * @param maxBody        the largest body accepted from the server
 * @param eventLoop      a Netty event loop group to share between many clients, or null for one of its own
 * @param tls            TLS to the server, or null for plain TCP; the server's certificate must match the host
 *                       name or address connected to
 * @param loginCache     where SCRAM logins keep the keys they derived, to skip PBKDF2 next time; null for none
 * @param plainFallback  when {@link ParleyClient#login} may send LOGIN with the password after the server refused
 *                       a SCRAM proof (an account from before SCRAM moves over at that LOGIN) or has no SCRAM
 */
public record ParleyClientOptions(Duration requestTimeout, Duration heartbeat, int maxBody, EventLoopGroup eventLoop,
        SslContext tls, LoginCache loginCache, PlainFallback plainFallback) {

    /**
     * When a refused or unavailable SCRAM login may be followed by LOGIN with the password. Anyone who can answer
     * in the server's place can refuse a proof, so the password goes out only where TLS, with the server's
     * certificate checked, protects it, unless the application says otherwise.
     */
    public enum PlainFallback {
        /** Never: the password never leaves this process; accounts from before SCRAM cannot log in. */
        NEVER,
        /** Only on a connection with TLS (the default). */
        OVER_TLS,
        /** Also on plain TCP (loopback, or a network the application trusts). */
        ALWAYS
    }

    /** The options of SDK 2.1, with no login cache and the fallback to LOGIN over TLS only. */
    public ParleyClientOptions(Duration requestTimeout, Duration heartbeat, int maxBody, EventLoopGroup eventLoop,
            SslContext tls) {
        this(requestTimeout, heartbeat, maxBody, eventLoop, tls, null, PlainFallback.OVER_TLS);
    }

    public static ParleyClientOptions defaults() {
        return new ParleyClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(5), Frame.DEFAULT_MAX_BODY, null, null);
    }

    /** Shares a cache of SCRAM keys between the clients given these options; null for none. */
    public ParleyClientOptions withLoginCache(LoginCache cache) {
        return new ParleyClientOptions(requestTimeout, heartbeat, maxBody, eventLoop, tls, cache, plainFallback);
    }

    /** When a refused SCRAM login may be followed by LOGIN with the password; see {@link PlainFallback}. */
    public ParleyClientOptions withPlainFallback(PlainFallback fallback) {
        return new ParleyClientOptions(requestTimeout, heartbeat, maxBody, eventLoop, tls, loginCache, fallback);
    }

    public ParleyClientOptions withRequestTimeout(Duration timeout) {
        return new ParleyClientOptions(timeout, heartbeat, maxBody, eventLoop, tls, loginCache, plainFallback);
    }

    public ParleyClientOptions withHeartbeat(Duration interval) {
        return new ParleyClientOptions(requestTimeout, interval, maxBody, eventLoop, tls, loginCache, plainFallback);
    }

    public ParleyClientOptions withEventLoop(EventLoopGroup group) {
        return new ParleyClientOptions(requestTimeout, heartbeat, maxBody, group, tls, loginCache, plainFallback);
    }

    /** TLS, trusting the certificate authorities the JVM trusts (a server with a certificate from a public CA). */
    public ParleyClientOptions withTls() {
        return withTls(build(SslContextBuilder.forClient()));
    }

    /** TLS, trusting only the certificates in a PEM file (a server with a private or self-signed certificate). */
    public ParleyClientOptions withTls(Path trustedCertificatesPem) {
        return withTls(build(SslContextBuilder.forClient().trustManager(trustedCertificatesPem.toFile())));
    }

    /** TLS with a context of the caller's own (client certificates, pinned keys, ...). */
    public ParleyClientOptions withTls(SslContext context) {
        return new ParleyClientOptions(requestTimeout, heartbeat, maxBody, eventLoop, context, loginCache, plainFallback);
    }

    private static SslContext build(SslContextBuilder builder) {
        try {
            return builder.protocols("TLSv1.3", "TLSv1.2").build();
        } catch (SSLException e) {
            throw new UncheckedIOException("Cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
