package io.parley.testkit;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;

/**
 * A component's configuration as Declarative Services would hand it to the component's constructor, for unit
 * tests without Felix: every element of the configuration type answers its default unless the map names it.
 * Keys are the element names ({@code maxBody}, not {@code max.body}).
 */
public final class Configs {

    private static final Set<String> OBJECT_METHODS = Set.of("toString", "hashCode", "equals", "annotationType");

    private Configs() {
    }

    /** The configuration type with its defaults. */
    public static <T> T defaults(Class<T> type) {
        return of(type, Map.of());
    }

    /**
     * The configuration type with its defaults, but for the elements the map names.
     *
     * @throws IllegalArgumentException when the map names an element the type does not have, or one that has no
     *         default is left out (DS would not activate such a component either)
     */
    public static <T> T of(Class<T> type, Map<String, ?> values) {
        for (String name : values.keySet()) {
            if (!hasElement(type, name)) {
                throw new IllegalArgumentException(type.getName() + " has no element " + name);
            }
        }
        for (Method m : type.getMethods()) {
            if (isElement(m) && m.getDefaultValue() == null && !values.containsKey(m.getName())) {
                throw new IllegalArgumentException(type.getName() + "." + m.getName() + " has no default: give it");
            }
        }
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            return switch (method.getName()) {
                case "toString" -> type.getSimpleName() + values;
                case "hashCode" -> System.identityHashCode(self);
                case "equals" -> self == args[0];
                case "annotationType" -> type;
                default -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue();
            };
        });
        return type.cast(proxy);
    }

    private static boolean hasElement(Class<?> type, String name) {
        for (Method m : type.getMethods()) {
            if (isElement(m) && m.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isElement(Method m) {
        return m.getParameterCount() == 0 && !OBJECT_METHODS.contains(m.getName())
                && m.getDeclaringClass() != Object.class;
    }
}
