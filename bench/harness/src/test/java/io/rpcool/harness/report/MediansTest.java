package io.rpcool.harness.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MediansTest
{
    @Test
    void shouldTakeTheMiddleValueOrTheMeanOfTheMiddleTwo()
    {
        assertEquals(2.0, Medians.of(3.0, 1.0, 2.0));
        assertEquals(2.5, Medians.of(4.0, 1.0, 2.0, 3.0));
        assertEquals(7.0, Medians.of(7.0));
    }

    @Test
    void shouldRejectNoValues()
    {
        assertThrows(IllegalArgumentException.class, Medians::of);
    }
}
