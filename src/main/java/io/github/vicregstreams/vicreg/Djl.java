package io.github.vicregstreams.vicreg;

import ai.djl.engine.Engine;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one place that touches the PyTorch engine's process-wide settings.
 *
 * <p>DJL must be told it is offline before its engine loads: otherwise {@code Engine.getInstance()}
 * makes blocking network calls (telemetry and a libtorch download) that fail on machines without
 * internet. The native CPU library ships as a jar, so nothing needs to be fetched.
 */
public final class Djl {

    /** DJL's engine name for PyTorch. */
    public static final String ENGINE_NAME = "PyTorch";

    /**
     * Held by whatever touches the engine's process-wide state: its global random generator
     * (seeding then initialising a model, so initial weights depend on the seed alone) and its
     * gradient collector, of which the PyTorch engine allows one open per JVM.
     */
    static final ReentrantLock ENGINE_LOCK = new ReentrantLock();

    private static final String OFFLINE_PROPERTY = "ai.djl.offline";

    private Djl() {}

    /**
     * The PyTorch engine, loaded offline unless the user set {@code ai.djl.offline} themselves.
     *
     * @return the engine
     */
    public static Engine engine() {
        if (System.getProperty(OFFLINE_PROPERTY) == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty(OFFLINE_PROPERTY, "true");
        }
        return Engine.getEngine(ENGINE_NAME);
    }

    /**
     * Turns autograd recording off for the calling thread.
     *
     * <p>Grad mode is per thread in PyTorch and new threads start with it on: inference on such a
     * thread would quietly record autograd graphs. Call this once on every thread that runs
     * inference (a training step turns it on for itself and restores it afterwards).
     */
    public static void disableGradientsOnThisThread() {
        NoGrad.disableOnThisThread();
    }
}
