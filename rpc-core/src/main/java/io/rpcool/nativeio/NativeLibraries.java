package io.rpcool.nativeio;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * Native libraries that a module's build puts on the class path (as {@code native/linux-x86_64/lib*.so})
 * and that jnr-ffi loads from a file.
 */
public final class NativeLibraries
{
    private NativeLibraries()
    {
    }

    /**
     * The file to load a class-path library from: the resource itself when it is a file (a build
     * directory), else a copy in a temporary file deleted at exit (inside a jar).
     *
     * @param anchor    class whose loader finds the resource.
     * @param resource  absolute resource name, e.g. {@code /native/linux-x86_64/librpcool_dsm.so}.
     * @return the absolute path of the file.
     * @throws UnsupportedOperationException if the resource is not on the class path (its build was skipped).
     * @throws IOException if the copy failed.
     */
    public static Path file(final Class<?> anchor, final String resource) throws IOException
    {
        final URL url = anchor.getResource(resource);
        if (url == null)
        {
            throw new UnsupportedOperationException(
                "the native library " + resource + " is not on the class path (was gcc missing at build time?)");
        }
        if ("file".equals(url.getProtocol()))
        {
            try
            {
                return Paths.get(url.toURI()).toAbsolutePath();
            }
            catch (final URISyntaxException ex)
            {
                throw new IOException(ex);
            }
        }
        final String name = resource.substring(resource.lastIndexOf('/') + 1);
        final Path copy = Files.createTempFile(name.replace(".so", ""), ".so");
        try (InputStream in = url.openStream())
        {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        copy.toFile().deleteOnExit();
        return copy.toAbsolutePath();
    }
}
