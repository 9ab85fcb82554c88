package io.rpcool;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.rpcool.daemon.DaemonException;
import io.rpcool.daemon.DaemonMain;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.nativeio.Native;

/**
 * Another Unix user (a JVM started with {@code setpriv}) against this user's daemon: refused by
 * default, even when the daemon was started under {@code umask 000}; refused by the daemon's uid
 * check when its socket is reachable but the user is not allowed; admitted when allowed. And this
 * user's library refuses a daemon directory another user owns or can write.
 */
@Tag("multi-process")
@Timeout(180)
class OtherUserTest
{
    private static final int NOBODY = 65534;
    private static final int ALLOWED = 23456;
    private static Path classPath;

    @BeforeAll
    static void copyClassPath() throws IOException
    {
        assumeTrue(Native.uid() == 0, "needs root to run a JVM as another user");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        // The other user cannot read this user's home (where the build's jars may live): copy them.
        classPath = Files.createTempDirectory(Path.of("/tmp"), "rpcool-other-user-cp-");
        final List<String> entries = new ArrayList<>();
        int n = 0;
        for (final String entry : System.getProperty("java.class.path").split(":"))
        {
            final Path source = Path.of(entry);
            if (!Files.exists(source))
            {
                continue;
            }
            final Path target = classPath.resolve(n++ + "-" + source.getFileName());
            if (Files.isDirectory(source))
            {
                try (Stream<Path> files = Files.walk(source))
                {
                    for (final Path f : (Iterable<Path>)files::iterator)
                    {
                        final Path t = target.resolve(source.relativize(f).toString());
                        if (Files.isDirectory(f))
                        {
                            Files.createDirectories(t);
                        }
                        else
                        {
                            Files.copy(f, t, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
            else
            {
                Files.copy(source, target);
            }
            entries.add(target.toString());
        }
        run("chmod", "-R", "a+rX", classPath.toString());
        Files.writeString(classPath.resolve("classpath"), String.join(":", entries));
    }

    @org.junit.jupiter.api.AfterAll
    static void removeClassPath() throws IOException
    {
        if (classPath != null)
        {
            run("rm", "-rf", classPath.toString());
        }
    }

    private static void run(final String... command) throws IOException
    {
        try
        {
            assertEquals(0, new ProcessBuilder(command).inheritIO().start().waitFor(), String.join(" ", command));
        }
        catch (final InterruptedException e)
        {
            throw new IOException(e);
        }
    }

    /** Run {@link OtherUserMain} as {@code uid}; its one line of output. */
    private static String asUser(final int uid, final Path dir, final String channel) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
        final List<String> java = new ArrayList<>(ChildJvm.builder(OtherUserMain.class).args(dir.toString(), channel).command());
        java.set(java.indexOf("-cp") + 1, Files.readString(classPath.resolve("classpath")));
        command.addAll(java);
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the other user's JVM ended");
        final String out = new String(p.getInputStream().readAllBytes()).strip();
        final String[] lines = out.split("\n");
        return lines[lines.length - 1];
    }

    /** A standalone daemon started under umask 000, with extra options. */
    private static Process daemon(final Path dir, final String... options) throws Exception
    {
        final List<String> java = new ArrayList<>(ChildJvm.builder(DaemonMain.class).args("--dir", dir.toString()).command());
        java.addAll(List.of(options));
        final StringBuilder shell = new StringBuilder("umask 000 && exec");
        for (final String word : java)
        {
            shell.append(" '").append(word.replace("'", "'\\''")).append('\'');
        }
        final Process p = new ProcessBuilder("sh", "-c", shell.toString()).redirectErrorStream(true).start();
        final java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        // The JVM may print warnings of its own first; the daemon's first line says where it listens.
        final StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null && !line.startsWith(DaemonMain.LISTENING) && seen.length() < 10_000)
        {
            seen.append(line).append('\n');
        }
        assertNotNull(line, "the daemon started; it printed: " + seen);
        assertTrue(line.startsWith(DaemonMain.LISTENING), "the daemon started; it printed: " + seen);
        return p;
    }

    private static ChildJvm server(final Path dir, final String channel)
    {
        final ChildJvm server = ChildJvm.builder(TestServerMain.class).jvmFlags("-Xmx256m").args(dir.toString(), channel, "local").start();
        server.awaitLine("READY", 30_000);
        return server;
    }

    @Test
    void shouldKeepOtherUsersOutEvenUnderUmask000AndAdmitOnlyAllowedOnes() throws Exception
    {
        final Path parent = Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-users-");
        run("chmod", "755", parent.toString());
        final Path dir = parent.resolve("daemon");
        final Process daemon = daemon(dir);
        try (ChildJvm server = server(dir, "/private/echo"))
        {
            final String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
            assertEquals("rwx------", mode, "the daemon directory is the user's alone, whatever the umask");
            final String other = asUser(NOBODY, dir, "/private/echo");
            assertTrue(other.startsWith("REFUSED"), other);
        }
        finally
        {
            daemon.destroyForcibly().waitFor();
        }

        final Path open = parent.resolve("shared-daemon");
        final Process sharing = daemon(open, "--allow-uid", String.valueOf(ALLOWED));
        try (ChildJvm server = server(open, "/shared/echo"))
        {
            final String refused = asUser(NOBODY, open, "/shared/echo");
            assertTrue(refused.startsWith("REFUSED"), "a user the daemon does not allow is refused at its socket: " + refused);
            assertEquals("CALLED", asUser(ALLOWED, open, "/shared/echo"), "an allowed user calls the channel");
        }
        finally
        {
            sharing.destroyForcibly().waitFor();
        }
    }

    @Test
    void shouldRefuseADaemonDirectoryThatAnotherUserOwnsOrCanWrite() throws Exception
    {
        final Path planted = Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-planted-");
        run("chown", NOBODY + ":" + NOBODY, planted.toString());
        final DaemonException foreign = assertThrows(DaemonException.class, () -> Rpcool.launch(TestDirs.context(planted)));
        assertTrue(foreign.getMessage().contains("belongs to uid " + NOBODY), foreign.getMessage());

        final Path writable = Files.createTempDirectory(Path.of("/dev/shm"), "rpcool-writable-");
        run("chmod", "777", writable.toString());
        final DaemonException open = assertThrows(DaemonException.class, () -> Rpcool.launch(TestDirs.context(writable)));
        assertTrue(open.getMessage().contains("writable by everyone"), open.getMessage());
    }
}
