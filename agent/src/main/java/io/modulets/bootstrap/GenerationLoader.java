package io.modulets.bootstrap;

/**
 * Marks the class loader of a generation. A task whose own class was defined by such a loader is
 * bound to that generation (DESIGN §2.1). On the bootstrap class path so that capture code inlined
 * into JDK classes can test for it.
 */
public interface GenerationLoader {
}
