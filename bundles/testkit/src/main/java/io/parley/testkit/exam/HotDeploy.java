package io.parley.testkit.exam;

import io.parley.testkit.load.Traffic;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * The promise a Parley feature makes to the people chatting while an operator deploys it: installing, updating and
 * uninstalling it drops no connection, loses no acknowledged message, shows none twice, and fails no send.
 * {@link #assertHotDeploys} keeps that promise's books for one feature jar, in the running framework, with
 * {@link Traffic} flowing all along, and fails with a table of each step when any figure is not zero.
 */
public final class HotDeploy {

    /** How long traffic flows after each step, so that what the step disturbed shows in its figures. */
    public static final Duration SETTLE = Duration.ofMillis(1500);

    private HotDeploy() {
    }

    /** One step: its name, when it began and ended on the {@link Traffic#now} clock. */
    private record Step(String name, long start, long end) {
    }

    /**
     * Installs the feature jar and starts it, updates it with a new build of itself (the same classes, one more
     * manifest header, so the framework sees a new bundle revision), and uninstalls it, refreshing the framework
     * after the update and the uninstall as an operator's deploy folder does, while {@code traffic} flows; then stops the traffic,
     * waits until everything sent was answered and delivered, and checks every step. {@code traffic} is stopped
     * on return. Returns the report (a Markdown table); throws {@link AssertionError} with it on a broken promise.
     */
    public static String assertHotDeploys(BundleContext context, Path featureJar, Traffic traffic) throws Exception {
        if (!Files.isRegularFile(featureJar)) {
            throw new IllegalArgumentException("No feature jar at " + featureJar + ": build it first (mvn package)");
        }
        Path rebuilt = Files.createTempFile("parley-feature-", ".jar");
        Jars.rebuild(featureJar, rebuilt);
        List<Step> steps = new ArrayList<>();
        Bundle[] bundle = new Bundle[1];
        steps.add(step("steady traffic (baseline)", () -> { }));
        steps.add(step("install " + featureJar.getFileName(), () -> {
            try (InputStream in = Files.newInputStream(featureJar)) {
                bundle[0] = context.installBundle("parley-hotdeploy:" + featureJar.getFileName(), in);
            }
            bundle[0].start();
        }));
        steps.add(step("update it (a new build)", () -> {
            try (InputStream in = Files.newInputStream(rebuilt)) {
                bundle[0].update(in);
            }
            refresh(context, bundle[0]);
            if (bundle[0].getState() != Bundle.ACTIVE) {
                throw new AssertionError(bundle[0].getSymbolicName() + " is not active after its update");
            }
        }));
        steps.add(step("uninstall it", () -> {
            bundle[0].uninstall();
            refresh(context, bundle[0]);
        }));
        traffic.stopAndSettle(Duration.ofSeconds(60));
        boolean connected = traffic.allConnected();
        Files.deleteIfExists(rebuilt);
        StringBuilder report = new StringBuilder("| step | sends | failed | connections dropped | acknowledged lost "
                + "| shown twice | answers | slowest answer (ms) |\n|---|---|---|---|---|---|---|---|\n");
        boolean clean = true;
        for (Step s : steps) {
            Traffic.Tally t = traffic.between(s.start(), s.end());
            clean &= t.clean();
            report.append("| ").append(s.name()).append(" | ").append(t.sent()).append(" | ").append(t.failed())
                    .append(" | ").append(t.dropped()).append(" | ").append(t.lost()).append(" | ").append(t.twice())
                    .append(" | ").append(t.answers()).append(" | ").append(t.slowestMs()).append(" |\n");
        }
        Traffic.Tally all = traffic.between(Long.MIN_VALUE, Long.MAX_VALUE);
        clean &= all.clean() && all.sent() > 0 && connected;
        if (!clean) {
            throw new AssertionError(featureJar.getFileName() + " broke the hot-deploy promise"
                    + (connected ? "" : " (a session is not connected at the end)") + ":\n" + report);
        }
        return report.toString();
    }

    private interface Action {
        void run() throws Exception;
    }

    private static Step step(String name, Action action) throws Exception {
        long start = Traffic.now();
        action.run();
        Thread.sleep(SETTLE.toMillis());
        return new Step(name, start, Traffic.now());
    }

    /** Refreshes the bundle (and what is wired to it), as FileInstall does, and waits until the refresh is done. */
    static void refresh(BundleContext context, Bundle bundle) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.complete(null);
            }
        });
        done.get(60, TimeUnit.SECONDS);
    }
}
