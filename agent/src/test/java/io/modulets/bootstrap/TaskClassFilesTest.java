package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.ObjectStreamClass;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

/** The capture field spliced into a task class's bytes: only where the class implements a task interface itself. */
public class TaskClassFilesTest {
    /** A task with constants of every width (a long takes two pool slots) and a field with an attribute. */
    public static final class Job implements Runnable, Serializable {
        private static final long serialVersionUID = 7L;
        static final long BIG = 1234567890123L;
        static final double HALF = 0.5d;
        @Deprecated
        private final String name = "job";
        public int runs;

        @Override
        public void run() {
            runs += (int) (BIG % 7 + HALF * 2) + name.length();
        }
    }

    public static final class Computation implements Callable<String> {
        @Override
        public String call() {
            return "done";
        }
    }

    /** Inherits the interface: takes no field of its own (its superclass's serves it). */
    public static class Subclass extends Thread {
    }

    public interface TaskInterface extends Runnable {
    }

    public static final class NotATask {
        int value;
    }

    /** Not Serializable-declared ids: the field must not change the default serialVersionUID. */
    public static final class SerialTask implements Runnable, Serializable {
        int state;

        @Override
        public void run() {
            state++;
        }
    }

    static byte[] bytesOf(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Defines {@code bytes} as {@code name} in a loader of its own, which finds the test's other classes through its parent. */
    static Class<?> define(String name, byte[] bytes) {
        return new ClassLoader(TaskClassFilesTest.class.getClassLoader()) {
            Class<?> load() {
                return defineClass(name, bytes, 0, bytes.length);
            }
        }.load();
    }

    @Test
    void aRunnableClassTakesAPrivateTransientFieldAndStillWorks() throws Exception {
        byte[] spliced = TaskClassFiles.withField(bytesOf(Job.class));
        assertNotNull(spliced);
        Class<?> job = define(Job.class.getName(), spliced);
        Field field = job.getDeclaredField(Slots.FIELD);
        assertEquals(Object.class, field.getType());
        int modifiers = field.getModifiers();
        assertTrue(Modifier.isPrivate(modifiers) && Modifier.isTransient(modifiers) && Modifier.isVolatile(modifiers)
                && !Modifier.isStatic(modifiers) && field.isSynthetic(), field.toString());
        Runnable task = (Runnable) job.getDeclaredConstructor().newInstance();
        task.run();
        Field runs = job.getDeclaredField("runs");
        assertEquals((int) (Job.BIG % 7 + 1) + 3, runs.getInt(task), "the class's own code and constants as before");
        assertNotNull(job.getDeclaredField("name").getAnnotation(Deprecated.class), "the fields' attributes kept");
        assertNull(TaskClassFiles.withField(spliced), "a class that has the field is left as it is");
    }

    @Test
    void aCallableClassTakesItToo() throws Exception {
        Class<?> computation = define(Computation.class.getName(),
                TaskClassFiles.withField(bytesOf(Computation.class)));
        assertNotNull(computation.getDeclaredField(Slots.FIELD));
        assertEquals("done", ((Callable<?>) computation.getDeclaredConstructor().newInstance()).call());
    }

    @Test
    void onlyAClassThatNamesATaskInterfaceItselfTakesIt() throws IOException {
        assertNull(TaskClassFiles.withField(bytesOf(Subclass.class)), "inherited from a superclass");
        assertNull(TaskClassFiles.withField(bytesOf(TaskInterface.class)), "an interface");
        assertNull(TaskClassFiles.withField(bytesOf(NotATask.class)), "no task interface");
    }

    @Test
    void theDefaultSerialVersionUidDoesNotChange() throws IOException {
        long before = ObjectStreamClass.lookup(SerialTask.class).getSerialVersionUID();
        Class<?> spliced = define(SerialTask.class.getName(), TaskClassFiles.withField(bytesOf(SerialTask.class)));
        assertEquals(before, ObjectStreamClass.lookup(spliced).getSerialVersionUID());
    }

    @Test
    void malformedBytesAreNotTouched() {
        byte[] garbage = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 5, 99, 1, 2};
        assertSame(garbage, TaskClassFiles.lambdaClass(garbage), "the metafactory gets its own bytes back");
        byte[] none = new byte[3];
        assertNull(TaskClassFiles.withField(none));
        assertArrayEquals(new byte[3], none);
    }
}
