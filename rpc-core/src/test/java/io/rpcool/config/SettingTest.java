package io.rpcool.config;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Configuration lives in one place: {@link Setting} is the only reader of {@code rpcool.*}
 * properties in the project's main code, and the README's table is {@link Setting#markdownTable()}.
 */
class SettingTest
{
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern READ = Pattern.compile(
        "(getProperty|getLong|getInteger|getBoolean|getenv)\\(\\s*\"(rpcool\\.|RPCOOL_)");

    @Test
    void shouldBeTheOnlyReaderOfRpcoolProperties() throws IOException
    {
        final List<String> readers = new ArrayList<>();
        final List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT))
        {
            modules.forEach(m -> sources.add(m.resolve("src/main/java")));
        }
        sources.add(ROOT.resolve("bench/harness/src/main/java"));
        for (final Path source : sources)
        {
            if (!Files.isDirectory(source))
            {
                continue;
            }
            try (Stream<Path> files = Files.walk(source))
            {
                for (final Path f : (Iterable<Path>)files::iterator)
                {
                    if (f.toString().endsWith(".java") && !f.toString().endsWith("/config/Setting.java") &&
                        READ.matcher(Files.readString(f)).find())
                    {
                        readers.add(ROOT.relativize(f).toString());
                    }
                }
            }
        }
        assertTrue(sources.size() > 5, "found the modules' sources under " + ROOT);
        assertTrue(readers.isEmpty(), "rpcool.* settings read outside io.rpcool.config.Setting: " + readers);
    }

    @Test
    void shouldMatchTheReadmeTable() throws IOException
    {
        final String readme = Files.readString(ROOT.resolve("README.md"));
        final String begin = "<!-- settings:begin -->\n";
        final int from = readme.indexOf(begin);
        final int to = readme.indexOf("<!-- settings:end -->");
        assertTrue(from >= 0 && to > from, "README.md has the settings markers");
        assertEquals(Setting.markdownTable(), readme.substring(from + begin.length(), to),
            "README.md's settings table is Setting.markdownTable()");
    }

    @Test
    void shouldExplainAValueItCannotUse()
    {
        System.setProperty("rpcool.slots", "many");
        try
        {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Setting.SLOTS::intValue);
            assertTrue(e.getMessage().contains("rpcool.slots=many is not a whole number"), e.getMessage());
        }
        finally
        {
            System.clearProperty("rpcool.slots");
        }
    }
}
