package io.parley.api.handler;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that registers a {@link RequestHandler} for one request type code, as the service
 * property {@code parley.type}: {@code @Component @ParleyType(Types.LOGIN) final class LoginHandler ...}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ParleyType {
    /** The service property name the transport tracks handlers by. */
    String PROPERTY = "parley.type";

    /** The request type code this handler answers, 0..255. */
    int value();
}
