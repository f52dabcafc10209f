package io.github.vicregstreams.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The root command: {@code vicreg-streams <subcommand>}. Run bare, it prints its usage.
 *
 * <pre>{@code
 * int exitCode = VicregStreams.commandLine().execute("demo", "--limit", "2000");
 * }</pre>
 */
@Command(
        name = "vicreg-streams",
        mixinStandardHelpOptions = true,
        versionProvider = VicregStreams.Version.class,
        description = {
            "Online VICReg representation learning on Kafka Streams (DJL, PyTorch engine).",
            ""
        },
        subcommands = {
            RunCommand.class,
            BrokerCommand.class,
            ProduceCommand.class,
            EvaluateCommand.class,
            ExportCommand.class,
            DemoCommand.class,
            IndexCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Quick start: vicreg-streams demo --limit 2000",
            "Every learner setting, with its default: topology/learner.properties in the source tree."
        })
public final class VicregStreams implements Callable<Integer> {

    /** Exit code of configuration and usage errors. */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    /** Exit code of every other failure. */
    public static final int EXIT_FAILURE = CommandLine.ExitCode.SOFTWARE;

    @Spec private CommandSpec spec;

    /**
     * A command line with this application's error handling, ready to {@code execute(args)}.
     *
     * @return the command line
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new VicregStreams());
        commandLine.setExecutionExceptionHandler(new ErrorHandler());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }

    /**
     * Parses the arguments, runs the subcommand, and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Logging.quietClientNetworkWarnings();
        Logging.defaultTorchThreads();
        System.exit(commandLine().execute(args));
    }

    /** Bare: prints the usage. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return CommandLine.ExitCode.OK;
    }

    /** The version from the jar's manifest, or a development marker when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = VicregStreams.class.getPackage().getImplementationVersion();
            return new String[] {
                "vicreg-streams " + (version == null ? "(development build)" : version),
                "Java "
                        + System.getProperty("java.version")
                        + " on "
                        + System.getProperty("os.name")
                        + " "
                        + System.getProperty("os.arch")
            };
        }
    }
}
