/**
 * The collapse and rank maths shared by the trainer and the monitor: plain Java on arrays, with no
 * Kafka, HTTP, JSON or other package of the project, so both can use it without depending on each
 * other.
 *
 * <ul>
 *   <li>{@link io.github.vicregstreams.analysis.EffectiveRank}: how many dimensions a set of
 *       embeddings really uses (Roy &amp; Vetterli).
 *   <li>{@link io.github.vicregstreams.analysis.CollapseDetector}: the collapse check over the
 *       projection std and the effective rank, and the warning it logs.
 *   <li>{@link io.github.vicregstreams.analysis.CentredSpectrum}: the spectrum and principal axes
 *       of centred rows (the monitor's PCA), on {@code SymmetricEigen}, a dense symmetric
 *       eigen-solver.
 * </ul>
 */
package io.github.vicregstreams.analysis;
