package io.parley.admin.internal;

import io.parley.api.admin.AdminCommand;
import io.parley.api.admin.AdminException;
import io.parley.api.admin.Arguments;
import io.parley.api.admin.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code features.*}: the feature bundles shipped in the distribution's {@code features/} folder, listed,
 * installed, updated and uninstalled by name. Only a jar already in that folder can be installed: never one sent
 * over HTTP, never one from a path or URL the caller gives.
 */
final class FeatureCommands {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureCommands.class);

    /** A feature's name: the jar's file name without ".jar". */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");

    /** What features.list says of one. */
    record Feature(String name, String symbolicName, String version, String state) {
    }

    private final BundleContext context;
    private final Path folder;

    FeatureCommands(BundleContext context, Path folder) {
        this.context = context;
        this.folder = folder;
    }

    List<AdminCommand> commands() {
        Parameter name = Parameter.required("name", Parameter.Type.STRING, "the jar's name in features/, without .jar");
        return List.of(
                command("features.list", "List the features in the distribution's features/ folder and whether each runs.",
                        List.of(), a -> list()),
                command("features.install", "Install and start a feature from the features/ folder.", List.of(name),
                        a -> install(a.string("name"))),
                command("features.update", "Update an installed feature from its jar in the features/ folder.",
                        List.of(name), a -> update(a.string("name"))),
                command("features.uninstall", "Uninstall a feature; its stored data stays.", List.of(name),
                        a -> uninstall(a.string("name"))));
    }

    private interface Body {
        Object run(Arguments arguments) throws BundleException, IOException;
    }

    private static AdminCommand command(String name, String summary, List<Parameter> parameters, Body body) {
        return AdminCommand.of(name, summary, parameters, arguments -> {
            try {
                return body.run(arguments);
            } catch (BundleException e) {
                throw new AdminException(e.getType() == BundleException.DUPLICATE_BUNDLE_ERROR
                        ? AdminException.Kind.CONFLICT : AdminException.Kind.FAILED, e.getMessage(), e);
            } catch (IOException e) {
                throw new AdminException(AdminException.Kind.FAILED, "The feature could not be read: " + e.getMessage(), e);
            }
        });
    }

    List<Feature> list() throws IOException {
        List<Feature> all = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return all;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(folder, "*.jar")) {
            for (Path jar : jars) {
                String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
                String symbolicName;
                try {
                    symbolicName = symbolicName(jar);
                } catch (AdminException | IOException e) {
                    all.add(new Feature(name, null, null, "not a bundle"));
                    continue;
                }
                Optional<Bundle> running = installedFrom(jar);
                all.add(new Feature(name, symbolicName, running.map(b -> b.getVersion().toString()).orElse(null),
                        running.map(b -> state(b.getState())).orElse("not installed")));
            }
        }
        all.sort((a, b) -> a.name().compareTo(b.name()));
        return all;
    }

    private Feature install(String name) throws BundleException, IOException {
        Path jar = jar(name);
        if (installed(context, symbolicName(jar)).isPresent()) {
            throw new AdminException(AdminException.Kind.CONFLICT, "'" + name + "' is installed already; update it instead.");
        }
        Bundle bundle;
        try (InputStream in = Files.newInputStream(jar)) {
            bundle = context.installBundle(jar.toUri().toString(), in);
        }
        try {
            bundle.start();
        } catch (BundleException | RuntimeException e) {
            // Not left half-installed: a retry would find it "installed already".
            bundle.uninstall();
            throw e;
        }
        return describe(name, bundle);
    }

    private Feature update(String name) throws BundleException, IOException {
        Path jar = jar(name);
        Bundle bundle = installedFrom(jar).orElseThrow(() -> notInstalled(name));
        replace(bundle, jar, context.getBundle(0).adapt(FrameworkWiring.class));
        return describe(name, bundle);
    }

    /**
     * Replaces a bundle with the jar, restarting it once: stopped, updated, the bundles wired to its old revision
     * refreshed (they restart on the new one), then started. An update alone restarts it, and the refresh after it
     * restarts it again: every connection and request of it would go through two windows instead of one.
     */
    static void replace(Bundle bundle, Path jar, FrameworkWiring wiring) {
        boolean wasActive = bundle.getState() == Bundle.ACTIVE || bundle.getState() == Bundle.STARTING;
        try {
            if (wasActive) {
                bundle.stop(Bundle.STOP_TRANSIENT);
            }
            try (InputStream in = Files.newInputStream(jar)) {
                bundle.update(in);
            }
            refresh(wiring, bundle);
            if (wasActive) {
                bundle.start(Bundle.START_TRANSIENT);
            }
        } catch (BundleException e) {
            throw new AdminException(AdminException.Kind.FAILED, "The framework refused the update: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.FAILED, jar + " could not be read: " + e.getMessage(), e);
        } finally {
            // A failed update, refresh or start must not leave the bundle stopped (its old build, if the update
            // was refused): it was serving, so it serves again.
            int state = bundle.getState();
            if (wasActive && state != Bundle.ACTIVE && state != Bundle.STARTING && state != Bundle.UNINSTALLED) {
                try {
                    bundle.start(Bundle.START_TRANSIENT);
                } catch (BundleException | RuntimeException e) {
                    LOG.error("{} could not be started again "
                            + "after a failed update", bundle.getSymbolicName(), e);
                }
            }
        }
    }

    private Feature uninstall(String name) throws BundleException, IOException {
        Path jar = jar(name);
        Bundle bundle = installedFrom(jar).orElseThrow(() -> notInstalled(name));
        bundle.uninstall();
        refresh(bundle);
        return new Feature(name, bundle.getSymbolicName(), null, "not installed");
    }

    private static Feature describe(String name, Bundle bundle) {
        return new Feature(name, bundle.getSymbolicName(), bundle.getVersion().toString(), state(bundle.getState()));
    }

    /** The jar of a feature by name, only ever from the features/ folder. */
    private Path jar(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new AdminException(AdminException.Kind.BAD_ARGUMENT, "A feature's name is the jar's name in features/ "
                    + "(lower-case letters, digits, dots and dashes), without .jar.");
        }
        Path jar = folder.resolve(name + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "No feature '" + name + "' in " + folder + ".");
        }
        return jar;
    }

    static String symbolicName(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            String value = file.getManifest() == null ? null
                    : file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            if (value == null) {
                throw new AdminException(AdminException.Kind.FAILED, jar.getFileName() + " is not a bundle.");
            }
            return value.split(";")[0].trim();
        }
    }

    private static AdminException notInstalled(String name) {
        return new AdminException(AdminException.Kind.NOT_FOUND, "'" + name + "' is not installed from features/.");
    }

    /**
     * The bundle installed from this very jar (its location), so that a jar in features/ bearing another
     * bundle's name can never update or remove that bundle.
     */
    private Optional<Bundle> installedFrom(Path jar) {
        String location = jar.toUri().toString();
        for (Bundle b : context.getBundles()) {
            if (location.equals(b.getLocation())) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /**
     * Lets bundles wired to the old revision move to the new one (or let go of the removed one), and waits for
     * it, so that the answer tells the state the feature is left in.
     */
    private void refresh(Bundle bundle) {
        refresh(context.getBundle(0).adapt(FrameworkWiring.class), bundle);
    }

    /** {@code wiring} taken beforehand: an update of the admin bundle itself leaves its context invalid. */
    static void refresh(FrameworkWiring wiring, Bundle bundle) {
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(List.of(bundle), event -> done.countDown());
        try {
            if (!done.await(30, TimeUnit.SECONDS)) {
                throw new AdminException(AdminException.Kind.FAILED, "The framework did not finish refreshing within 30 s.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException(AdminException.Kind.FAILED, "Interrupted while the framework refreshed.", e);
        }
    }

    /** The installed bundle of that symbolic name (never the framework itself). */
    static Optional<Bundle> installed(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName()) && b.getBundleId() != 0) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    static String state(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.INSTALLED -> "installed (not resolved)";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            default -> "uninstalled";
        };
    }
}
