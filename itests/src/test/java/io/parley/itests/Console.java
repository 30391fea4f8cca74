package io.parley.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;

/** The operator's Gogo console, as tests drive it: one command line through the same command processor. */
final class Console {

    private Console() {
    }

    /** Runs one command line as the console would and returns what it printed. */
    static String run(CommandProcessor processor, String line) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute(line);
            if (result != null) {
                print.println(result);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
