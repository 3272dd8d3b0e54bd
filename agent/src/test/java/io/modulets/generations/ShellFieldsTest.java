package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.modulets.generations.PinReport.Kind;
import io.modulets.generations.PinReport.Pin;

/**
 * Objects keep their code (DESIGN §6): an object of a generation's classes that shell code holds in a
 * static field, or a few references away from one, is named with its path; the walk stays within its
 * object budget and says what it could not see.
 */
class ShellFieldsTest {
    /** The generation's class: loaded again by a loader of its own, as a generation loads its classes. */
    public static final class Swappable {
    }

    static final class OneDeep {
        static Object held;
    }

    static final class ThreeDeep {
        static Outer root;
    }

    static final class Outer {
        final Map<String, Object> beans = new HashMap<>();
    }

    static final class Inner {
        Object service;
    }

    static final class Crowd {
        static Object[] objects;
    }

    static final class Atomic {
        static AtomicReference<Object> held;
    }

    /** An application's own collection: reading it must not run its code (a lazy one would load itself). */
    static final class Lazy extends AbstractList<Object> {
        final Object held;
        int calls;

        Lazy(Object held) {
            this.held = held;
        }

        @Override
        public Object get(int index) {
            calls++;
            return held;
        }

        @Override
        public int size() {
            calls++;
            return 1;
        }
    }

    static final class Collections {
        static Lazy lazy;
        static List<Object> wrapped;
    }

    private URLClassLoader generation;
    private Object swappable;

    @BeforeEach
    void generation() throws Exception {
        URL classes = ShellFieldsTest.class.getProtectionDomain().getCodeSource().getLocation();
        generation = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
        swappable = generation.loadClass(Swappable.class.getName()).getConstructor().newInstance();
    }

    private List<Pin> walk(Class<?> holder, int budget, List<String> blind) {
        List<Pin> pins = new ArrayList<>();
        ShellFields.walk(List.of(holder), generation, ShellFields.DEPTH, budget, pins, blind);
        return pins;
    }

    @Test
    void anObjectInAShellStaticIsNamedByItsField() {
        OneDeep.held = swappable;
        List<String> blind = new ArrayList<>();
        assertEquals(List.of(new Pin(Kind.SHELL_FIELD, "static " + OneDeep.class.getName() + ".held is a "
                + Swappable.class.getName())), walk(OneDeep.class, ShellFields.BUDGET, blind));
        assertEquals(List.of(), blind);
    }

    @Test
    void anObjectThreeReferencesAwayIsNamedByItsPathThroughFieldsAndMaps() {
        Inner inner = new Inner();
        inner.service = swappable;
        ThreeDeep.root = new Outer();
        ThreeDeep.root.beans.put("other", new Inner());
        ThreeDeep.root.beans.put("pricing", inner);
        List<String> blind = new ArrayList<>();
        List<Pin> pins = walk(ThreeDeep.class, ShellFields.BUDGET, blind);
        assertEquals(List.of(), blind);
        assertEquals(List.of(new Pin(Kind.SHELL_FIELD, "static " + ThreeDeep.class.getName()
                + ".root.beans[\"pricing\"].service is a " + Swappable.class.getName())), pins);
        PinReport report = new PinReport(1, Generation.State.RETIRED, pins, List.of());
        assertTrue(report.summary().contains("; " + PinReport.OBJECTS_KEEP_THEIR_CODE), report::summary);
    }

    @Test
    void theWalkStopsAtItsBudgetAndSaysSo() {
        Object[] objects = new Object[1_000];
        for (int i = 0; i < objects.length - 1; i++) {
            objects[i] = new Object();
        }
        objects[objects.length - 1] = swappable;
        Crowd.objects = objects;
        List<String> blind = new ArrayList<>();
        assertEquals(List.of(), walk(Crowd.class, 100, blind));
        assertEquals(List.of("objects held by shell code: stopped after 100 objects at depth 1"), blind);
        assertEquals(1, walk(Crowd.class, 1_001, new ArrayList<>()).size(), "within a budget large enough");
    }

    @Test
    void whatAClosedModuleHidesIsSaidInOnePhrase() {
        // java.util.concurrent.atomic is not open to this test as the agent opens it to itself
        Atomic.held = new AtomicReference<>(swappable);
        List<String> blind = new ArrayList<>();
        List<Pin> pins = walk(Atomic.class, ShellFields.BUDGET, blind);
        if (AtomicReference.class.getModule().isOpen("java.util.concurrent.atomic", ShellFields.class.getModule())) {
            assertEquals(1, pins.size(), pins::toString);
        } else {
            assertEquals(List.of(), pins);
            assertEquals(List.of("objects held by shell code: fields of 1 classes in modules not open to the agent"
                    + " (such as java.util.concurrent.atomic.AtomicReference)"), blind);
        }
    }

    @Test
    void anApplicationsCollectionIsReadThroughItsFieldsNeverItsCode() {
        Collections.lazy = new Lazy(swappable);
        Lazy wrappedLazy = new Lazy(new Object());
        Collections.wrapped = java.util.Collections.unmodifiableList(wrappedLazy);
        List<Pin> pins = walk(Collections.class, ShellFields.BUDGET, new ArrayList<>());
        assertEquals(new Pin(Kind.SHELL_FIELD, "static " + Collections.class.getName() + ".lazy.held is a "
                + Swappable.class.getName()), pins.get(0));
        assertEquals(0, Collections.lazy.calls + wrappedLazy.calls, "no method of the application's list ran");
    }
}
