package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * The VICReg loss and its terms as arrays: scalars, except the two per-dimension standard
 * deviations of shape {@code [d]}. Closing it closes every array.
 *
 * @param total the weighted total L
 * @param invariance s(Z, Z′)
 * @param varianceZ v(Z)
 * @param varianceZPrime v(Z′)
 * @param covarianceZ c(Z)
 * @param covarianceZPrime c(Z′)
 * @param stdZ per-dimension standard deviation of Z, \(\sqrt{\mathrm{Var}(z_j) + \epsilon}\)
 * @param stdZPrime per-dimension standard deviation of Z′
 */
public record LossBreakdown(
        NDArray total,
        NDArray invariance,
        NDArray varianceZ,
        NDArray varianceZPrime,
        NDArray covarianceZ,
        NDArray covarianceZPrime,
        NDArray stdZ,
        NDArray stdZPrime)
        implements AutoCloseable {

    static LossBreakdown of(NDList list) {
        return new LossBreakdown(
                list.get(0),
                list.get(1),
                list.get(2),
                list.get(3),
                list.get(4),
                list.get(5),
                list.get(6),
                list.get(7));
    }

    /**
     * Copies the scalar terms to the host.
     *
     * @return the terms as doubles
     */
    public LossTerms toLossTerms() {
        return new LossTerms(
                total.getFloat(),
                invariance.getFloat(),
                varianceZ.getFloat(),
                varianceZPrime.getFloat(),
                covarianceZ.getFloat(),
                covarianceZPrime.getFloat());
    }

    List<NDArray> arrays() {
        return List.of(
                total,
                invariance,
                varianceZ,
                varianceZPrime,
                covarianceZ,
                covarianceZPrime,
                stdZ,
                stdZPrime);
    }

    void closeAllBut(NDArray keep) {
        for (NDArray array : arrays()) {
            if (array != keep) {
                array.close();
            }
        }
    }

    @Override
    public void close() {
        closeAllBut(null);
    }
}
