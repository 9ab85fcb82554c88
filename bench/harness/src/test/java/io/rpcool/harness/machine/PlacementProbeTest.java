package io.rpcool.harness.machine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PlacementProbeTest
{
    @Test
    void shouldClassifyProbeFiguresIntoNearAndFar()
    {
        assertEquals("near", PlacementProbe.mode(140.0));
        assertEquals("far", PlacementProbe.mode(480.0));
    }
}
