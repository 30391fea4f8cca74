package io.parley.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Binds optional services into a component built by hand, as Declarative Services binds a dynamic field
 * reference ({@code @Reference private volatile FriendService friends;}), for unit tests without Felix.
 */
public final class Components {

    private Components() {
    }

    /**
     * Sets each field of the component (and of its superclasses) whose type is an interface the service
     * implements and that holds nothing yet; returns the component.
     *
     * @throws IllegalArgumentException when no such field takes the service: a test that binds a service the
     *         component does not reference is wrong
     */
    public static <T> T bind(T component, Object service) {
        if (!offer(component, service)) {
            throw new IllegalArgumentException(component.getClass().getName() + " has no empty reference field for "
                    + service.getClass().getName());
        }
        return component;
    }

    /**
     * Binds the service as {@link #bind} does, where the component has a field for it.
     *
     * @return whether a field took it
     */
    public static boolean offer(Object component, Object service) {
        boolean bound = false;
        for (Class<?> c = component.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())
                        || !f.getType().isInterface() || !f.getType().isInstance(service)) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    if (f.get(component) == null) {
                        f.set(component, service);
                        bound = true;
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("Cannot bind " + f, e);
                }
            }
        }
        return bound;
    }
}
