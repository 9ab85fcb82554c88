package io.rpcool.mem;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * What {@link SharedObjects} needs to copy and rebuild one record class, reflected once per class
 * and cached in a {@link ClassValue}.
 */
final class RecordMetadata
{
    private static final ClassValue<RecordMetadata> CACHE = new ClassValue<>()
    {
        @Override
        protected RecordMetadata computeValue(final Class<?> type)
        {
            return new RecordMetadata(type);
        }
    };

    final Class<?> type;
    final int count;
    final String[] names;
    final Type[] genericTypes;
    final int[] primitiveKinds;
    final long[] pointerMask;
    final MethodHandle[] accessors;
    final MethodHandle constructor;
    final long fingerprint;
    final int length;
    final int slotsOffset;

    static RecordMetadata of(final Class<?> type)
    {
        return CACHE.get(type);
    }

    private RecordMetadata(final Class<?> type)
    {
        if (!type.isRecord())
        {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        this.type = type;
        final RecordComponent[] components = type.getRecordComponents();
        count = components.length;
        names = new String[count];
        genericTypes = new Type[count];
        primitiveKinds = new int[count];
        pointerMask = new long[RecordDescriptor.maskWords(count)];
        accessors = new MethodHandle[count];
        final Class<?>[] parameterTypes = new Class<?>[count];
        final MethodHandles.Lookup lookup = MethodHandles.lookup();
        final StringBuilder signature = new StringBuilder(type.getName());
        try
        {
            for (int i = 0; i < count; i++)
            {
                final RecordComponent component = components[i];
                names[i] = component.getName();
                genericTypes[i] = component.getGenericType();
                parameterTypes[i] = component.getType();
                primitiveKinds[i] = component.getType().isPrimitive() ? BoxDescriptor.kindOf(component.getType()) : 0;
                if (primitiveKinds[i] == 0)
                {
                    pointerMask[i >>> 6] |= 1L << i;
                }
                final Method accessor = component.getAccessor();
                accessor.setAccessible(true);
                accessors[i] = lookup.unreflect(accessor);
                signature.append('|').append(names[i]).append(':').append(genericTypes[i].getTypeName());
            }
            final Constructor<?> canonical = type.getDeclaredConstructor(parameterTypes);
            canonical.setAccessible(true);
            constructor = lookup.unreflectConstructor(canonical);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            throw new IllegalArgumentException("cannot access record " + type.getName() + ": " + ex, ex);
        }
        fingerprint = fingerprint(signature.toString());
        length = RecordDescriptor.length(count);
        slotsOffset = RecordDescriptor.slotsOffset(count);
    }

    private static long fingerprint(final String signature)
    {
        long h = 0xCBF29CE484222325L;
        for (final byte b : signature.getBytes(StandardCharsets.UTF_8))
        {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return h;
    }

    boolean isPointer(final int index)
    {
        return (pointerMask[index >>> 6] & (1L << index)) != 0;
    }
}
