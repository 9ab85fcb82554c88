package io.rpcool.dsm;

import java.util.Locale;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.mapper.FunctionMapper;

/**
 * The functions of the native pager (librpcool_dsm, built from {@code src/main/c}), bound through
 * jnr-ffi: {@code fooBar} binds the C function {@code rpcool_dsm_foo_bar} ({@link #SYMBOLS}).
 * Failures are negative errno values (or a zero handle); {@link #lastError()} says why, for the
 * calling thread.
 */
public interface DsmLibrary
{
    /** Maps a method name to the C symbol it binds: {@code pageState} to {@code rpcool_dsm_page_state}. */
    FunctionMapper SYMBOLS = (name, context) -> "rpcool_dsm_" + name.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);

    /** The userfaultfd features the kernel offers (UFFDIO_API), or -errno. */
    @IgnoreError long kernelFeatures();

    /** The userfaultfd features the pager needs. */
    @IgnoreError long requiredFeatures();

    /** Why the last failed call of this thread failed. */
    @IgnoreError String lastError();

    /** A listening TCP socket on an IPv4 address (port 0: any), or -errno. */
    @IgnoreError int listen(String host, int port);

    @IgnoreError int localPort(int fd);

    /** The next connection on a listening socket, or -errno (-ETIMEDOUT after the timeout). */
    @IgnoreError int accept(int fd, int timeoutMs);

    @IgnoreError int connect(String host, int port, int timeoutMs);

    @IgnoreError int closeFd(int fd);

    /**
     * Map the heap, register it with userfaultfd and shake hands over {@code sock} (taken over,
     * also on failure). Role 0 is the server, which owns every page at first.
     *
     * @return the handle, or 0.
     */
    @IgnoreError long open(long address, long size, int sock, int role, int timeoutMs);

    /**
     * Start the pager thread of an opened heap; 0, or -errno with the handle freed.
     * A page that arrived stays {@code holdNs}; a peer silent for {@code silenceNs} while pages
     * are requested is gone.
     */
    @IgnoreError int start(long handle, long holdNs, long silenceNs);

    /** Address of the pager's status word (an int), valid until close. */
    @IgnoreError long statusAddress(long handle);

    /** One of {@link DsmHeap}'s status values. */
    @IgnoreError int status(long handle);

    /** Why the pager stopped; empty while it runs. */
    @IgnoreError String reason(long handle);

    @IgnoreError long counter(long handle, int which);

    @IgnoreError int pageState(long handle, long page);

    /** Stop the pager (GOODBYE to a live peer), unmap the heap and free the handle. */
    @IgnoreError int close(long handle);
}
