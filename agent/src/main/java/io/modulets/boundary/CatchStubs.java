package io.modulets.boundary;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * {@code catch (WEx e)} in shell code means "e is a WEx of the generation that defined e's class"
 * (old code throws old exceptions, and they must still be caught). The exception table can only
 * name the erasure ({@code RuntimeException}), so each such handler first runs a stub:
 * {@code dup; instanceof WEx (a boundary site); ifne handler; athrow}. The rethrow must behave as
 * if the entry had never matched: it is covered by copies of the later exception-table entries
 * that cover the same try range (sibling catches, {@code finally}, an outer try), placed right
 * after the entry, so the JVM tries them in the same order (docs/JVM-NOTES.md, boundary).
 */
final class CatchStubs {
    private CatchStubs() {
    }

    private static boolean catchesSwappable(List<TryCatchBlockNode> table, Erasure erasure) {
        for (TryCatchBlockNode entry : table) {
            if (entry.type != null && erasure.isSwappable(entry.type)) return true;
        }
        return false;
    }

    static void apply(MethodNode method, Erasure erasure) {
        List<TryCatchBlockNode> table = method.tryCatchBlocks;
        if (table == null || !catchesSwappable(table, erasure)) {
            return;
        }
        InsnList code = method.instructions;
        // Phase 1: after each handler label with swappable entries, one stub per such entry, then
        // the handler code proper at a new label that the other entries of that handler move to.
        Map<LabelNode, LabelNode> handlerCode = new HashMap<>();
        Map<TryCatchBlockNode, LabelNode[]> stubs = new HashMap<>();
        for (TryCatchBlockNode entry : table) {
            if (entry.type == null || !erasure.isSwappable(entry.type)) {
                continue;
            }
            LabelNode handler = entry.handler;
            LabelNode proper = handlerCode.computeIfAbsent(handler, h -> {
                LabelNode label = new LabelNode();
                code.insert(h, label);
                return label;
            });
            LabelNode start = new LabelNode();
            LabelNode end = new LabelNode();
            InsnList stub = new InsnList();
            stub.add(start);
            stub.add(new InsnNode(Opcodes.DUP));
            stub.add(new TypeInsnNode(Opcodes.INSTANCEOF, entry.type));
            stub.add(new JumpInsnNode(Opcodes.IFNE, proper));
            stub.add(new InsnNode(Opcodes.ATHROW));
            stub.add(end);
            code.insertBefore(proper, stub);
            stubs.put(entry, new LabelNode[] {start, end});
        }
        for (TryCatchBlockNode entry : table) {
            LabelNode proper = handlerCode.get(entry.handler);
            if (proper != null && !stubs.containsKey(entry)) {
                entry.handler = proper; // a non-swappable type of the same multi-catch skips the stub
            }
        }
        for (TryCatchBlockNode entry : table) {
            LabelNode proper = handlerCode.get(entry.start);
            if (proper != null) {
                entry.start = proper; // a range that began at the handler (its finally) excludes the stubs
            }
        }
        for (Map.Entry<TryCatchBlockNode, LabelNode[]> stub : stubs.entrySet()) {
            stub.getKey().handler = stub.getValue()[0];
        }
        // Phase 2: the rethrow of each stub is covered by copies of the later entries that cover its try.
        List<TryCatchBlockNode> rebuilt = new ArrayList<>();
        for (int i = 0; i < table.size(); i++) {
            TryCatchBlockNode entry = table.get(i);
            rebuilt.add(entry);
            LabelNode[] stub = stubs.get(entry);
            if (stub == null) {
                continue;
            }
            for (int j = i + 1; j < table.size(); j++) {
                TryCatchBlockNode later = table.get(j);
                if (covers(code, later, entry)) {
                    rebuilt.add(new TryCatchBlockNode(stub[0], stub[1], later.handler, later.type));
                }
            }
        }
        method.tryCatchBlocks = rebuilt;
    }

    private static boolean covers(InsnList code, TryCatchBlockNode outer, TryCatchBlockNode inner) {
        return index(code, outer.start) <= index(code, inner.start) && index(code, outer.end) >= index(code, inner.end);
    }

    private static int index(InsnList code, AbstractInsnNode node) {
        return code.indexOf(node);
    }
}
