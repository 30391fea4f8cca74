package io.parley.admin.internal;

import io.parley.api.admin.AdminCommand;
import io.parley.api.admin.AdminException;
import io.parley.api.admin.Parameter;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bundles.*}: Parley's bundles as they run, and an update of one from a new build the operator put in the
 * distribution's {@code updates/} folder: never from a path or URL the caller gives, never a jar sent over HTTP.
 * An update refreshes what is wired to the bundle's old revision (only that), and the answer says which bundles
 * that was and how long until every component that served before serves again: the window in which requests of
 * those bundles answer UNAVAILABLE.
 */
final class BundleCommands {

    private static final Logger LOG = LoggerFactory.getLogger(BundleCommands.class);
    private static final Pattern SYMBOLIC_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    /** How long an update waits for the components to serve again before it answers. */
    static final long READY_MS = 30_000;

    /**
     * Bundles whose exported packages every other Parley bundle is wired to: updating one refreshes them all and
     * ends every connection. The operator restarts the server with the new jar instead.
     */
    static final Map<String, String> NOT_LIVE = Map.of(
            "io.parley.api", restart("api"),
            "io.parley.protocol", restart("protocol"));

    private static String restart(String jar) {
        return "Its packages are wired into every Parley bundle: updating it restarts them all and ends every "
                + "connection. Stop the server, replace bundle/parley-" + jar + "-*.jar and start it (docs/operations.md, "
                + "\"What updating each bundle costs\").";
    }

    /** What bundles.list says of one. */
    record Listed(long id, String symbolicName, String version, String state, String update) {
    }

    /** What bundles.update did. */
    record Updated(String symbolicName, String from, String to, String state, List<String> refreshed,
            long windowMs, List<String> waiting) {
    }

    private final BundleContext context;
    private final Path folder;
    private final ServiceComponentRuntime scr;

    BundleCommands(BundleContext context, Path folder, ServiceComponentRuntime scr) {
        this.context = context;
        this.folder = folder;
        this.scr = scr;
    }

    List<AdminCommand> commands() {
        return List.of(
                AdminCommand.of("bundles.list", "List Parley's bundles with their version and state, and the new "
                        + "build waiting in updates/ for each, if any.", List.of(), a -> list()),
                AdminCommand.of("bundles.update", "Update a running bundle from its new build in the updates/ folder, "
                        + "refreshing only what is wired to it; answers how long its services were away.",
                        List.of(Parameter.required("name", Parameter.Type.STRING, "the bundle's symbolic name, as "
                                + "bundles.list shows it")), a -> update(a.string("name"))));
    }

    List<Listed> list() {
        Map<String, Path> builds = builds();
        List<Listed> all = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String name = b.getSymbolicName();
            if (name != null && name.startsWith("io.parley.")) {
                Path jar = builds.get(name);
                all.add(new Listed(b.getBundleId(), name, b.getVersion().toString(), FeatureCommands.state(b.getState()),
                        jar == null ? null : folder.relativize(jar).toString()));
            }
        }
        all.sort((x, y) -> x.symbolicName().compareTo(y.symbolicName()));
        return all;
    }

    Updated update(String name) {
        if (!SYMBOLIC_NAME.matcher(name).matches()) {
            throw new AdminException(AdminException.Kind.BAD_ARGUMENT, "'name' is a bundle's symbolic name, as "
                    + "bundles.list shows it.");
        }
        Bundle bundle = FeatureCommands.installed(context, name).orElseThrow(() -> new AdminException(
                AdminException.Kind.NOT_FOUND, "No bundle '" + name + "' is installed."));
        if (NOT_LIVE.containsKey(name)) {
            throw new AdminException(AdminException.Kind.CONFLICT, name + " cannot be updated while the server runs. "
                    + NOT_LIVE.get(name));
        }
        Path jar = builds().get(name);
        if (jar == null) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "No jar in " + folder + " is a build of " + name
                    + "; put the new build there.");
        }
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        List<Bundle> closure = new ArrayList<>(wiring.getDependencyClosure(List.of(bundle)));
        if (closure.contains(context.getBundle())) {
            // The admin bundle is among those refreshed: it cannot wait for itself. It answers first, and updates
            // on a thread of its own a moment later; the console or the API comes back once it is done.
            String from = bundle.getVersion().toString();
            Thread later = new Thread(() -> {
                try {
                    Thread.sleep(200);
                    apply(bundle, jar, wiring, List.of());
                } catch (Exception e) {
                    LOG.error("Updating {} from {} failed", name, jar, e);
                }
            }, "parley-admin-self-update");
            later.setDaemon(true);
            later.start();
            return new Updated(name, from, null, "updating", names(closure), -1, List.of());
        }
        return apply(bundle, jar, wiring, closure);
    }

    /** Updates, refreshes and waits for what served before to serve again; the window is all of that. */
    private Updated apply(Bundle bundle, Path jar, FrameworkWiring wiring, List<Bundle> closure) {
        String from = bundle.getVersion().toString();
        Set<String> serving = serving(closure);
        long start = System.nanoTime();
        FeatureCommands.replace(bundle, jar, wiring);
        List<String> waiting = awaitServing(closure, serving, start + READY_MS * 1_000_000L);
        long windowMs = (System.nanoTime() - start) / 1_000_000L;
        LOG.info("Updated {} {} -> {} from {}; refreshed {}; serving again after {} ms{}", bundle.getSymbolicName(), from,
                bundle.getVersion(), jar, names(closure), windowMs, waiting.isEmpty() ? "" : "; still waiting: " + waiting);
        return new Updated(bundle.getSymbolicName(), from, bundle.getVersion().toString(),
                FeatureCommands.state(bundle.getState()), names(closure), windowMs, waiting);
    }

    private static List<String> names(Collection<Bundle> bundles) {
        return bundles.stream().map(Bundle::getSymbolicName).sorted().toList();
    }

    /** The components of these bundles that serve now (satisfied or active), by bundle and component name. */
    private Set<String> serving(Collection<Bundle> bundles) {
        Set<String> names = new TreeSet<>();
        for (Bundle b : bundles) {
            if (b.getState() == Bundle.UNINSTALLED) {
                continue;
            }
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.SATISFIED || c.state == ComponentConfigurationDTO.ACTIVE) {
                        names.add(b.getSymbolicName() + "/" + d.name);
                    }
                }
            }
        }
        return names;
    }

    /** Waits until every one of {@code before} serves again, or the deadline; returns those that do not. */
    private List<String> awaitServing(Collection<Bundle> bundles, Set<String> before, long deadline) {
        while (true) {
            Set<String> missing = new TreeSet<>(before);
            missing.removeAll(serving(bundles));
            if (missing.isEmpty() || System.nanoTime() > deadline) {
                return List.copyOf(missing);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.copyOf(missing);
            }
        }
    }

    /** The jars in updates/ by the symbolic name they carry; two for one name is refused. */
    private Map<String, Path> builds() {
        Map<String, Path> builds = new TreeMap<>();
        if (!Files.isDirectory(folder)) {
            return builds;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(folder, "*.jar")) {
            for (Path jar : jars) {
                String name;
                try {
                    name = FeatureCommands.symbolicName(jar);
                } catch (AdminException | IOException e) {
                    continue; // not a bundle: nothing to update with it
                }
                Path other = builds.put(name, jar);
                if (other != null) {
                    throw new AdminException(AdminException.Kind.CONFLICT, other.getFileName() + " and "
                            + jar.getFileName() + " in " + folder + " are both builds of " + name + "; keep one.");
                }
            }
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.FAILED, folder + " could not be read: " + e.getMessage(), e);
        }
        return builds;
    }

}
