package io.rpcool.bench.fork;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForkProtocolTest
{
    @Test
    void shouldRoundTripAResultLine()
    {
        final ClientResult result = new ClientResult(120.0, 161.0, 261.0, 9_000.0, 125.5, 200_000, 6.8e6, 0, null);

        final String line = ForkProtocol.resultLine(result);

        assertTrue(line.startsWith(ForkProtocol.RESULT_PREFIX));
        assertTrue(line.indexOf('\n') < 0);
        assertTrue(line.contains("\"p50_ns\":120.0"), line);
        assertEquals(result, ForkProtocol.parseResult(line.substring(ForkProtocol.RESULT_PREFIX.length())));
    }

    @Test
    void shouldRejectAnEndpointThatIsNotOneLine()
    {
        assertEquals("READY /dev/shm/x", ForkProtocol.readyLine("/dev/shm/x"));
        assertThrows(IllegalArgumentException.class, () -> ForkProtocol.readyLine("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> ForkProtocol.readyLine(" "));
    }

    @Test
    void shouldRoundTripClientOptionsThroughArguments()
    {
        final ClientOptions options = new ClientOptions("noop", 10, 20, 30, 40, 50, 60, 70, 4);
        final List<String> args = options.toArgs();
        final String[] argv = new String[args.size() + 1];
        argv[0] = "endpoint";
        for (int i = 0; i < args.size(); i++)
        {
            argv[i + 1] = args.get(i);
        }

        assertEquals(options, ClientOptions.parse(argv, 1));
    }

    @Test
    void shouldRoundTripTheOpenLoopGapAndNameTheLoadedCase()
    {
        final ClientOptions options = new ClientOptions("noop", 10, 20, 30, 40, 50, 60, 70, 1).withGapUs(200);
        final List<String> args = options.toArgs();
        assertEquals(options, ClientOptions.parse(args.toArray(new String[0]), 0));
        assertEquals(0, ClientOptions.parse(options.withGapUs(0).toArgs().toArray(new String[0]), 0).gapUs());
        assertEquals("noop-rtt-loaded", io.rpcool.harness.report.Record.rttCase("noop-loaded"));
        assertEquals("noop-rtt", io.rpcool.harness.report.Record.rttCase("noop"));
    }

    @Test
    void shouldRejectMissingOrUnknownClientOptions()
    {
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.parse(new String[]{"suite=noop"}, 0));
        assertThrows(IllegalArgumentException.class, () -> ClientOptions.parse(new String[]{"bogus=1"}, 0));
        assertThrows(IllegalArgumentException.class, () -> new ClientOptions("noop", 1, 10, 5, 1, 1, 1, 1, 1));
    }
}
