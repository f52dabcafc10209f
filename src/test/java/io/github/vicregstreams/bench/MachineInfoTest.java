package io.github.vicregstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class MachineInfoTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldCountTheFirstTouchesOfNewMemory() {
        long before = MachineInfo.minorPageFaults();
        // 64 MiB of fresh native memory, which the JVM zeroes: a fault per page touched, 4 KiB or,
        // with transparent huge pages, 2 MiB.
        ByteBuffer memory = ByteBuffer.allocateDirect(64 << 20);
        long after = MachineInfo.minorPageFaults();

        assertThat(before).isPositive();
        assertThat(after - before)
                .as("faults for %d bytes", memory.capacity())
                .isGreaterThanOrEqualTo(memory.capacity() / (2 << 20));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldReadTheResidentSetOfThisProcess() {
        assertThat(MachineInfo.residentSetBytes()).isGreaterThan(1 << 20);
    }
}
