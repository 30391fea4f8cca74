package io.parley.itests;

import java.io.File;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The erasure integration test, unchanged, with messages in the database (H2). */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ErasureOnH2IT extends ErasureIT {

    @Override
    protected Option storage(File data) {
        return h2(data);
    }
}
