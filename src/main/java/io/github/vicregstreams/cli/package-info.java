/**
 * The {@code vicreg-streams} command line: {@code run} (the learner), {@code broker} (an embedded
 * Kafka broker), {@code produce} (a dataset streamed as pairs of augmented views), {@code evaluate}
 * (linear probe and kNN of a checkpoint's representations) and {@code demo} (all of it at once).
 *
 * <p>Start with {@link io.github.vicregstreams.cli.VicregStreams}. Each subcommand is its own
 * {@code Callable<Integer>}; only {@code VicregStreams.main} exits the JVM. Errors the user can fix
 * print one line, {@code error: …}, and exit with 2 (usage, configuration) or 1 (everything else).
 *
 * <p>The long-running commands ({@code run}, {@code broker}, {@code demo}) start what they run
 * through one {@link io.github.vicregstreams.cli.ProcessLifecycle}, which stops it in reverse order
 * once, on Ctrl-C or at the end. Options several commands share are picocli mixins: {@code
 * LearnerOptions}, {@code AugmentationOptions}, {@code ConnectionOptions}.
 */
package io.github.vicregstreams.cli;
