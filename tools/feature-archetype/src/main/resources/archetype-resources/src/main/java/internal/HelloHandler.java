package ${package}.internal;

import io.parley.api.ParleyException;
import io.parley.api.handler.ParleyType;
import io.parley.api.handler.Request;
import io.parley.api.handler.RequestHandler;
import io.parley.api.serialization.OptionalField;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * HELLO (type ${typeCode}): {@code {id, name?}} answers {@code {greeting}}, "Hello, name!" (the caller's username
 * when no name is given). Registered as a service with its type, it is answered while this bundle runs; without
 * it, the server answers UNSUPPORTED. Logged-in users only: the server's login gate sees to that.
 */
@Component(configurationPid = "${package}", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = FeatureConfiguration.class)
@ParleyType(HelloHandler.TYPE)
public final class HelloHandler implements RequestHandler {

    /** The request type: features use 64 to 127 (docs/protocol.md of Parley lists the ones taken). */
    public static final int TYPE = ${typeCode};

    /**
     * The request and response bodies: public records, which the server's serializer reads and writes. A field
     * the client may leave out is {@code @OptionalField} (then null); a missing one that is not answers
     * BAD_REQUEST, naming it, before the handler runs.
     */
    public record HelloRequest(@OptionalField String name) {
    }

    public record HelloResponse(String greeting) {
    }

    private volatile String greeting;

    @Activate
    @Modified
    void configure(FeatureConfiguration config) {
        greeting = config.greeting();
    }

    @Override
    public Object handle(Request request) {
        String username = request.requireSession().user().username();
        String name = request.body(HelloRequest.class).name();
        if (name != null && (name.isBlank() || name.length() > 64)) {
            throw ParleyException.badRequest("'name' must be 1 to 64 characters.");
        }
        return new HelloResponse(greeting + ", " + (name == null ? username : name) + "!");
    }

    /** Never blocks: the transport may answer it on the network thread, without a trip to a worker. */
    @Override
    public boolean nonBlocking() {
        return true;
    }
}
