package io.rpcool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest
{
    @Test
    void shouldWriteTheTableAndTheChartBesideTheHarnessRecords(@TempDir final Path dir) throws Exception
    {
        final Path json = Files.writeString(dir.resolve("seal.json"), "{\"backend\": \"mprotect\", \"emulated\": false, \"records\": [" +
            "{\"case\": \"seal-release-1page\", \"system\": \"rpcool-mprotect\", \"metric\": \"mean\", " +
            "\"value\": 5866.0, \"unit\": \"ns\"}," +
            "{\"case\": \"noop-rtt\", \"system\": \"rpcool-shm-sealed-mprotect\", \"metric\": \"p50\", " +
            "\"value\": 6099.0, \"unit\": \"ns\"}]}");

        assertEquals(0, BenchMain.execute("render", "--suite", "seal", "--in", json.toString()));

        final String md = Files.readString(dir.resolve("seal.md"));
        assertTrue(md.startsWith("# `seal` suite"), md);
        assertTrue(md.contains("backend `mprotect`"), md);
        assertTrue(md.contains("| seal-release-1page | rpcool-mprotect | — | — | 5.9 µs |"), md);
        assertTrue(md.contains("| noop-rtt | rpcool-shm-sealed-mprotect | 6.1 µs |"), md);
        assertNotNull(ImageIO.read(dir.resolve("seal.png").toFile()));
    }

    @Test
    void shouldRefuseAFileWithoutRecords(@TempDir final Path dir) throws Exception
    {
        final Path json = Files.writeString(dir.resolve("sandbox.json"), "{\"header\": {}}");
        assertEquals(SuiteCommand.EXIT_USAGE, BenchMain.execute("render", "--suite", "sandbox", "--in", json.toString()));
        assertTrue(Files.notExists(dir.resolve("sandbox.md")));
    }
}
