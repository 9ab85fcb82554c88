package io.rpcool.service;

import java.util.Arrays;
import java.util.List;

/**
 * A typed service: its name, its methods, and a fingerprint over all of them that a stub checks
 * against the server's at connect ({@link ServiceClient#verify()}), through a handshake function of
 * its own id.
 */
public final class ServiceDefinition
{
    private final String name;
    private final List<ServiceMethod> methods;
    private final long fingerprint;
    private final int handshakeId;

    public ServiceDefinition(final String name, final ServiceMethod... methods)
    {
        this.name = name;
        this.methods = List.of(methods);
        final String[] signatures = new String[methods.length];
        for (int i = 0; i < methods.length; i++)
        {
            signatures[i] = methods[i].signature();
            for (int j = 0; j < i; j++)
            {
                if (methods[j].id() == methods[i].id())
                {
                    throw new IllegalArgumentException("service " + name + ": methods " + methods[j].signature() + " and " +
                        methods[i].signature() + " hash to the same id " + methods[i].id() + "; rename one with @RpcMethod(name)");
                }
            }
        }
        Arrays.sort(signatures);
        this.fingerprint = ServiceMethod.fnv1a(name + "{" + String.join(";", signatures) + "}");
        this.handshakeId = ServiceMethod.id(name, "#handshake");
    }

    public String name()
    {
        return name;
    }

    public List<ServiceMethod> methods()
    {
        return methods;
    }

    /** A hash over the service's name and every method's signature. */
    public long fingerprint()
    {
        return fingerprint;
    }

    /** The function id of the service's handshake, answered by every channel the service is bound to. */
    public int handshakeId()
    {
        return handshakeId;
    }

    @Override
    public String toString()
    {
        return name;
    }
}
