package io.github.vicregstreams.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The benchmarks' arguments: {@code --name=value}, nothing else. */
final class BenchArgs {

    private BenchArgs() {}

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("arguments look like --name=value. Got: " + arg);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }

    /** A comma-separated list of integers, e.g. {@code --batches=64,256,1024}. */
    static int[] ints(String list) {
        return Arrays.stream(list.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }
}
