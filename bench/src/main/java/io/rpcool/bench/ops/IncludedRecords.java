package io.rpcool.bench.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rpcool.bench.report.Record;

/**
 * Records of the seal and sandbox operations, measured by their own harnesses (the seal benchmark
 * in rpc-seal-kmod, the sandbox benchmark in rpc-sandbox) in the same {@code ./rpcool bench ops}
 * invocation and added to the {@code ops} report. A file is a JSON object with a {@code records}
 * array of {@code {case, system, metric, value, unit}} objects; its header says where the figures
 * come from (seal backend, sandbox provider, emulated or not).
 *
 * @param file    where the records were read from.
 * @param source  one line on what measured them.
 * @param records the records, in file order.
 */
public record IncludedRecords(Path file, String source, List<Record> records)
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @throws IllegalArgumentException naming the file and the record if a record lacks a field or
     *                                  the file has no records.
     */
    public static IncludedRecords read(final Path file) throws IOException
    {
        final JsonNode root = JSON.readTree(file.toFile());
        if (root == null || !root.path("records").isArray() || root.get("records").isEmpty())
        {
            throw new IllegalArgumentException(file + ": no \"records\" array (expected the JSON of the seal or sandbox benchmark)");
        }
        final List<Record> records = new ArrayList<>();
        int index = 0;
        for (final JsonNode r : root.get("records"))
        {
            for (final String field : List.of("case", "system", "metric", "value", "unit"))
            {
                if (!r.hasNonNull(field))
                {
                    throw new IllegalArgumentException(file + ": record " + index + " has no \"" + field + "\": " + r);
                }
            }
            if (!r.get("value").isNumber())
            {
                throw new IllegalArgumentException(file + ": record " + index + " has a value that is not a number: " + r);
            }
            records.add(new Record(r.get("case").asText(), r.get("system").asText(), r.get("metric").asText(),
                r.get("value").asDouble(), r.get("unit").asText()));
            index++;
        }
        return new IncludedRecords(file, describe(root), records);
    }

    private static String describe(final JsonNode root)
    {
        final JsonNode header = root.has("header") ? root.get("header") : root;
        final StringBuilder s = new StringBuilder();
        if (header.hasNonNull("backend"))
        {
            s.append("seal benchmark, backend `").append(header.get("backend").asText()).append('`');
        }
        else if (header.hasNonNull("provider"))
        {
            s.append("sandbox benchmark, ").append(header.get("provider").asText());
        }
        else
        {
            s.append(header.path("suite").asText("another harness"));
        }
        if (header.path("emulated").asBoolean(false))
        {
            s.append(" — **emulated** (software-emulated guest: relative orders of magnitude only)");
        }
        return s.toString();
    }
}
