package io.modulets.generations;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.modulets.generations.PinReport.Kind;
import io.modulets.generations.PinReport.Pin;

/**
 * The most common pin of a real application: an object of a generation's classes held by shell code,
 * in a static field or a few references away from one (Spring Boot: {@code SpringApplication}'s
 * static shutdown hook, its application context, the bean factory's singleton map, a swappable
 * bean). A bounded, breadth-first reflective walk from the static fields of the given shell classes,
 * through instance fields, arrays and the contents of the JDK's collections and maps, identity-visited:
 * the first path found to an object is a shortest one. It reads only what {@code trySetAccessible}
 * allows, never calls application code (an application's own collection is walked through its
 * fields, not its iterator), and stops at the object budget or the deadline, reporting what it saw.
 */
final class ShellFields {
    /** References followed from a static field's value, at most. */
    static final int DEPTH = 6;
    /** Objects visited, at most. */
    static final int BUDGET = 100_000;
    /** Paths reported, at most, to objects and then to classes; the rest are counted. */
    private static final int OBJECTS_NAMED = 5;
    private static final int CLASSES_NAMED = 2;
    /**
     * The walking thread's CPU time, at most: far above what the budget takes (under a second for a Spring Boot
     * app). CPU time, not wall time, so that a loaded machine, which gives the thread a fraction of a core, does
     * not cut the walk short; wall time is bounded too, for a thread that gets almost none.
     */
    private static final long CPU_DEADLINE_NANOS = 10_000_000_000L;
    private static final long WALL_DEADLINE_NANOS = 120_000_000_000L;
    private static final String AGENT_PACKAGE = "io.modulets.";
    private static final Class<?> AGENT = ShellFields.class;

    private final ClassLoader generation;
    private final int depth;
    private final int budget;
    private final Map<Object, Node> visited = new IdentityHashMap<>();
    private final ArrayDeque<Node> queue = new ArrayDeque<>();
    private final Map<Class<?>, List<Field>> fields = new HashMap<>();
    private final Set<String> closed = new TreeSet<>();
    private final List<Node> objects = new ArrayList<>();
    private final List<Node> classes = new ArrayList<>();
    private int unreadableStatics;
    private String firstUnreadable;
    private String stopped;

    /** A reached object, with how it was reached: its parent and the edge's label ("field", [index], ["key"]). */
    private record Node(Object object, Node parent, String edge, int depth) {
        String path() {
            StringBuilder path = new StringBuilder();
            for (Node n = this; n != null; n = n.parent) {
                path.insert(0, n.edge);
            }
            return path.toString();
        }
    }

    private ShellFields(ClassLoader generation, int depth, int budget) {
        this.generation = generation;
        this.depth = depth;
        this.budget = budget;
    }

    /**
     * Adds to {@code pins} the paths from the static fields of {@code shellClasses} to objects (and
     * classes) of {@code generation}'s loader, and to {@code blind} what the walk could not see.
     * Never throws. Returns the number of objects visited.
     */
    static int walk(Iterable<Class<?>> shellClasses, ClassLoader generation, int depth, int budget,
            List<Pin> pins, List<String> blind) {
        ShellFields walk = new ShellFields(generation, depth, budget);
        try {
            walk.run(shellClasses);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            walk.stopped = "stopped by " + e.getClass().getSimpleName();
        }
        walk.report(pins, blind);
        return walk.visited.size();
    }

    private void run(Iterable<Class<?>> shellClasses) {
        Deadline deadline = new Deadline();
        for (Class<?> shell : shellClasses) {
            for (Field field : declared(shell)) {
                if (!Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                    continue;
                }
                if (!field.trySetAccessible()) {
                    unreadable(shell, field);
                    continue;
                }
                Object value;
                try {
                    value = field.get(null);
                } catch (IllegalAccessException | RuntimeException | LinkageError e) {
                    unreadable(shell, field);
                    continue;
                }
                reach(value, null, "static " + shell.getName() + "." + field.getName(), 0);
            }
        }
        while (!queue.isEmpty() && stopped == null) {
            Node node = queue.poll();
            if (node.depth < depth) {
                follow(node);
            }
            if ((visited.size() & 1023) == 0 && deadline.passed() != null) {
                stopped = "stopped after " + deadline.passed() + " at depth " + node.depth;
            }
        }
    }

    /** The walk's two deadlines, from its start: the thread's CPU time (where the JVM measures it) and wall time. */
    private static final class Deadline {
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private final boolean cpu = threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
        private final long cpuStart = cpu ? threads.getCurrentThreadCpuTime() : 0;
        private final long wallStart = System.nanoTime();

        /** Which deadline has passed ("10 s of CPU time", "120 s"), or null. */
        String passed() {
            if (System.nanoTime() - wallStart > (cpu ? WALL_DEADLINE_NANOS : CPU_DEADLINE_NANOS)) {
                return (cpu ? WALL_DEADLINE_NANOS : CPU_DEADLINE_NANOS) / 1_000_000_000L + " s";
            }
            if (cpu && threads.getCurrentThreadCpuTime() - cpuStart > CPU_DEADLINE_NANOS) {
                return CPU_DEADLINE_NANOS / 1_000_000_000L + " s of CPU time";
            }
            return null;
        }
    }

    /** A static field not readable (a JDK proxy's, in its module jdk.proxyN): counted, the first one named. */
    private void unreadable(Class<?> shell, Field field) {
        if (unreadableStatics++ == 0) {
            firstUnreadable = shell.getName() + "." + field.getName();
        }
    }

    /** Records {@code o} reached through {@code edge}; queues it if it may lead further. */
    private void reach(Object o, Node parent, String edge, int at) {
        if (o == null || visited.containsKey(o) || stopped != null) {
            return;
        }
        if (visited.size() >= budget) {
            stopped = "stopped after " + budget + " objects at depth " + at;
            return;
        }
        Node node = new Node(o, parent, edge, at);
        visited.put(o, node);
        if (o == generation || o instanceof Class<?> c && c.getClassLoader() == generation) {
            classes.add(node);
        } else if (!(o instanceof Class<?>) && o.getClass().getClassLoader() == generation) {
            objects.add(node); // what it holds is its own business: it pins the generation already
        } else if (!isLeaf(o)) {
            queue.add(node);
        }
    }

    /**
     * Objects not walked into: classes (their statics are walked when they are shell classes), loaders
     * and threads (the report looks at those), references (a weak or soft one does not pin for good),
     * strings and boxes, arrays of primitives, and the agent's own objects (the report's agent cache).
     */
    private static boolean isLeaf(Object o) {
        Class<?> type = o.getClass();
        return o instanceof Class<?> || o instanceof ClassLoader || o instanceof Thread || o instanceof Reference<?>
                || o instanceof CharSequence && type.getClassLoader() == null || o instanceof Number
                && type.getClassLoader() == null || o instanceof Boolean || o instanceof Character
                || o instanceof Enum<?> || type.isArray() && type.getComponentType().isPrimitive()
                || isAgent(type);
    }

    /** The agent's own classes: its jar's (not those of a test that shares its loader and packages) and bootstrap's. */
    private static boolean isAgent(Class<?> type) {
        if (!type.getName().startsWith(AGENT_PACKAGE)) {
            return false;
        }
        ClassLoader loader = type.getClassLoader();
        return loader == null || loader == AGENT.getClassLoader()
                && java.util.Objects.equals(type.getProtectionDomain().getCodeSource(),
                        AGENT.getProtectionDomain().getCodeSource());
    }

    private void follow(Node node) {
        Object o = node.object;
        int next = node.depth + 1;
        if (o instanceof Object[] array) {
            for (int i = 0; i < array.length && stopped == null; i++) {
                reach(array[i], node, "[" + i + "]", next);
            }
        } else if (isJdk(o.getClass()) && o instanceof Map<?, ?> map) {
            try {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    reach(entry.getKey(), node, "[key " + key(entry.getKey()) + "]", next);
                    reach(entry.getValue(), node, "[" + key(entry.getKey()) + "]", next);
                    if (stopped != null) {
                        break;
                    }
                }
            } catch (RuntimeException changedMeanwhile) {
                // another thread's map, read without its lock: what was seen counts
            }
        } else if (isJdk(o.getClass()) && o instanceof Collection<?> collection) {
            try {
                int i = 0;
                for (Object element : collection) {
                    reach(element, node, o instanceof List<?> ? "[" + i++ + "]" : "[…]", next);
                    if (stopped != null) {
                        break;
                    }
                }
            } catch (RuntimeException changedMeanwhile) {
                // as above
            }
        } else {
            for (Field field : instanceFields(o.getClass())) {
                Object value;
                try {
                    value = field.get(o);
                } catch (IllegalAccessException | RuntimeException e) {
                    continue;
                }
                reach(value, node, "." + field.getName(), next);
            }
        }
    }

    /**
     * A JDK collection or map, iterated. Not the wrappers of {@code java.util.Collections} (unmodifiable,
     * synchronized, checked), whose iterator is the wrapped one's, maybe the application's: their fields
     * are read instead ({@code java.util} is open to the agent).
     */
    private static boolean isJdk(Class<?> type) {
        return (type.getClassLoader() == null || type.getClassLoader() == ClassLoader.getPlatformClassLoader())
                && !type.getName().startsWith("java.util.Collections$");
    }

    private static String key(Object key) {
        if (key instanceof CharSequence text && key.getClass().getClassLoader() == null) {
            return "\"" + (text.length() > 60 ? text.subSequence(0, 60) + "…" : text) + "\"";
        }
        return key instanceof Number || key instanceof Enum<?> || key instanceof Character ? key.toString() : "…";
    }

    /** The readable reference fields of {@code type} and its superclasses; the unreadable ones' classes noted. */
    private List<Field> instanceFields(Class<?> type) {
        List<Field> found = fields.get(type);
        if (found == null) {
            found = new ArrayList<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Field field : declared(c)) {
                    if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                        continue;
                    }
                    if (field.trySetAccessible()) {
                        found.add(field);
                    } else {
                        closed.add(c.getName());
                    }
                }
            }
            fields.put(type, found);
        }
        return found;
    }

    private static Field[] declared(Class<?> type) {
        try {
            return type.getDeclaredFields();
        } catch (LinkageError | RuntimeException missingType) {
            return new Field[0]; // a field's type is not loadable: nothing to read there
        }
    }

    private void report(List<Pin> pins, List<String> blind) {
        name(objects, OBJECTS_NAMED, pins);
        name(classes, CLASSES_NAMED, pins);
        List<String> unseen = new ArrayList<>();
        if (stopped != null) {
            unseen.add(stopped);
        }
        if (!closed.isEmpty()) {
            unseen.add("fields of " + closed.size() + " classes in modules not open to the agent (such as "
                    + closed.iterator().next() + ")");
        }
        if (unreadableStatics > 0) {
            unseen.add(unreadableStatics + " static fields not readable (such as " + firstUnreadable + ")");
        }
        if (!unseen.isEmpty()) {
            blind.add("objects held by shell code: " + String.join(", ", unseen));
        }
    }

    private void name(List<Node> found, int named, List<Pin> pins) {
        for (Node node : found.subList(0, Math.min(named, found.size()))) {
            Object o = node.object;
            String what = o == generation ? "its class loader" : o instanceof Class<?> c ? "class " + c.getName()
                    : "a " + o.getClass().getName();
            pins.add(new Pin(Kind.SHELL_FIELD, node.path() + " is " + what));
        }
        if (found.size() > named) {
            pins.add(new Pin(Kind.SHELL_FIELD, "and " + (found.size() - named) + " more "
                    + (found == objects ? "objects" : "classes") + " of it"));
        }
    }
}
