package io.modulets.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.modulets.bootstrap.Bindings;
import io.modulets.bootstrap.TestSeams;

/**
 * Makes a generation current for each test and puts back the one that was current before it, so that the
 * "deploys" a test makes ({@code TestSeams.setCurrent}) stay its own. Register it on a field declared after the
 * generation: {@code @RegisterExtension final CurrentGeneration current = new CurrentGeneration(g1);}
 */
public final class CurrentGeneration implements BeforeEachCallback, AfterEachCallback {
    private final ClassLoader generation;
    private ClassLoader before;

    public CurrentGeneration(ClassLoader generation) {
        this.generation = generation;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        before = Bindings.current();
        TestSeams.setCurrent(generation);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestSeams.setCurrent(before);
    }
}
