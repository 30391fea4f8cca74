package io.parley.admin.internal;

import io.parley.api.admin.AdminCommand;
import io.parley.api.admin.AdminException;
import io.parley.api.admin.Arguments;
import io.parley.api.admin.Parameter;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code config.show}: the configuration in effect (etc/ as ConfigAdmin holds it), secrets as "***". */
@Component(service = AdminCommand.class)
public final class ConfigCommand implements AdminCommand {

    private final ConfigurationAdmin configurations;

    @Activate
    public ConfigCommand(@Reference ConfigurationAdmin configurations) {
        this.configurations = configurations;
    }

    /** Credentials written inside a value (a JDBC or Redis URL's user:password@, or password=...) as ***. */
    static String scrub(String value) {
        return value.replaceAll("(?i)(password=)[^&;,\\s]*", "$1***").replaceAll("//([^/@:\\s]+):[^/@\\s]*@", "//$1:***@");
    }

    @Override
    public String name() {
        return "config.show";
    }

    @Override
    public String summary() {
        return "Show the configuration in effect, by PID (passwords, tokens and secrets as ***).";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(Parameter.optional("pid", Parameter.Type.STRING, "only this PID, e.g. io.parley.transport"));
    }

    @Override
    public Object run(Arguments arguments) {
        Configuration[] all;
        try {
            all = configurations.listConfigurations(null);
        } catch (IOException | InvalidSyntaxException e) {
            throw new AdminException(AdminException.Kind.FAILED, "The configuration could not be read: " + e.getMessage(), e);
        }
        Map<String, Map<String, Object>> shown = new TreeMap<>();
        String only = arguments.optionalString("pid").orElse(null);
        for (Configuration c : all == null ? new Configuration[0] : all) {
            if (!c.getPid().startsWith("io.parley.") || (only != null && !c.getPid().equals(only))) {
                continue;
            }
            Dictionary<String, Object> properties = c.getProperties();
            if (properties == null) {
                continue;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            for (String key : Collections.list(properties.keys()).stream().sorted(Comparator.naturalOrder()).toList()) {
                if (key.startsWith("service.") || key.startsWith("felix.") || key.startsWith("component.")) {
                    continue;
                }
                Object value = properties.get(key);
                values.put(key, Audit.secret(key) && value != null && !String.valueOf(value).isEmpty() ? "***"
                        : value instanceof Object[] array ? Arrays.asList(array)
                        : value instanceof String text ? scrub(text) : value);
            }
            shown.put(c.getPid(), values);
        }
        if (only != null && shown.isEmpty()) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "No configuration '" + only + "'.");
        }
        return shown;
    }
}
