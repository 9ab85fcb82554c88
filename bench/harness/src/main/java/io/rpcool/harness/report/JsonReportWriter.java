package io.rpcool.harness.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes and reads {@code <suite>.json}: {@code {"header": {...snake_case...}, "records": [...]}}.
 */
public final class JsonReportWriter
{
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private JsonReportWriter()
    {
    }

    public static String toJson(final BenchReport report) throws IOException
    {
        return MAPPER.writeValueAsString(report);
    }

    public static void write(final BenchReport report, final Path file) throws IOException
    {
        MAPPER.writeValue(file.toFile(), report);
    }

    public static BenchReport read(final Path file) throws IOException
    {
        return MAPPER.readValue(file.toFile(), BenchReport.class);
    }

    public static BenchReport fromJson(final String json) throws IOException
    {
        return MAPPER.readValue(json, BenchReport.class);
    }
}
