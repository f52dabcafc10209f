package io.github.vicregstreams.vicreg;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh NDManager for each test, with autograd off on the test's thread: for tests that update
 * arrays in place outside a training step, as optimizers do. Register it with
 * {@code @RegisterExtension}; the grad mode is restored and the manager closed after each test.
 */
final class NoGradManager implements BeforeEachCallback, AfterEachCallback {

    private NDManager manager;
    private NoGrad noGrad;

    @Override
    public void beforeEach(ExtensionContext context) {
        manager = Djl.engine().newBaseManager();
        noGrad = NoGrad.enter();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        noGrad.close();
        manager.close();
    }

    /** The current test's manager. */
    NDManager get() {
        return manager;
    }
}
