package io.modulets.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * CaptureTransformer.FAMILY_HOOKED gates the server families' own hooks: a class a family hooks but the set misses
 * would be left as it is, silently. Every class name among a family's constants that its {@code hooks} accepts must
 * be in the set, and the set holds nothing else.
 */
class FamilyHookedTest {
    private static final List<Class<?>> FAMILIES = List.of(NettyHooks.class, NettyHttp2Hooks.class,
            JettyWebSocketHooks.class, SpringSchedulingHooks.class, JettyCoreHooks.class);

    @Test
    void theSetIsWhatTheFamiliesHook() throws ReflectiveOperationException {
        Set<String> hooked = new HashSet<>();
        for (Class<?> family : FAMILIES) {
            Method hooks = family.getDeclaredMethod("hooks", String.class);
            hooks.setAccessible(true);
            for (Field field : family.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                    field.setAccessible(true);
                    String name = (String) field.get(null);
                    if ((boolean) hooks.invoke(null, name)) {
                        hooked.add(name);
                    }
                }
            }
        }
        assertEquals(hooked, CaptureTransformer.FAMILY_HOOKED);
    }

    /**
     * CaptureTransformer.appTargets gates the application's rules, made when the first class they rewrite loads: a
     * class a rule rewrites but the set misses would be left as it is, silently.
     */
    @Test
    void theApplicationTargetsAreWhatTheApplicationRulesRewrite() {
        List<String> executors = List.of("com.example.Pool", "io.netty.util.concurrent.PromiseTask");
        assertEquals(CaptureTransformer.appRules(executors).keySet(), CaptureTransformer.appTargets(executors));
        assertTrue(CaptureTransformer.appTargets(List.of()).contains("io/netty/util/HashedWheelTimer$HashedWheelTimeout"));
    }
}
