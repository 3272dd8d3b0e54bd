package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;

class ConstantPoolScanTest {
    private static byte[] bytesOf(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void findsAPackageNamedInTheConstantPool() throws IOException {
        byte[] bytes = bytesOf(ConstantPoolScanTest.class);
        assertTrue(new ConstantPoolScan(List.of("org/junit/jupiter/api")).mentionsSwappable(bytes));
        assertTrue(new ConstantPoolScan(List.of("java/util")).mentionsSwappable(bytes), "descriptor (Ljava/util/List;)");
    }

    @Test
    void aSiblingPackageWithTheSamePrefixDoesNotCount() throws IOException {
        byte[] bytes = bytesOf(ConstantPoolScanTest.class);
        assertFalse(new ConstantPoolScan(List.of("org/junit/jupiter/ap")).mentionsSwappable(bytes));
        assertFalse(new ConstantPoolScan(List.of("com/acme/jobs")).mentionsSwappable(bytes));
    }

    @Test
    void aMalformedClassIsNotScanned() {
        assertFalse(new ConstantPoolScan(List.of("java/lang")).mentionsSwappable(new byte[] {1, 2, 3}));
        byte[] truncated = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 9, 1, 0, 50};
        assertFalse(new ConstantPoolScan(List.of("java/lang")).mentionsSwappable(truncated));
    }

    private static ConstantPoolScan.Mention scan(Class<?> type) throws IOException {
        String name = type.getName();
        try (InputStream in = type.getResourceAsStream(name.substring(name.lastIndexOf('.') + 1) + ".class")) {
            return new ConstantPoolScan(List.of("com/acme/jobs")).scan(in.readAllBytes());
        }
    }

    @Test
    void aClassThatCallsARoutedJdkMethodLoadsByName() throws IOException {
        assertEquals(ConstantPoolScan.Mention.LOAD_BY_NAME, scan(CallsClassForName.class));
        assertEquals(ConstantPoolScan.Mention.LOAD_BY_NAME, scan(ServiceLoaderLoad.class));
        assertEquals(ConstantPoolScan.Mention.LOAD_BY_NAME, scan(LookupFindClass.class));
        assertEquals(ConstantPoolScan.Mention.LOAD_BY_NAME, scan(ForNameReference.class), "Class::forName");
    }

    @Test
    void aClassThatOnlyNamesWhatThoseMethodsAreCalledIsNotRewritten() throws IOException {
        assertEquals(ConstantPoolScan.Mention.NOTHING, scan(CallsItsOwnForName.class), "Spring's ClassUtils.forName");
        assertEquals(ConstantPoolScan.Mention.NOTHING, scan(DefinesFindClass.class), "ClassLoader.findClass");
        assertEquals(ConstantPoolScan.Mention.NOTHING, scan(ServiceLoaderInstalled.class), "not a routed load");
    }

    @Test
    void thePrefixCountsOnlyWhereItStartsANameInOneConstant() throws IOException {
        assertEquals(ConstantPoolScan.Mention.SWAPPABLE, scan(NamesItInAString.class));
        assertEquals(ConstantPoolScan.Mention.NOTHING, scan(HasItInsideAWord.class), "xcom/acme/jobs/ is no name");
    }

    /** A class that names a task interface is marked for the capture field, also when it may load by name. */
    @Test
    void aClassThatNamesATaskInterfaceIsMarked() throws IOException {
        assertEquals(ConstantPoolScan.TASK, flags(ATask.class));
        assertEquals(ConstantPoolScan.TASK, flags(ACallable.class));
        assertEquals(ConstantPoolScan.TASK | ConstantPoolScan.LOAD_BY_NAME, flags(ATaskLoadingByName.class));
        assertEquals(0, flags(HasItInsideAWord.class));
    }

    private static int flags(Class<?> type) throws IOException {
        String name = type.getName();
        try (InputStream in = type.getResourceAsStream(name.substring(name.lastIndexOf('.') + 1) + ".class")) {
            return new ConstantPoolScan(List.of("com/acme/jobs")).flags(in.readAllBytes());
        }
    }

    static final class ATask implements Runnable {
        @Override
        public void run() {
        }
    }

    static final class ACallable implements java.util.concurrent.Callable<String> {
        @Override
        public String call() {
            return "";
        }
    }

    static final class ATaskLoadingByName implements Runnable {
        @Override
        public void run() {
            try {
                Class.forName("x");
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final class NamesItInAString {
        static String name() {
            return "com/acme/jobs/Work";
        }
    }

    static final class HasItInsideAWord {
        static String name() {
            return "xcom/acme/jobs/Work";
        }
    }

    static final class CallsClassForName {
        static Class<?> of(String name) throws ClassNotFoundException {
            return Class.forName(name);
        }
    }

    static final class ServiceLoaderLoad {
        static Object first() {
            return ServiceLoader.load(Runnable.class).findFirst();
        }
    }

    static final class LookupFindClass {
        static Class<?> of(String name) throws ReflectiveOperationException {
            return MethodHandles.lookup().findClass(name);
        }
    }

    interface Loader {
        Class<?> load(String name) throws ClassNotFoundException;
    }

    static final class ForNameReference {
        static final Loader LOADER = Class::forName;
    }

    static final class CallsItsOwnForName {
        static Class<?> forName(String name) {
            return name.isEmpty() ? null : Object.class;
        }

        static Class<?> use() {
            return forName("x");
        }
    }

    static final class DefinesFindClass extends ClassLoader {
        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            return super.findClass(name);
        }
    }

    static final class ServiceLoaderInstalled {
        ServiceLoader<Runnable> loader = ServiceLoader.loadInstalled(Runnable.class);
    }
}
