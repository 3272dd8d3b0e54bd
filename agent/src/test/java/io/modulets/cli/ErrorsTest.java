package io.modulets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.net.ConnectException;
import javax.management.RuntimeMBeanException;
import org.junit.jupiter.api.Test;

class ErrorsTest {

    @Test
    void aRefusalIsTheAgentsLineWithoutItsPrefix() {
        Exception remote = new RuntimeMBeanException(
                new IllegalStateException("modulets: deploy of [a.jar] refused, generation 2 (1.1, abc) stays current: x"));
        assertEquals("deploy of [a.jar] refused, generation 2 (1.1, abc) stays current: x", Errors.oneLine(remote));
    }

    @Test
    void aProxysWrapperIsUnwrapped() {
        Exception e = new UndeclaredThrowableException(new ConnectException("Connection refused"));
        assertEquals("ConnectException: Connection refused", Errors.oneLine(e));
    }

    @Test
    void onlyTheFirstLine() {
        assertEquals("first", Errors.oneLine(new IllegalStateException("first\nsecond")));
        assertEquals("deploy of [\\u001b[2J.jar] refused", Errors.oneLine(new IllegalStateException(
                "deploy of [\u001b[2J.jar] refused")), "a terminal escape in a jar's name is not sent to the terminal");
    }

    @Test
    void noMessageNamesTheException() {
        assertEquals("java.io.IOException", Errors.oneLine(new IOException()));
    }
}
