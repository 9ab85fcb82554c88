package io.rpcool.dsm;

/**
 * A DSM heap could not be set up: no peer, a failed handshake, an address already in use, a
 * kernel without the needed userfaultfd features.
 */
public class DsmException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public DsmException(final String message)
    {
        super(message);
    }
}
