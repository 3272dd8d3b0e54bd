package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.ServiceLoader;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RoutedCallsTest {
    private static byte[] bytesOf(Class<?> type) throws IOException {
        String name = type.getName();
        try (InputStream in = type.getResourceAsStream(name.substring(name.lastIndexOf('.') + 1) + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void onlyTheMethodsThatCallARoutedMethodAreNamed() throws IOException {
        assertEquals(Set.of("byName(Ljava/lang/String;)Ljava/lang/Class;", "services()Ljava/lang/Object;"),
                RoutedCalls.methods(bytesOf(SomeMethodsLoadByName.class)));
    }

    @Test
    void aMethodReferenceToARoutedMethodAsksForEveryMethod() throws IOException {
        assertNull(RoutedCalls.methods(bytesOf(ConstantPoolScanTest.ForNameReference.class)));
    }

    @Test
    void aTruncatedClassFileAsksForEveryMethod() throws IOException {
        byte[] bytes = bytesOf(SomeMethodsLoadByName.class);
        assertNull(RoutedCalls.methods(java.util.Arrays.copyOf(bytes, bytes.length - 40)));
    }

    static final class SomeMethodsLoadByName {
        private final String field = "x";

        static Class<?> byName(String name) throws ClassNotFoundException {
            return Class.forName(name);
        }

        static Object services() {
            return ServiceLoader.load(Runnable.class).findFirst();
        }

        int plain(int x) {
            return x * 31 + field.length();
        }

        static Class<?> ownForName(String name) {
            return name.isEmpty() ? null : Object.class;
        }
    }
}
