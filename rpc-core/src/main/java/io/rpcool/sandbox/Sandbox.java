package io.rpcool.sandbox;

import io.rpcool.mem.MemoryRegion;
import io.rpcool.mem.OutOfBoundsListener;
import io.rpcool.mem.RegionSet;
import io.rpcool.mem.SharedObjects;

/**
 * A sandbox over one region of shared memory: the JVM counterpart of RPCool's
 * {@code SB_BEGIN(region, vars...)} / {@code SB_END}.
 *
 * <pre>{@code
 * long total = Sandbox.run(buffer.region(), sb ->
 * {
 *     Order order = SharedObjects.materialize(sb.regions(), root, Order.class);  // reads confined to the region
 *     long tmp = SharedString.allocate(sb.scratch(), "temporary");                // gone at exit
 *     return order.total();
 * });
 * }</pre>
 *
 * Inside, shared data is read through {@link SandboxContext#regions()}: views that admit the
 * region, the scratch area and any region given with {@link #over(MemoryRegion, MemoryRegion...)}.
 * A read or write that leaves them is refused before any byte is touched and makes the whole
 * sandbox end in a {@link SandboxViolationException}, even if the body caught the refusal. With a
 * hardware provider ({@link Sandboxes#provider()}), the data heaps and the region carry memory
 * protection keys and the thread's rights are switched on entry and exit, so an access that
 * bypasses the views (raw {@code Unsafe}, another {@code RegionSet}) is caught too.
 * <p>
 * A sandbox object is cheap and may be reused; the hardware layer caches the protection of
 * recently used regions, so entering the same region again is a register write. Sandboxes do not
 * nest, and the body must not block on another sandbox; a thread started inside is not sandboxed.
 */
public final class Sandbox
{
    private static final ThreadLocal<SandboxContext> CURRENT = new ThreadLocal<>();
    private static final Object[] NO_VARS = new Object[0];

    private final MemoryRegion region;
    private final MemoryRegion[] regions;

    private Sandbox(final MemoryRegion region, final MemoryRegion[] extra)
    {
        this.region = region;
        this.regions = new MemoryRegion[extra.length + 1];
        this.regions[0] = region;
        System.arraycopy(extra, 0, this.regions, 1, extra.length);
    }

    /**
     * A sandbox confined to {@code region}; {@code alsoAccessible} regions are admitted by the views
     * too (a call's request and reply buffers) but get no protection key of their own.
     */
    public static Sandbox over(final MemoryRegion region, final MemoryRegion... alsoAccessible)
    {
        if (region == null)
        {
            throw new NullPointerException("region");
        }
        return new Sandbox(region, alsoAccessible);
    }

    /** Run {@code body} in a sandbox over {@code region}: {@code over(region).call(body, vars)}. */
    public static <T> T run(final MemoryRegion region, final SandboxBody<T> body, final Object... vars) throws Exception
    {
        return over(region).call(body, vars);
    }

    public MemoryRegion region()
    {
        return region;
    }

    /** True if the calling thread is inside a sandbox. */
    public static boolean inSandbox()
    {
        return CURRENT.get() != null;
    }

    /** The calling thread's sandbox, or null. */
    public static SandboxContext current()
    {
        return CURRENT.get();
    }

    /**
     * Enter the sandbox, run {@code body}, exit.
     *
     * @param vars values passed in: a {@link SharedVar} is deep-copied into scratch (the body gets
     *             its address); anything else is passed as it is.
     * @return what the body returned.
     * @throws SandboxViolationException if the body reached outside the sandbox (its own exception,
     *                                   if any, is the cause).
     * @throws Exception                 what the body threw, if it did not violate the sandbox.
     */
    public <T> T call(final SandboxBody<T> body, final Object... vars) throws Exception
    {
        if (CURRENT.get() != null)
        {
            throw new IllegalStateException("sandboxes do not nest");
        }
        final SandboxProvider provider = Sandboxes.startedProvider();
        final SandboxDomain domain = provider.acquire(region);
        final Recorder recorder = new Recorder();
        ScratchArea scratch = null;
        RegionSet views = null;
        SandboxContext context = null;
        try
        {
            scratch = domain.scratchPool().take();
            final MemoryRegion[] all = java.util.Arrays.copyOf(regions, regions.length + 1);
            all[regions.length] = scratch.region();
            views = new RegionSet(recorder, all);
            context = new SandboxContext(region, views, scratch.allocator(views), copyIn(vars, scratch, views));
            CURRENT.set(context);
            recorder.armed = true;
            T result = null;
            Throwable failure = null;
            final long token = domain.enter();
            try
            {
                result = body.apply(context);
            }
            catch (final Throwable t)
            {
                failure = t;
            }
            finally
            {
                final long faults = domain.exit(token);
                recorder.armed = false;
                if (faults != 0)
                {
                    recorder.hardware(domain.violationAddress());
                }
            }
            if (recorder.violated)
            {
                context.scrubResults();
                throw new SandboxViolationException(recorder.kind, recorder.address, recorder.length,
                    region + " (" + domain.describe() + ")", failure);
            }
            if (failure instanceof Exception)
            {
                throw (Exception)failure;
            }
            if (failure != null)
            {
                throw (Error)failure;
            }
            return result;
        }
        finally
        {
            CURRENT.remove();
            if (views != null)
            {
                views.clear();
            }
            if (scratch != null)
            {
                scratch.discard();
                domain.scratchPool().give(scratch);
            }
            domain.release();
        }
    }

    private static Object[] copyIn(final Object[] vars, final ScratchArea scratch, final RegionSet views)
    {
        if (vars == null || vars.length == 0)
        {
            return NO_VARS;
        }
        final Object[] in = vars.clone();
        for (int i = 0; i < in.length; i++)
        {
            if (in[i] instanceof SharedVar)
            {
                final SharedVar v = (SharedVar)in[i];
                in[i] = SharedObjects.copy(v.source(), v.pointer(), scratch.allocator(views));
            }
        }
        return in;
    }

    @Override
    public String toString()
    {
        return "Sandbox" + java.util.Arrays.toString(regions);
    }

    /** Notes the first access the views refused while the body ran. */
    private static final class Recorder implements OutOfBoundsListener
    {
        volatile boolean armed;
        boolean violated;
        SandboxViolationException.Kind kind;
        long address;
        long length;

        @Override
        public void onOutOfBounds(final long address, final long length)
        {
            if (armed && !violated)
            {
                this.violated = true;
                this.kind = SandboxViolationException.Kind.BOUNDS;
                this.address = address;
                this.length = length;
            }
        }

        void hardware(final long address)
        {
            if (!violated)
            {
                this.violated = true;
                this.kind = SandboxViolationException.Kind.PROTECTION_KEY;
                this.address = address;
                this.length = 1;
            }
        }
    }
}
