package io.github.vicregstreams.cli;

import io.github.vicregstreams.vicreg.InvalidCheckpointException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;

/**
 * Turns the errors a user can fix into one line, {@code error: <message>}, without a stack trace:
 * exit code 2 for configuration errors, 1 for the rest (unreachable brokers, bad files, corrupt
 * checkpoints). Anything else is a bug: its stack trace is printed too.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(
            Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        if (ex instanceof CommandLine.ParameterException parameterError) {
            commandLine.getErr().println("error: " + oneLine(parameterError));
            parameterError.getCommandLine().usage(commandLine.getErr());
            return VicregStreams.EXIT_USAGE;
        }
        commandLine.getErr().println("error: " + oneLine(ex));
        commandLine.getErr().flush();
        if (ex instanceof ConfigException) {
            return VicregStreams.EXIT_USAGE;
        }
        if (!isExpected(ex)) {
            ex.printStackTrace(commandLine.getErr());
        }
        return VicregStreams.EXIT_FAILURE;
    }

    static boolean isExpected(Throwable ex) {
        return ex instanceof KafkaException
                || ex instanceof IllegalArgumentException
                || ex instanceof IllegalStateException
                || ex instanceof InvalidCheckpointException
                || ex instanceof IOException
                || ex instanceof UncheckedIOException
                || ex instanceof InterruptedException;
    }

    /** The message and those of its causes that add something, on one line. */
    static String oneLine(Throwable ex) {
        Set<String> parts = new LinkedHashSet<>();
        String joined = "";
        for (Throwable t = ex; t != null && parts.size() < 4; t = t.getCause()) {
            String message = t.getMessage();
            if (message == null || message.isBlank()) {
                continue;
            }
            message = message.replaceAll("\\s*\\R\\s*", " ").trim();
            if (!joined.contains(message) && parts.add(message)) {
                joined = String.join(": ", parts);
            }
        }
        return joined.isEmpty() ? ex.getClass().getSimpleName() : joined;
    }
}
