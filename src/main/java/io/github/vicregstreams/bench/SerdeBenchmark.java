package io.github.vicregstreams.bench;

import io.github.vicregstreams.events.EventSerdes;
import io.github.vicregstreams.events.FeatureEncoding;
import io.github.vicregstreams.events.FeatureEventParser;
import io.github.vicregstreams.events.Metadata;
import io.github.vicregstreams.events.Parsed;
import io.github.vicregstreams.events.ViewEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Measures, on one thread, how many {@link ViewEvent}s per second the events package reads
 * (deserialize and validate, as the topology does with {@link FeatureEventParser#parse}) and
 * writes, for both feature encodings and two kinds of values.
 *
 * <p>Run: {@code java -cp target/classes:$(cat cp.txt) io.github.vicregstreams.bench.SerdeBenchmark
 * [--dim=784] [--events=1000] [--warmup=5] [--rounds=10] [--round-ms=500]}. It prints one line per
 * case with the median of the measured rounds.
 */
public final class SerdeBenchmark {

    /** What to measure. */
    public record Options(int dim, int events, int warmupRounds, int rounds, long roundMillis) {
        /** Creates options, checking their ranges. */
        public Options {
            if (dim < 1 || events < 1 || warmupRounds < 0 || rounds < 1 || roundMillis < 1) {
                throw new IllegalArgumentException(
                        "dim, events, rounds and round-ms must be at least 1 and warmup at least 0. Got: "
                                + "dim="
                                + dim
                                + ", events="
                                + events
                                + ", warmup="
                                + warmupRounds
                                + ", rounds="
                                + rounds
                                + ", round-ms="
                                + roundMillis);
            }
        }
    }

    /** One measured case. */
    public record Result(
            String values,
            FeatureEncoding encoding,
            String operation,
            double eventsPerSecond,
            double bytesPerEvent) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%-7s %-15s %-22s %,12.0f events/s  %,8.0f bytes/event",
                    values,
                    encoding,
                    operation,
                    eventsPerSecond,
                    bytesPerEvent);
        }
    }

    /** The argument names, in the order of {@link Options}' components. */
    private static final List<String> ARGUMENTS =
            List.of("--dim", "--events", "--warmup", "--rounds", "--round-ms");

    /** Keeps results alive so that the JIT cannot drop the work. */
    private static long sink;

    private SerdeBenchmark() {}

    /**
     * Parses the options and prints the results.
     *
     * @param args {@code --dim=N --events=N --warmup=N --rounds=N --round-ms=N}, all optional
     */
    public static void main(String[] args) {
        Options options = parse(args);
        System.out.println("SerdeBenchmark, 1 thread: " + options);
        System.out.println("Machine: " + MachineInfo.describe());
        for (Result result : run(options)) {
            System.out.println(result);
        }
    }

    /** Reads {@code --name=value} arguments over the defaults {@code 784 1000 5 10 500}. */
    static Options parse(String[] args) {
        int[] values = {784, 1000, 5, 10, 500};
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("Arguments look like --name=value. Got: " + arg);
            }
            int value = Integer.parseInt(kv[1]);
            int at = ARGUMENTS.indexOf(kv[0]);
            if (at < 0) {
                throw new IllegalArgumentException(
                        "Unknown argument. Got: "
                                + arg
                                + "; known: "
                                + String.join(" ", ARGUMENTS));
            }
            values[at] = value;
        }
        return new Options(values[0], values[1], values[2], values[3], values[4]);
    }

    /**
     * Runs every case.
     *
     * @param options what to measure
     * @return one result per value kind, encoding and operation
     */
    public static List<Result> run(Options options) {
        List<Result> results = new ArrayList<>();
        for (String values : List.of("random", "pixel")) {
            List<ViewEvent> events = events(values, options);
            for (FeatureEncoding encoding : FeatureEncoding.values()) {
                results.addAll(measure(values, encoding, events, options));
            }
        }
        return results;
    }

    private static List<Result> measure(
            String values, FeatureEncoding encoding, List<ViewEvent> events, Options options) {
        FeatureEventParser<ViewEvent> parser = FeatureEventParser.views(options.dim());
        Serializer<ViewEvent> serializer = EventSerdes.viewEvents(parser, encoding).serializer();
        int n = events.size();
        byte[][] keys = new byte[n][];
        byte[][] encoded = new byte[n][];
        long totalBytes = 0;
        for (int i = 0; i < n; i++) {
            keys[i] = events.get(i).id().getBytes(StandardCharsets.UTF_8);
            encoded[i] = serializer.serialize("views", events.get(i));
            totalBytes += encoded[i].length;
            if (!parser.parse(keys[i], encoded[i]).isAccepted()) {
                throw new IllegalStateException(
                        "The benchmark wrote an event its parser rejects: "
                                + parser.parse(keys[i], encoded[i]));
            }
        }
        double bytesPerEvent = (double) totalBytes / n;
        double read =
                median(
                        options,
                        () -> {
                            long checksum = 0;
                            for (int i = 0; i < n; i++) {
                                Parsed<ViewEvent> parsed = parser.parse(keys[i], encoded[i]);
                                checksum += parsed.value().view();
                            }
                            return checksum;
                        },
                        n);
        double write =
                median(
                        options,
                        () -> {
                            long checksum = 0;
                            for (int i = 0; i < n; i++) {
                                checksum += serializer.serialize("views", events.get(i)).length;
                            }
                            return checksum;
                        },
                        n);
        return List.of(
                new Result(values, encoding, "deserialize+validate", read, bytesPerEvent),
                new Result(values, encoding, "serialize", write, bytesPerEvent));
    }

    /** One pass over all events, returning a checksum. */
    @FunctionalInterface
    private interface Pass {
        long run();
    }

    /** Median events/s over the measured rounds; each round repeats passes for roundMillis. */
    private static double median(Options options, Pass pass, int eventsPerPass) {
        double[] rates = new double[options.rounds()];
        for (int round = -options.warmupRounds(); round < options.rounds(); round++) {
            long start = System.nanoTime();
            long deadline = start + options.roundMillis() * 1_000_000L;
            long passes = 0;
            long now;
            do {
                sink += pass.run();
                passes++;
                now = System.nanoTime();
            } while (now < deadline);
            if (round >= 0) {
                rates[round] = passes * eventsPerPass / ((now - start) / 1e9);
            }
        }
        return Stats.median(rates);
    }

    /**
     * Events with realistic values: {@code random} are Gaussian floats as an augmented, normalized
     * view has (about 9 significant digits in JSON); {@code pixel} are k/255 intensities, half of
     * them 0, as a raw Fashion-MNIST image has.
     */
    private static List<ViewEvent> events(String values, Options options) {
        Random random = new Random(values.hashCode());
        Metadata metadata = Metadata.of("{\"label\":7,\"tenant\":\"acme\"}");
        List<ViewEvent> events = new ArrayList<>(options.events());
        for (int i = 0; i < options.events(); i++) {
            float[] features = new float[options.dim()];
            for (int j = 0; j < features.length; j++) {
                features[j] =
                        values.equals("random")
                                ? (float) random.nextGaussian()
                                : (random.nextBoolean() ? 0f : random.nextInt(256) / 255f);
            }
            events.add(
                    new ViewEvent(
                            "sample-" + i, i % 2, features, 1_767_225_600_000L + i, metadata));
        }
        return events;
    }
}
