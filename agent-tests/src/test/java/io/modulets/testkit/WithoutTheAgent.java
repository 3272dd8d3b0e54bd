package io.modulets.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A control: the same story run without the agent, which shows that the test of the promise can fail. It runs on
 * the JDK the tests run on and proves nothing about the agent on that JDK, so CI, which runs the tests once per JDK,
 * runs the controls on its first JDK only: {@code mvn verify -DexcludedGroups=without-agent} leaves them out.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Tag("without-agent")
public @interface WithoutTheAgent {
}
