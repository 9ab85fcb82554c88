package io.rpcool.bench.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.rpcool.harness.report.BenchReport;
import io.rpcool.harness.report.Record;

class IncludedRecordsTest
{
    private static final String SEAL = "{\"backend\": \"mprotect\", \"emulated\": false, \"records\": [" +
        "{\"case\": \"seal-release-1page\", \"system\": \"rpcool-mprotect\", \"metric\": \"mean\", \"value\": 5866.0, " +
        "\"unit\": \"ns\", \"emulated\": false}," +
        "{\"case\": \"release-batched-1024\", \"system\": \"rpcool-mprotect\", \"metric\": \"mean\", \"value\": 232.5, \"unit\": \"ns\"}," +
        "{\"case\": \"copy-vs-seal-crossover-micro\", \"system\": \"rpcool-mprotect\", \"metric\": \"bytes\", " +
        "\"value\": 1048576, \"unit\": \"bytes\"}]}";
    private static final String SANDBOX_EMULATED = "{\"header\": {\"suite\": \"sandbox\", \"emulated\": true, " +
        "\"provider\": \"sandbox: mpk\"}, \"records\": [" +
        "{\"case\": \"sandbox-enter-exit\", \"system\": \"mpk-cached-1-page\", \"metric\": \"p50\", \"value\": 73.1, \"unit\": \"ns\"}," +
        "{\"case\": \"sandbox-enter-exit\", \"system\": \"mpk-cached-1-page\", \"metric\": \"p99\", \"value\": 100.6, \"unit\": \"ns\"}]}";

    @Test
    void shouldAddSealAndSandboxRecordsToTheReportAndTheirOwnTables(@TempDir final Path dir) throws Exception
    {
        final IncludedRecords seal = IncludedRecords.read(Files.writeString(dir.resolve("seal.json"), SEAL));
        final IncludedRecords sandbox = IncludedRecords.read(Files.writeString(dir.resolve("sandbox.json"), SANDBOX_EMULATED));
        assertEquals(3, seal.records().size());
        assertEquals(new Record("release-batched-1024", "rpcool-mprotect", "mean", 232.5, "ns"), seal.records().get(1));
        assertTrue(seal.source().contains("backend `mprotect`") && !seal.source().contains("emulated"), seal.source());
        assertTrue(sandbox.source().contains("**emulated**"), sandbox.source());

        final BenchReport own = OpsFixtures.report();
        final List<Record> records = new ArrayList<>(own.records());
        records.addAll(seal.records());
        records.addAll(sandbox.records());
        final String md = OpsMarkdownWriter.render(new BenchReport(own.header(), records), List.of(seal, sandbox));

        assertTrue(md.contains("| seal-release-1page | rpcool-mprotect | — | — | 5.9 µs | — | seal one page"), md);
        assertTrue(md.contains("| copy-vs-seal-crossover-micro | rpcool-mprotect | — | — | — | bytes 1048576 bytes |"), md);
        assertTrue(md.contains("| sandbox-enter-exit | mpk-cached-1-page | 73 ns | 101 ns | — | — | enter and leave"), md);
        // The suite's own table keeps only its own cases.
        final String ownTable = md.substring(0, md.indexOf("###"));
        assertFalse(ownTable.contains("seal-release-1page"), ownTable);
        assertTrue(ownTable.contains("| ops-connect |"), ownTable);
    }

    @Test
    void shouldReadJsonLinesFromTheGuestAndMarkThemEmulated(@TempDir final Path dir) throws Exception
    {
        final Path lines = Files.writeString(dir.resolve("guest-kernel-emulated.jsonl"),
            "{\"case\": \"seal-release-1page\", \"system\": \"rpcool-kernel\", \"metric\": \"mean\", \"value\": 33401.4, " +
            "\"unit\": \"ns\", \"emulated\": true}\n" +
            "{\"case\": \"noop-rtt\", \"system\": \"rpcool-shm-sealed-kernel\", \"metric\": \"p50\", \"value\": 90000, " +
            "\"unit\": \"ns\", \"emulated\": true}\n");
        final IncludedRecords guest = IncludedRecords.read(lines);
        assertEquals(2, guest.records().size());
        assertEquals("rpcool-shm-sealed-kernel", guest.records().get(1).system());
        assertTrue(guest.source().contains("rpcool-kernel, rpcool-shm-sealed-kernel") && guest.source().contains("**emulated**"),
            guest.source());
    }

    @Test
    void shouldRejectFilesWithoutRecordsOrWithIncompleteOnes(@TempDir final Path dir) throws Exception
    {
        final Path empty = Files.writeString(dir.resolve("empty.json"), "{\"backend\": \"mprotect\"}");
        final IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> IncludedRecords.read(empty));
        assertTrue(none.getMessage().contains("no \"records\" array"), none.getMessage());
        final Path blank = Files.writeString(dir.resolve("blank.jsonl"), "");
        assertThrows(IllegalArgumentException.class, () -> IncludedRecords.read(blank));

        final Path partial = Files.writeString(dir.resolve("partial.json"),
            "{\"records\": [{\"case\": \"seal-release-1page\", \"system\": \"s\", \"metric\": \"mean\", \"unit\": \"ns\"}]}");
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> IncludedRecords.read(partial));
        assertTrue(missing.getMessage().contains("record 0 has no \"value\""), missing.getMessage());
    }
}
