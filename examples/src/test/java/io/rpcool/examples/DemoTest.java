package io.rpcool.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.cli.RpcoolCli;
import picocli.CommandLine;

@Tag("multiprocess")
class DemoTest
{
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldRunServerAndClientJvmsAndPrintHelloWithALatencySummary()
    {
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream original = System.out;
        final int exit;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8))
        {
            System.setOut(out);
            exit = new CommandLine(new RpcoolCli()).execute("demo", "--calls", "5000");
        }
        finally
        {
            System.setOut(original);
        }
        final String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        assertEquals(0, exit, text);
        assertTrue(text.lines().anyMatch("Hello!"::equals), text);
        assertTrue(text.contains("transport SHARED_MEMORY"), text);
        assertTrue(text.matches("(?s).*shared memory: 5000 no-op calls, p50 [0-9.]+ us, p99 [0-9.]+ us.*"), text);
        assertTrue(text.contains("TCP fallback"), text);
        // Figure 4.8: both processes print the same address and text of the server's shared string.
        final java.util.regex.Matcher server =
            java.util.regex.Pattern.compile("\\[server JVM\\] server: string at (0x[0-9a-f]+): (.*)").matcher(text);
        final java.util.regex.Matcher client = java.util.regex.Pattern.compile("(?m)^client: string at (0x[0-9a-f]+): (.*)$").matcher(text);
        assertTrue(server.find(), text);
        assertTrue(client.find(), text);
        assertEquals(server.group(1), client.group(1));
        assertEquals("Hello from a shared-memory string!", client.group(2).trim());
        assertEquals(server.group(2).trim(), client.group(2).trim());
    }
}
