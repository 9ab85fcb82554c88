package io.rpcool.bench.ycsb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * What one YCSB run phase measured, read from YCSB's own output: throughput from its JSON array
 * export ({@code [OVERALL] Throughput(ops/sec)}), failed operations from its {@code Return=} counts,
 * and the latency percentiles of all operations together from its HdrHistogram logs
 * ({@code hdrhistogram.fileoutput}), one per operation type, merged.
 *
 * @param throughput ops/s.
 * @param p50Us      median latency of an operation, microseconds.
 * @param p99Us      99th percentile, microseconds.
 * @param operations operations measured.
 * @param failed     operations whose status was not OK (NOT_FOUND counts too).
 */
public record YcsbMeasurements(double throughput, double p50Us, double p99Us, long operations, long failed)
{
    /** Operation types whose latencies make up the percentiles (read-modify-write is a read plus an update). */
    static final List<String> OPERATIONS = List.of("READ", "UPDATE", "INSERT", "DELETE", "SCAN");

    /**
     * @param exportFile the JSON array export.
     * @param hdrPrefix  the {@code hdrhistogram.output.path} prefix of the logs.
     * @return the figures.
     * @throws IOException if the export is missing or malformed.
     */
    public static YcsbMeasurements read(final Path exportFile, final String hdrPrefix) throws IOException
    {
        final JsonNode all = new ObjectMapper().readTree(exportFile.toFile());
        double throughput = -1;
        long failed = 0;
        for (final JsonNode m : all)
        {
            final String metric = m.path("metric").asText();
            final String measurement = m.path("measurement").asText();
            if ("OVERALL".equals(metric) && "Throughput(ops/sec)".equals(measurement))
            {
                throughput = m.path("value").asDouble();
            }
            if (OPERATIONS.contains(metric) && measurement.startsWith("Return=") && !"Return=OK".equals(measurement))
            {
                failed += m.path("value").asLong();
            }
        }
        if (throughput < 0)
        {
            throw new IOException(exportFile + " has no [OVERALL] Throughput(ops/sec)");
        }
        final Histogram merged = new Histogram(3);
        for (final String op : OPERATIONS)
        {
            final Path log = Path.of(hdrPrefix + op + ".hdr");
            if (!Files.exists(log))
            {
                continue;
            }
            final HistogramLogReader reader = new HistogramLogReader(log.toFile());
            try
            {
                EncodableHistogram h;
                while ((h = reader.nextIntervalHistogram()) != null)
                {
                    merged.add((Histogram)h);
                }
            }
            finally
            {
                reader.close();
            }
        }
        if (merged.getTotalCount() == 0)
        {
            throw new IOException("no latency histograms at " + hdrPrefix + "*.hdr");
        }
        return new YcsbMeasurements(throughput, merged.getValueAtPercentile(50), merged.getValueAtPercentile(99),
            merged.getTotalCount(), failed);
    }
}
