package io.modulets.capture;

import java.io.IOException;
import java.io.InputStream;

/** For the tests of hooks: a class's own bytes, and the class defined again from rewritten bytes. */
final class RewrittenClass {
    private RewrittenClass() {
    }

    /** The class file of {@code type}, from its loader. */
    static byte[] bytes(Class<?> type) throws IOException {
        String file = type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class";
        try (InputStream in = type.getResourceAsStream(file)) {
            return in.readAllBytes();
        }
    }

    /**
     * {@code type} defined from {@code rewritten} in a loader of its own, which defines that one name itself and
     * asks the test's loader for every other.
     */
    static Class<?> define(Class<?> type, byte[] rewritten) throws ClassNotFoundException {
        String name = type.getName();
        return new ClassLoader("rewritten", RewrittenClass.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
                if (className.equals(name)) {
                    synchronized (getClassLoadingLock(className)) {
                        Class<?> defined = findLoadedClass(className);
                        return defined != null ? defined : defineClass(className, rewritten, 0, rewritten.length);
                    }
                }
                return super.loadClass(className, resolve);
            }
        }.loadClass(name);
    }
}
