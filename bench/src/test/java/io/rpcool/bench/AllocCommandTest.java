package io.rpcool.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocCommandTest
{
    @Test
    void shouldFlagABusyMachineInTheNote()
    {
        assertEquals(" Other processes used 2 % of the machine during this run.", AllocCommand.otherCpu(2.2));
        assertTrue(AllocCommand.otherCpu(35.0).contains("used 35 % of the machine during this run: a busy machine"));
        assertEquals("", AllocCommand.otherCpu(Double.NaN));
    }
}
