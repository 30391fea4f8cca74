package io.parley.itests;

import java.io.File;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The messaging integration tests, unchanged, with messages in the database alone (messages=jdbc, cache=none,
 * H2). With MessagingIT (the log) and MessagingOnMariaDbRedisIT (jdbc with redis), every combination the
 * storage switch accepts runs them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MessagingOnH2IT extends MessagingIT {

    @Override
    protected Option storage(File data) {
        return h2(data);
    }
}
