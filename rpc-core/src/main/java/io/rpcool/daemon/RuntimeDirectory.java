package io.rpcool.daemon;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import io.rpcool.config.Setting;
import io.rpcool.nativeio.Native;

/**
 * The daemon directory (its socket, lock and counters files) and the checks that keep other users
 * out of it, as ssh-agent users expect of a socket directory: the directory, and the daemon's
 * socket in it, must belong to this user (or to root, for a host-wide daemon) and must not be
 * writable by anyone else; otherwise another user could put a daemon of their own there and be
 * handed this user's connection heaps. The default prefers {@code $XDG_RUNTIME_DIR}.
 */
public final class RuntimeDirectory
{
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS_TRAVERSE = PosixFilePermissions.fromString("rwx--x--x");

    private RuntimeDirectory()
    {
    }

    /**
     * {@code rpcool.dir} when set; else {@code $XDG_RUNTIME_DIR/rpcool} when that variable names a
     * directory; else {@code /dev/shm/rpcool-$USER}.
     */
    public static Path defaultDirectory()
    {
        final String configured = Setting.DIR.configured();
        if (configured != null)
        {
            return Path.of(configured);
        }
        final String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isEmpty() && Files.isDirectory(Path.of(xdg)))
        {
            return Path.of(xdg, "rpcool");
        }
        return Path.of("/dev/shm", "rpcool-" + System.getProperty("user.name", "user"));
    }

    /**
     * Create the directory for a daemon (mode 0700, or 0711 when other users are allowed to reach its
     * socket), or check an existing one.
     *
     * @throws DaemonException if it is not safe to use.
     */
    public static void prepareForDaemon(final Path directory, final boolean othersAllowed)
    {
        try
        {
            Files.createDirectories(directory.toAbsolutePath().getParent());
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(othersAllowed ? OTHERS_TRAVERSE : OWNER_ONLY));
            // The umask may have taken bits away; set exactly what is meant.
            Files.setPosixFilePermissions(directory, othersAllowed ? OTHERS_TRAVERSE : OWNER_ONLY);
        }
        catch (final FileAlreadyExistsException e)
        {
            // Checked below.
        }
        catch (final IOException e)
        {
            throw new DaemonException(ControlProtocol.E_BAD_REQUEST, "cannot create the daemon directory " + directory + ": " + e);
        }
        final String problem = problemWith(directory, true);
        if (problem != null)
        {
            throw new DaemonException(ControlProtocol.E_BAD_REQUEST, problem);
        }
    }

    /**
     * @return null if {@code path} (the daemon directory, or a socket in it) is safe for this user,
     * else why not.
     */
    public static String problemWith(final Path path, final boolean directory)
    {
        try
        {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS))
            {
                return null;
            }
            if (Files.isSymbolicLink(path))
            {
                return path + " is a symbolic link; refusing to use it as an RPCool " + (directory ? "directory" : "socket");
            }
            if (directory && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))
            {
                return path + " is not a directory";
            }
            final int owner = (Integer)Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            final int mode = (Integer)Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            final int me = Native.uid();
            if (owner != me && owner != 0)
            {
                return path + " belongs to uid " + owner + ", not to this user (uid " + me + "): another user may have put it " +
                    "there; remove it or set rpcool.dir to a directory of your own";
            }
            if (directory && (mode & 0022) != 0)
            {
                return String.format("%s is writable by %s (mode %o): another user could replace the daemon's socket; " +
                    "chmod go-w it or set rpcool.dir to a directory of your own", path, (mode & 0002) != 0 ? "everyone" : "its group",
                    mode & 0777);
            }
            return null;
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException e)
        {
            return "cannot check " + path + ": " + e;
        }
    }

    /**
     * Check the directory and the daemon socket a process is about to use.
     *
     * @throws DaemonException if either is not safe.
     */
    public static void checkForClient(final Path directory)
    {
        String problem = problemWith(directory, true);
        if (problem == null)
        {
            problem = problemWith(directory.resolve(ControlProtocol.SOCKET_NAME), false);
        }
        if (problem != null)
        {
            throw new DaemonException(ControlProtocol.E_BAD_REQUEST, problem);
        }
    }
}
