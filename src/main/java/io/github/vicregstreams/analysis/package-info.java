/**
 * The collapse, rank and embedding-space maths shared by the trainer, the backfill and the monitor:
 * plain Java on arrays, with no Kafka, HTTP, JSON or other package of the project, so all can use
 * it without depending on each other.
 *
 * <ul>
 *   <li>{@link io.github.vicregstreams.analysis.EffectiveRank}: how many dimensions a set of
 *       embeddings really uses (Roy &amp; Vetterli).
 *   <li>{@link io.github.vicregstreams.analysis.CollapseDetector}: the collapse check over the
 *       projection std and the effective rank, and the warning it logs.
 *   <li>{@link io.github.vicregstreams.analysis.CentredSpectrum}: the spectrum and principal axes
 *       of centred rows (the monitor's PCA), on {@code SymmetricEigen}, a dense symmetric
 *       eigen-solver.
 *   <li>{@link io.github.vicregstreams.analysis.OrthogonalProcrustes}: the rotation of one model
 *       version's embeddings onto another's ({@code model.version.align=procrustes}).
 *   <li>{@link io.github.vicregstreams.analysis.NeighbourOverlap}: how many nearest neighbours two
 *       embeddings of the same items share, within and across versions.
 * </ul>
 */
package io.github.vicregstreams.analysis;
