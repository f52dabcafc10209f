package io.github.vicregstreams.cli;

import io.github.vicregstreams.topology.LearnerConfig;
import io.github.vicregstreams.vicreg.EncoderExport;
import io.github.vicregstreams.vicreg.ModelSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export}: a checkpoint's encoder as a safetensors file. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a checkpoint's encoder as a safetensors file.",
            "Takes the latest checkpoint of the model topic (topic.model, key model.name), or a"
                    + " checkpoint file, and writes the weights inference embeds with, with the"
                    + " model spec, step, checkpoint id and layers in the file's metadata."
                    + " Reading the model topic needs settings that give model.input.dim, as for"
                    + " run. A --checkpoint file of any spec is exported unless settings are"
                    + " given: then its spec must be theirs."
                    + " python/vicreg_reference.py in the source tree embeds with it in NumPy."
        })
final class ExportCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Mixin private LearnerOptions learner;

    @Mixin private CheckpointSource source;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            required = true,
            description =
                    "Where to write the safetensors file (replaced if it exists), e.g."
                            + " model.safetensors.")
    private Path output;

    @Override
    public Integer call() throws IOException {
        requireWritable(output);
        LearnerConfig config = null;
        byte[] checkpoint;
        if (source.fromFile()) {
            checkpoint = source.readFile();
            if (learner.configFile != null || !learner.settings.isEmpty()) {
                config = learner.load(Map.of(), Map.of());
            }
        } else {
            config = learner.load(Map.of(), Map.of());
            checkpoint = source.latestOnTopic(config);
        }
        ModelSpec expected = config == null ? null : config.modelSpec();
        String modelName = config == null ? null : config.modelName();
        byte[] file = EncoderExport.safetensors(checkpoint, expected, modelName);
        write(output, file);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "Wrote %s (%,d bytes): the encoder of checkpoint %s%n",
                output,
                file.length,
                EncoderExport.checkpointId(checkpoint));
        out.flush();
        return 0;
    }

    /** Fails before any work when the output cannot be written: a missing folder, a folder. */
    private static void requireWritable(Path output) throws IOException {
        Path parent = output.toAbsolutePath().getParent();
        if (Files.isDirectory(output)) {
            throw new IOException("--output " + output + " is a directory; name a file in it");
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new NoSuchFileException(
                    output.toString(), null, "--output: its folder does not exist");
        }
        if (!Files.isWritable(parent)) {
            throw new IOException(
                    "--output " + output + ": its folder " + parent + " is read-only");
        }
    }

    /** Writes beside the target, then renames: a reader never sees half a file. */
    private static void write(Path output, byte[] bytes) throws IOException {
        Path parent = output.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(parent, ".export-", ".tmp");
        try {
            Files.write(temporary, bytes);
            Files.move(
                    temporary,
                    output,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
