package io.github.vicregstreams.vicreg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Training must not depend on when the garbage collector runs. A scalar that Java frees while the
 * autograd graph still refers to it makes backward read freed memory: the gradients come out wrong,
 * usually finite, now and then infinite or NaN. This was seen as steps skipped for non-finite
 * gradients in the topology, where Kafka's threads keep the collector busy, and as a restarted
 * learner replaying to weights other than the ones it had trained.
 */
class TrainingUnderGarbageCollectionTest {

    private static final ModelSpec SMALL = new ModelSpec(24, 64, 32);
    private static final int STEPS = 80;

    @Test
    void shouldTrainToTheSameWeightsWhileAnotherThreadKeepsTheCollectorBusy() throws Exception {
        byte[] quiet = train();

        AtomicBoolean stop = new AtomicBoolean();
        Thread collector = new Thread(() -> churn(stop), "garbage-churn");
        collector.start();
        byte[] underPressure;
        try {
            underPressure = train();
        } finally {
            stop.set(true);
            collector.join();
        }

        assertThat(underPressure).isEqualTo(quiet);
    }

    private static byte[] train() {
        try (VicregTrainer trainer =
                VicregTrainer.create(TrainerConfig.defaults(SMALL).withSeed(5), DeviceChoice.CPU)) {
            for (int i = 0; i < STEPS; i++) {
                float[][][] batch = TestData.structuredPairs(i, 32, SMALL.encoderDim());
                StepResult result = trainer.step(batch[0], batch[1]);
                assertThat(result.applied()).as("step %d: %s", i, result.skipReason()).isTrue();
            }
            return trainer.checkpoint();
        }
    }

    /** Allocates and asks for collections until stopped, so that freed buffers get reused. */
    private static void churn(AtomicBoolean stop) {
        List<float[]> live = new ArrayList<>();
        while (!stop.get()) {
            for (int i = 0; i < 64; i++) {
                live.add(new float[1 << 12]);
            }
            live.clear();
            System.gc();
            LockSupport.parkNanos(2_000_000);
        }
    }
}
