package io.modulets.boundary;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Whether a rewritten shell method reads its binding token at entry (a {@link TokenSite}) or
 * its one binding site reads the binding itself. The token saves reads when the method runs
 * binding sites more than once per call (several sites, or one in a loop); for a method that runs
 * its one binding site at most once per call, the read costs the same in either place, and
 * without a token site there is nothing to re-target when generations start or stop overlapping
 * (each such re-target deoptimises the method: the activation wave).
 */
final class MethodTokens {
    /** The kind's place among a site's bootstrap arguments: after the owner. */
    private static final int KIND = 1 + Boundary.KIND;

    private MethodTokens() {
    }

    /** Whether {@code method}, rewritten with {@code bindingSites} sites that take the token, should read it. */
    static boolean worthReading(MethodNode method, int bindingSites) {
        return bindingSites > 1 || hasBackwardEdge(method);
    }

    /** Takes the token argument out of the method's one binding site that took it (see {@link #worthReading}). */
    static void dropFromSites(MethodNode method, int tokenLocal) {
        InsnList code = method.instructions;
        for (AbstractInsnNode insn = code.getFirst(); insn != null; insn = insn.getNext()) {
            if (!(insn instanceof InvokeDynamicInsnNode)) {
                continue;
            }
            InvokeDynamicInsnNode site = (InvokeDynamicInsnNode) insn;
            if (!site.bsm.getOwner().equals(Type.getInternalName(Boundary.class))
                    || ((Integer) site.bsmArgs[KIND] & SiteKind.WITH_TOKEN) == 0) {
                continue;
            }
            AbstractInsnNode load = site.getPrevious();
            if (!(load instanceof VarInsnNode) || load.getOpcode() != Opcodes.ILOAD
                    || ((VarInsnNode) load).var != tokenLocal) {
                throw new IllegalStateException("a binding site's token is not loaded right before it");
            }
            code.remove(load);
            site.bsmArgs[KIND] = (Integer) site.bsmArgs[KIND] & ~SiteKind.WITH_TOKEN;
            int close = site.desc.indexOf(')');
            site.desc = site.desc.substring(0, close - 1) + site.desc.substring(close);
        }
    }

    /** Whether an instruction may run twice per call: a backward jump or switch, a handler before its range ends. */
    private static boolean hasBackwardEdge(MethodNode method) {
        Map<LabelNode, Integer> at = new HashMap<>();
        int index = 0;
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn instanceof LabelNode) {
                at.put((LabelNode) insn, index);
            }
            index++;
        }
        index = 0;
        for (AbstractInsnNode insn = method.instructions.getFirst(); insn != null; insn = insn.getNext(), index++) {
            if (insn instanceof JumpInsnNode && at.get(((JumpInsnNode) insn).label) <= index) {
                return true;
            }
            if (insn instanceof TableSwitchInsnNode
                    && backwards(at, index, ((TableSwitchInsnNode) insn).dflt, ((TableSwitchInsnNode) insn).labels)) {
                return true;
            }
            if (insn instanceof LookupSwitchInsnNode
                    && backwards(at, index, ((LookupSwitchInsnNode) insn).dflt, ((LookupSwitchInsnNode) insn).labels)) {
                return true;
            }
        }
        for (TryCatchBlockNode block : method.tryCatchBlocks) {
            if (at.get(block.handler) < at.get(block.end)) {
                return true;
            }
        }
        return false;
    }

    private static boolean backwards(Map<LabelNode, Integer> at, int index, LabelNode dflt, List<LabelNode> labels) {
        if (at.get(dflt) <= index) {
            return true;
        }
        for (LabelNode label : labels) {
            if (at.get(label) <= index) {
                return true;
            }
        }
        return false;
    }
}
