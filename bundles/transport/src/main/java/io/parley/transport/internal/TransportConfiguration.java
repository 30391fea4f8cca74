package io.parley.transport.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Parley transport", description = "The TCP listener for the Parley protocol")
@interface TransportConfiguration {

    @AttributeDefinition(description = "Address to listen on; 0.0.0.0 for every interface")
    String host() default "0.0.0.0";

    @AttributeDefinition(description = "TCP port; 0 picks a free one")
    int port() default 7700;

    @AttributeDefinition(description = "Largest frame body accepted, in bytes; larger closes the connection")
    int maxBody() default 65536;

    @AttributeDefinition(description = "A connection that has not logged in after this many seconds is closed")
    int loginTimeoutSeconds() default 10;

    @AttributeDefinition(description = "Seconds without reading anything that count as one missed heartbeat")
    int heartbeatReadIdleSeconds() default 6;

    @AttributeDefinition(description = "Missed heartbeats after which the connection is closed")
    int heartbeatMisses() default 3;

    @AttributeDefinition(description = "Threads that run request handlers (storage work happens there)")
    int workerThreads() default 16;

    @AttributeDefinition(description = "Network event loop threads; 0 for one per core")
    int ioThreads() default 0;

    @AttributeDefinition(description = "Requests one connection may have waiting; more answer RATE_LIMITED, and "
            + "at twice this many unanswered the connection is not read until its answers catch up")
    int maxPendingPerConnection() default 256;

    @AttributeDefinition(description = "Milliseconds a request waits for a service being replaced: the serializer "
            + "(after that its connection is closed), or its handler whose bundle left moments ago (at most the 2 s "
            + "of a replacement; after that it answers UNAVAILABLE)")
    long serviceWaitMs() default 5000;

    @AttributeDefinition(description = "TLS: the server's certificate chain, a PEM file (relative paths are "
            + "from the distribution's folder). With tlsPrivateKeyFile set too, every connection is TLS; "
            + "empty for plain TCP")
    String tlsCertificateFile() default "";

    @AttributeDefinition(description = "TLS: the certificate's private key, an unencrypted PKCS#8 PEM file "
            + "(BEGIN PRIVATE KEY)")
    String tlsPrivateKeyFile() default "";

    @AttributeDefinition(description = "Session events (logins and logouts, for presence and pending friend "
            + "requests) that may wait for their thread; beyond, they are dropped with a WARN. Applies at the next "
            + "start of the transport")
    int maxQueuedSessionEvents() default 100000;

    @AttributeDefinition(description = "Open connections in all, logged in or not; a connection beyond is closed "
            + "when accepted; 0 for no limit")
    int maxConnections() default 100000;

    @AttributeDefinition(description = "Open connections from one remote address; a connection beyond is closed "
            + "when accepted; 0 for no limit")
    int maxConnectionsPerAddress() default 100;

    @AttributeDefinition(description = "Load balancers that begin every connection with a PROXY protocol header "
            + "(v1 or v2), as IP addresses or CIDR ranges, comma-separated. A connection from one of them must send "
            + "the header, and the client address it gives counts for every per-address limit, the log and "
            + "parley:sessions; from any other address a header is refused like any bad frame. Empty: none")
    String proxyProtocolFrom() default "";

    @AttributeDefinition(description = "Requests one user may send, over all its connections on this node: "
            + "TYPE:COUNT/SECONDS, comma-separated (TYPE a name or a code); a burst of COUNT, refilled at COUNT "
            + "per SECONDS; beyond, RATE_LIMITED with retryAfterMs. Empty: no limit")
    String userRates() default DEFAULT_USER_RATES;

    String DEFAULT_USER_RATES = "MSG_SEND:60/10, GROUP_SEND:60/10, FRIEND_ADD:30/3600, GROUP_CREATE:20/3600, "
            + "GROUP_JOIN:30/3600";
}
