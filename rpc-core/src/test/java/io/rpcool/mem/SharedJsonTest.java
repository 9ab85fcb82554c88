package io.rpcool.mem;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SharedJsonTest
{
    private final TestMemory memory = new TestMemory();
    private final HeapAllocator heap = memory.heap(4 << 20);
    private final SharedJson json = new SharedJson(heap);

    @Test
    void shouldBuildNodesByPointerAndReadThemInPlace()
    {
        final long doc = json.objectNode();
        final long tags = json.arrayNode();
        json.add(tags, json.stringNode("a")).add(tags, json.longNode(7)).add(tags, json.nullNode());
        json.put(doc, "name", json.stringNode("Ada"))
            .put(doc, "age", json.longNode(36))
            .put(doc, "score", json.doubleNode(9.5))
            .put(doc, "ok", json.booleanNode(true))
            .put(doc, "tags", tags)
            .put(doc, "age", json.longNode(37));

        final SharedJsonNode node = new SharedJsonNode().wrap(heap.regions(), doc);
        assertEquals(JsonNodeDescriptor.KIND_OBJECT, node.kind());
        assertEquals(5, node.size());
        assertEquals("name", node.memberKey(0));
        final SharedJsonNode child = new SharedJsonNode();
        assertEquals(37, child.wrap(heap.regions(), node.member("age")).longValue());
        assertEquals(9.5, child.wrap(heap.regions(), node.member("score")).doubleValue());
        assertEquals(0, node.member("missing"));
        assertEquals("Ada", child.wrap(heap.regions(), node.member("name")).stringValue());
        assertThrows(SharedTypeException.class, () -> child.wrap(heap.regions(), node.member("name")).longValue());
        assertEquals(3, child.wrap(heap.regions(), node.member("tags")).size());

        assertEquals("{\"name\":\"Ada\",\"age\":37,\"score\":9.5,\"ok\":true,\"tags\":[\"a\",7,null]}",
            SharedJson.toJson(heap.regions(), doc));
    }

    @Test
    void shouldParseTextAndSerialiseItBack()
    {
        final String text = "{\"a\":[1,-2,3.25,1e3,true,false,null],\"b\":{\"c\":\"x\\\"y\\n\\u00e9\\ud83d\\ude00\"}," +
            "\"big\":123456789012345678901234567890,\"empty\":{},\"none\":[]}";
        final long root = json.parse(text);
        assertEquals("{\"a\":[1,-2,3.25,1000.0,true,false,null],\"b\":{\"c\":\"x\\\"y\\n\u00e9\ud83d\ude00\"}," +
            "\"big\":1.2345678901234568E29,\"empty\":{},\"none\":[]}", SharedJson.toJson(heap.regions(), root));
        final Object java = SharedJson.toJava(heap.regions(), root);
        assertEquals(Arrays.asList(1L, -2L, 3.25, 1000.0, true, false, null), ((Map<?, ?>)java).get("a"));
        assertEquals(Map.of("c", "x\"y\n\u00e9\ud83d\ude00"), ((Map<?, ?>)java).get("b"));
    }

    @Test
    void shouldRejectInvalidText()
    {
        for (final String bad : new String[]{ "", "{", "[1,]", "{\"a\" 1}", "tru", "01", "1.", "\"abc", "[1] x",
            "{1:2}", "\"\\x\"", "-" })
        {
            assertThrows(IllegalArgumentException.class, () -> json.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> json.parse("[".repeat(600) + "]".repeat(600)));
    }

    @Test
    void shouldDetectANodeThatIsItsOwnAncestor()
    {
        final long outer = json.arrayNode();
        final long inner = json.arrayNode();
        json.add(outer, inner).add(inner, json.longNode(1)).add(inner, outer);
        final MalformedStructureException ex =
            assertThrows(MalformedStructureException.class, () -> SharedJson.toJava(heap.regions(), outer));
        assertTrue(ex.getMessage().contains("cycle"), ex.getMessage());
        assertThrows(MalformedStructureException.class, () -> SharedJson.toJson(heap.regions(), outer));
        assertThrows(MalformedStructureException.class, () -> SharedObjects.copy(heap.regions(), outer, heap));
    }

    @Test
    void shouldBoundWorkOnADocumentThatSharesChildrenExponentially()
    {
        long node = json.longNode(1);
        for (int i = 0; i < 60; i++)
        {
            final long pair = json.arrayNode();
            json.add(pair, node).add(pair, node);
            node = pair;
        }
        final long root = node;
        assertThrows(MalformedStructureException.class,
            () -> SharedJson.toJava(heap.regions(), root, new TraversalLimits(100, 100_000)));
        assertThrows(MalformedStructureException.class,
            () -> SharedJson.toJson(heap.regions(), root, new TraversalLimits(100, 100_000)));
    }
}
