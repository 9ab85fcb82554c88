package io.rpcool.bench.lease;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Header;
import io.rpcool.harness.report.Record;

class LeaseChartWriterTest
{
    @Test
    void shouldDrawOneBarPerMedianAcrossNanosecondsAndSeconds(@TempDir final Path dir) throws Exception
    {
        final Header header = new Header("lease", "17.0.15", "OpenJDK 64-Bit Server VM 17.0.15", "AMD EPYC", 2,
            "2025-01-01T00:00:00Z", true, 1, null, "rpcool-shm-no-renewal", null, null, null, "noisy");
        final BenchReport report = new BenchReport(header, List.of(
            new Record("lease-noop-rtt", "rpcool-shm-no-renewal", Record.P50, 211, Record.NS),
            new Record("lease-noop-rtt", "rpcool-shm-no-renewal", "min", 191, Record.NS),
            new Record("lease-kill-to-notify", "same-host", Record.P50, 36e6, Record.NS),
            new Record("lease-orphan-reclaim", "after-host-kill", Record.P50, 3.8e9, Record.NS)));
        final Path file = dir.resolve("lease.png");
        LeaseChartWriter.write(report, file);
        final BufferedImage png = ImageIO.read(file.toFile());
        assertNotNull(png);
        assertTrue(png.getWidth() > 0 && png.getHeight() > 0);
    }
}
