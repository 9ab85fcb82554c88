package io.rpcool.dsm;

/**
 * Prints what {@link Dsm} says about this JVM, and what opening a heap does: {@code AVAILABLE b},
 * {@code CAUSE message} (when unavailable), {@code REFUSED message} or {@code BOUND}.
 */
public final class DsmAvailabilityMain
{
    private DsmAvailabilityMain()
    {
    }

    public static void main(final String[] args)
    {
        System.out.println("AVAILABLE " + Dsm.isAvailable());
        if (!Dsm.isAvailable())
        {
            System.out.println("CAUSE " + Dsm.unavailabilityCause().getMessage());
        }
        try (DsmAcceptor acceptor = DsmAcceptor.bind("127.0.0.1", 0))
        {
            System.out.println("BOUND " + acceptor.port());
        }
        catch (final UnsupportedOperationException ex)
        {
            System.out.println("REFUSED " + ex.getMessage());
        }
    }
}
