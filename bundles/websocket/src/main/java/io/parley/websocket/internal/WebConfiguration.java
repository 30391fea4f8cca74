package io.parley.websocket.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Parley HTTP and WebSocket", description = "The public HTTP port: the web client at / "
        + "and the Parley protocol over WebSocket at /ws")
@interface WebConfiguration {

    @AttributeDefinition(description = "Address to listen on; 0.0.0.0 for every interface")
    String host() default "0.0.0.0";

    @AttributeDefinition(description = "HTTP port (WebSocket at /ws, the web client at /); 0 picks a free one")
    int httpPort() default 7780;

    @AttributeDefinition(description = "Origins besides the server's own that may open a WebSocket, as a browser "
            + "sends them (https://chat.example.com), comma-separated; * for any. A browser's upgrade from any "
            + "other origin answers 403. Clients that send no Origin (not a browser) are let in")
    String allowedOrigins() default "";

    @AttributeDefinition(description = "Seconds an HTTP connection may stay open before it becomes a WebSocket; "
            + "then it is closed (a browser opens another for its next file). A WebSocket is under the transport's "
            + "login deadline and heartbeats instead")
    int httpSeconds() default 30;
}
