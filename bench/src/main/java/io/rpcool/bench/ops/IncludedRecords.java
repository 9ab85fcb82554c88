package io.rpcool.bench.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.rpcool.harness.report.Record;

/**
 * Records of the seal and sandbox operations, measured by their own harnesses
 * ({@link io.rpcool.bench.seal.SealBench}, {@link io.rpcool.bench.sandbox.SandboxBench}) in the same {@code ./rpcool bench ops}
 * invocation and added to the {@code ops} report. A file is a JSON object with a {@code records}
 * array of {@code {case, system, metric, value, unit}} objects, its header saying where the figures
 * come from (seal backend, sandbox provider, emulated or not), or JSON lines of such records (the
 * seal benchmark's output from the qemu guest, each record marked {@code emulated}).
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
        final List<JsonNode> values = new ArrayList<>();
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(file.toFile()))
        {
            while (it.hasNextValue())
            {
                values.add(it.nextValue());
            }
        }
        final JsonNode root;
        final Iterable<JsonNode> recordNodes;
        if (values.size() == 1 && values.get(0).has("records"))
        {
            root = values.get(0);
            recordNodes = root.get("records");
        }
        else
        {
            // JSON lines: one record per line (the seal benchmark's output from the qemu guest).
            root = null;
            recordNodes = values;
        }
        final boolean looksLikeRecords = root != null ? root.get("records").isArray() :
            !values.isEmpty() && values.get(0).has("case");
        if (!looksLikeRecords || !recordNodes.iterator().hasNext())
        {
            throw new IllegalArgumentException(file + ": no \"records\" array and no record lines " +
                "(expected the JSON of the seal or sandbox benchmark)");
        }
        final List<Record> records = new ArrayList<>();
        boolean emulated = false;
        final java.util.Set<String> systems = new java.util.LinkedHashSet<>();
        int index = 0;
        for (final JsonNode r : recordNodes)
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
            emulated |= r.path("emulated").asBoolean(false);
            systems.add(r.get("system").asText());
            index++;
        }
        final String source = root != null ? describe(root) : "records of " + String.join(", ", systems) +
            " from `" + file.getFileName() + "`" + (emulated ? EMULATED : "");
        return new IncludedRecords(file, source, records);
    }

    private static final String EMULATED = " — **emulated** (software-emulated guest: relative orders of magnitude only)";

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
            s.append(EMULATED);
        }
        return s.toString();
    }
}
