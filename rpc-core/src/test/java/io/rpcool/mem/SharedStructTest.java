package io.rpcool.mem;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

class SharedStructTest
{
    private final TestMemory memory = new TestMemory();
    private final HeapAllocator heap = memory.heap(4 << 20);

    private long insert(final long root, final long key)
    {
        final long node = new TreeNode().allocate(heap).key(key).label(SharedString.allocate(heap, "k" + key)).address();
        if (root == 0)
        {
            return node;
        }
        final TreeNode cursor = new TreeNode().wrap(heap.regions(), root);
        while (true)
        {
            if (key < cursor.key())
            {
                if (cursor.left() == 0)
                {
                    cursor.left(node);
                    return root;
                }
                cursor.wrap(heap.regions(), cursor.left());
            }
            else
            {
                if (cursor.right() == 0)
                {
                    cursor.right(node);
                    return root;
                }
                cursor.wrap(heap.regions(), cursor.right());
            }
        }
    }

    private static void inOrder(final RegionSet regions, final long node, final List<Long> out, final int depth)
    {
        if (node == 0)
        {
            return;
        }
        if (depth > 64)
        {
            throw new MalformedStructureException("tree deeper than 64");
        }
        final TreeNode n = new TreeNode().wrap(regions, node);
        inOrder(regions, n.left(), out, depth + 1);
        out.add(n.key());
        inOrder(regions, n.right(), out, depth + 1);
    }

    @Test
    void shouldBuildAndWalkATreeOfUserStructures()
    {
        final Random random = new Random(7);
        final TreeMap<Long, String> model = new TreeMap<>();
        long root = 0;
        for (int i = 0; i < 500; i++)
        {
            final long key = random.nextInt(100_000);
            if (model.put(key, "k" + key) == null)
            {
                root = insert(root, key);
            }
        }
        final List<Long> keys = new ArrayList<>();
        inOrder(heap.regions(), root, keys, 0);
        assertEquals(new ArrayList<>(model.keySet()), keys);
        assertEquals("k" + new TreeNode().wrap(heap.regions(), root).key(),
            new TreeNode().wrap(heap.regions(), root).label());
    }

    @Test
    void shouldCopyStructuresToAnotherHeapByTheirPointerMask()
    {
        long root = 0;
        for (final long key : new long[]{ 50, 20, 80, 10, 30 })
        {
            root = insert(root, key);
        }
        final HeapAllocator other = memory.heap(1 << 20);
        final long copy = SharedObjects.copy(heap.regions(), root, other);
        final List<Long> keys = new ArrayList<>();
        inOrder(other.regions(), copy, keys, 0);
        assertEquals(List.of(10L, 20L, 30L, 50L, 80L), keys);
        assertEquals("k50", new TreeNode().wrap(other.regions(), copy).label());
    }

    @Test
    void shouldBoundTheWalkOfATreeThatPointsBackToItsRoot()
    {
        final long root = insert(insert(0, 10), 5);
        new TreeNode().wrap(heap.regions(), root).right(root);
        assertThrows(MalformedStructureException.class, () -> inOrder(heap.regions(), root, new ArrayList<>(), 0));
        final MalformedStructureException ex = assertThrows(MalformedStructureException.class,
            () -> SharedObjects.copy(heap.regions(), root, memory.heap(1 << 20)));
        assertTrue(ex.getMessage().contains("cycle"), ex.getMessage());
    }

    @Test
    void shouldRejectWrongTagTruncatedStructureAndFieldOutsideLayout()
    {
        final long s = SharedString.allocate(heap, "not a node");
        assertThrows(SharedTypeException.class, () -> new TreeNode().wrap(heap.regions(), s));
        final TreeNode node = new TreeNode().allocate(heap);
        heap.regions().putInt(node.address() + StructDescriptor.LENGTH_OFFSET, 24);
        assertThrows(MalformedStructureException.class, () -> new TreeNode().wrap(heap.regions(), node.address()));
        heap.regions().putInt(node.address() + StructDescriptor.LENGTH_OFFSET, TreeNode.LENGTH);
        assertThrows(IndexOutOfBoundsException.class, () -> node.getLong(TreeNode.LENGTH));
        assertThrows(IndexOutOfBoundsException.class, () -> node.getLong(0));
        node.left(heap.region().end() + 4096);
        assertThrows(SharedMemoryBoundsException.class, () -> new TreeNode().wrap(heap.regions(), node.left()));
    }
}
