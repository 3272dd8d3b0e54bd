package io.modulets.boundary;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.Map;

/**
 * A shell {@code switch} over a swappable enum. javac compiles it to
 * {@code $SwitchMap[e.ordinal()]}, an array filled once with the ordinals of whichever generation
 * the synthetic class first met; ordinals move between versions. The rewritten site maps the
 * constant's <em>name</em> to javac's case number instead, so it holds for every generation
 * (a name no case knows goes to {@code default}, as a constant added later would).
 */
final class EnumSwitch {
    private static final MethodHandle CASE_OF;

    static {
        try {
            CASE_OF = MethodHandles.lookup().findStatic(EnumSwitch.class, "caseOf",
                    MethodType.methodType(int.class, Map.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private EnumSwitch() {
    }

    /** @param table javac's case numbers by constant name, as {@code "RED=1,GREEN=2"} */
    static MethodHandle handle(String table) {
        Map<String, Integer> cases = new HashMap<>();
        for (String entry : table.split(",")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                cases.put(entry.substring(0, eq), Integer.valueOf(entry.substring(eq + 1)));
            }
        }
        return MethodHandles.insertArguments(CASE_OF, 0, Map.copyOf(cases));
    }

    private static int caseOf(Map<String, Integer> cases, Object constant) {
        // A null selector throws NullPointerException, as e.ordinal() did.
        Integer number = cases.get(((Enum<?>) constant).name());
        return number == null ? 0 : number;
    }
}
