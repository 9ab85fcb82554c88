package io.rpcool.service;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.rpcool.seal.SealRequirement;

/**
 * One method of a typed service as both ends see it: its name, its signature with every record
 * spelled out component by component, and the function id derived from them. Two ends agree on an
 * id only if they agree on the service's name, the method's name and the wire form of every argument
 * and of the result, so a changed interface never decodes another's bytes: its calls go to an id the
 * other end does not serve. Generated code makes these once, as constants.
 */
public final class ServiceMethod
{
    private final String serviceName;
    private final String name;
    private final String signature;
    private final int id;
    private final SealRequirement sealRequirement;
    private final boolean sandboxed;
    private final long deadlineNs;
    private final boolean sharedMemory;

    /**
     * @param serviceName     the service's name ({@link RpcService#name()}).
     * @param name            the method's name ({@link RpcMethod#name()}).
     * @param signature       the canonical signature the processor writes, e.g. {@code greet(java.lang.String,int)java.lang.String}.
     * @param sealRequirement from {@link Sealed}, or {@link SealRequirement#NONE}.
     * @param sandboxed       from {@link Sandboxed}.
     * @param deadlineMs      from {@link RpcMethod#deadlineMs()}; 0: the connection's call timeout.
     * @param sharedMemory    true if an argument or the result is a shared container (shared memory only).
     */
    public ServiceMethod(final String serviceName, final String name, final String signature, final SealRequirement sealRequirement,
        final boolean sandboxed, final long deadlineMs, final boolean sharedMemory)
    {
        this.serviceName = serviceName;
        this.name = name;
        this.signature = signature;
        this.id = id(serviceName, signature);
        this.sealRequirement = sealRequirement;
        this.sandboxed = sandboxed;
        this.deadlineNs = TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        this.sharedMemory = sharedMemory;
    }

    /**
     * The function id of {@code signature} in service {@code serviceName}: FNV-1a (64 bits) over
     * {@code serviceName + "/" + signature} in UTF-8, folded to 32 bits, with the sign bit set so that typed
     * methods stay clear of the small ids raw handlers use.
     */
    public static int id(final String serviceName, final String signature)
    {
        return fold(fnv1a(serviceName + "/" + signature));
    }

    static long fnv1a(final String text)
    {
        long h = 0xcbf29ce484222325L;
        for (final byte b : text.getBytes(StandardCharsets.UTF_8))
        {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }

    static int fold(final long hash)
    {
        return (int)(hash ^ hash >>> 32) | 0x8000_0000;
    }

    public String serviceName()
    {
        return serviceName;
    }

    public String name()
    {
        return name;
    }

    public String signature()
    {
        return signature;
    }

    public int id()
    {
        return id;
    }

    public SealRequirement sealRequirement()
    {
        return sealRequirement;
    }

    public boolean isSealed()
    {
        return sealRequirement != SealRequirement.NONE;
    }

    public boolean isSandboxed()
    {
        return sandboxed;
    }

    /** The method's own default deadline (ns), or 0. */
    public long deadlineNs()
    {
        return deadlineNs;
    }

    /** True if an argument or the result travels by reference in the connection's heap. */
    public boolean usesSharedMemory()
    {
        return sharedMemory;
    }

    /** {@code Service.signature}, as error messages name the method. */
    @Override
    public String toString()
    {
        return serviceName + "." + signature;
    }
}
