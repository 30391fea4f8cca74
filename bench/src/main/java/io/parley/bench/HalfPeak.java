package io.parley.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prints half of Parley's measured peak 1:1 rate, the open-loop rate of the second workload. */
public final class HalfPeak {
    public static void main(String[] args) throws Exception {
        long peak = 0;
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            JsonObject r = line.isBlank() ? null : JsonParser.parseString(line).getAsJsonObject();
            if (r != null && r.get("target").getAsString().equals("parley") && r.get("workload").getAsString().equals("peak")) {
                peak = r.get("throughput").getAsLong();
            }
        }
        System.out.println(Math.max(10, peak / 2));
    }
}
