package io.parley.itests;

import org.junit.Test;
import org.junit.runner.Description;
import org.junit.runner.Runner;
import org.junit.runner.notification.RunNotifier;
import org.junit.runners.model.FrameworkMethod;
import org.junit.runners.model.InitializationError;
import org.junit.runners.model.TestClass;
import org.ops4j.pax.exam.junit.PaxExam;

/**
 * Pax Exam, for test classes that need MariaDB and Redis on 127.0.0.1. When either is unreachable, every test
 * is reported skipped with a loud message and no container boots (Pax Exam boots it while it is created,
 * hence the check first). With CI=true the tests always run, and fail without the servers.
 */
public final class IfBackendsReachable extends Runner {

    private final Runner paxExam;
    private final Description description;

    public IfBackendsReachable(Class<?> testClass) throws InitializationError {
        String missing = "true".equalsIgnoreCase(System.getenv("CI")) ? null : TestBackends.unreachable();
        if (missing == null) {
            paxExam = new PaxExam(testClass);
            description = paxExam.getDescription();
        } else {
            System.err.println("\n*** SKIPPED " + testClass.getName() + ": " + missing + " ***\n");
            paxExam = null;
            description = Description.createSuiteDescription(testClass);
            for (FrameworkMethod test : new TestClass(testClass).getAnnotatedMethods(Test.class)) {
                description.addChild(Description.createTestDescription(testClass, test.getName()));
            }
        }
    }

    @Override
    public Description getDescription() {
        return description;
    }

    @Override
    public void run(RunNotifier notifier) {
        if (paxExam != null) {
            paxExam.run(notifier);
            return;
        }
        description.getChildren().forEach(notifier::fireTestIgnored);
    }
}
