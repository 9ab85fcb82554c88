package io.rpcool.bench.ops;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpsOptionsTest
{
    @Test
    void shouldParseWhatItPrints()
    {
        final OpsOptions options = OpsSuite.options(false);
        final List<String> args = new ArrayList<>();
        args.add("endpoint");
        args.addAll(options.toArgs());

        assertEquals(options, OpsOptions.parse(args.toArray(new String[0]), 1));
    }

    @Test
    void shouldRejectMissingAndUnknownKeys()
    {
        final List<String> args = new ArrayList<>(OpsSuite.options(true).toArgs());
        args.remove(0);
        assertThrows(IllegalArgumentException.class, () -> OpsOptions.parse(args.toArray(new String[0]), 0));

        args.add(0, "connectWarmup=1");
        args.add("noSuchKey=1");
        assertThrows(IllegalArgumentException.class, () -> OpsOptions.parse(args.toArray(new String[0]), 0));
    }

    @Test
    void shouldKeepTheQuickRunShorterThanTheFullOne()
    {
        final OpsOptions quick = OpsSuite.options(true);
        final OpsOptions full = OpsSuite.options(false);

        assertTrue(quick.connectSamples() < full.connectSamples());
        assertTrue(quick.maxDurationMs() < full.maxDurationMs());
        // a quick run must finish in under 3 minutes even if every phase hits its time bound
        assertTrue(OpsSuite.defaultRuns(true) * quick.maxDurationMs() <= 180_000, quick.toString());
    }
}
