package io.parley.testkit;

import io.parley.api.handler.RequestHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A bundle's components built by hand, for tests that run its request handlers without Felix: the handlers by
 * request type, and the components that take optional services, to {@link #offer} them to. A bundle's test
 * sources subclass it in the bundle's own package, where its constructors are visible.
 */
public abstract class Kit implements AutoCloseable {

    private final List<Object> components = new ArrayList<>();
    private final Map<Integer, RequestHandler> handlers = new TreeMap<>();

    /** Remembers a component, so that {@link #offer} reaches it; returns it. */
    protected final <T> T component(T component) {
        components.add(component);
        return component;
    }

    /** Registers a handler for a request type, as its {@code parley.type} property would. */
    protected final void handler(int type, RequestHandler handler) {
        if (handlers.putIfAbsent(type, component(handler)) != null) {
            throw new IllegalStateException("two handlers for type " + type);
        }
    }

    /** The handlers by request type. */
    public final Map<Integer, RequestHandler> handlers() {
        return Collections.unmodifiableMap(handlers);
    }

    /** Binds an optional service into every component with an empty reference field of its type. */
    public final void offer(Object service) {
        for (Object component : components) {
            Components.offer(component, service);
        }
    }

    /** Stops what the components started (threads, say). */
    @Override
    public void close() {
    }
}
