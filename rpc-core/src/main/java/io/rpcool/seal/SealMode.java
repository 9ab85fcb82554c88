package io.rpcool.seal;

/**
 * How a client protects the arguments of a call from itself while the server reads them in place.
 */
public enum SealMode
{
    /** No protection: the server reads the request where the client wrote it. */
    NONE,
    /** Seal the request buffer's pages for the duration of the call. */
    SEAL,
    /** Ask the server to copy the request into its private memory before the handler runs. */
    COPY,
    /** {@link #COPY} below the policy's crossover length, {@link #SEAL} from there on ({@link SealPolicy}). */
    POLICY
}
