package io.rpcool.service;

/** A typed call's arguments or result do not decode: truncated, or not what the method declares. */
public final class MalformedMessageException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(final String message)
    {
        super(message);
    }
}
