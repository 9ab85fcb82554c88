/**
 * Shared-memory heaps, their allocator and the containers that live in them.
 * <p>
 * Everything here works on memory given as an absolute base address and a length: a heap mapped at
 * the same address in every process, an RPC buffer inside one, or (in tests) a direct buffer.
 * Structures link to each other by absolute 64-bit pointers, valid unchanged in every process that
 * maps the heap at the same address.
 * <ul>
 *   <li>{@link io.rpcool.mem.MemoryRegion} and {@link io.rpcool.mem.RegionSet}: the bounds authority.
 *   Every access to shared data made by this package goes through a {@code RegionSet} and is
 *   checked to lie inside one of its regions; a wild pointer raises
 *   {@link io.rpcool.mem.SharedMemoryBoundsException}. The checks cannot be switched off.</li>
 *   <li>{@link io.rpcool.mem.HeapAllocator}: a lock-free, crash-safe size-class allocator whose
 *   metadata lives inside the heap ({@link io.rpcool.mem.DataHeapDescriptor}), usable by every process
 *   that maps the heap; {@link io.rpcool.mem.HeapSet} spans several heaps;
 *   {@link io.rpcool.mem.RpcBuffer} is a bump-allocated buffer carved from a heap.</li>
 *   <li>Containers, each a flyweight over a tagged structure with its own descriptor:
 *   {@link io.rpcool.mem.SharedString}, {@link io.rpcool.mem.SharedLongVector},
 *   {@link io.rpcool.mem.SharedPointerVector}, {@link io.rpcool.mem.SharedStringMap},
 *   {@link io.rpcool.mem.SharedJson} / {@link io.rpcool.mem.SharedJsonNode}, and
 *   {@link io.rpcool.mem.SharedStruct} as the base for user-defined layouts.</li>
 *   <li>{@link io.rpcool.mem.SharedObjects}: deep copies of Java object graphs into shared memory and
 *   back, and of shared structures from one heap to another.</li>
 * </ul>
 * Data read from shared memory is treated as hostile: a wrong tag, an impossible length, a pointer
 * outside the regions or a cycle where a tree was promised raises a
 * {@link io.rpcool.mem.SharedMemoryException}, never a crash or a read of unrelated memory. Walks over
 * pointer structures are bounded by {@link io.rpcool.mem.TraversalLimits}.
 * <p>
 * What the regions cannot protect against is the memory itself going away: a heap must stay mapped
 * while any flyweight or region set that covers it is in use.
 */
package io.rpcool.mem;
