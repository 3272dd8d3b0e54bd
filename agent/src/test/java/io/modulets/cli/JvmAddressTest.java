package io.modulets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class JvmAddressTest {

    @Test
    void digitsAreAPid() {
        JvmAddress a = JvmAddress.parse("1234");
        assertTrue(a.isPid());
        assertEquals(1234, a.pid());
        assertEquals("JVM 1234", a.toString());
    }

    @Test
    void aServiceUrlIsAUrl() {
        JvmAddress a = JvmAddress.parse("service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi");
        assertFalse(a.isPid());
        assertEquals("rmi", a.url().getProtocol());
        assertEquals("/jndi/rmi://db1:9999/jmxrmi", a.url().getURLPath());
        assertEquals("service:jmx:rmi:///jndi/rmi://db1:9999/jmxrmi", a.toString());
    }

    @Test
    void theUrlPrefixIgnoresCase() {
        assertFalse(JvmAddress.parse("SERVICE:JMX:rmi://localhost:1099").isPid());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "-5", "12a", "1.5", "localhost:9999", "rmi://host:9999/jmxrmi"})
    void anythingElseIsNeither(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JvmAddress.parse(text));
        assertEquals("'" + text + "' is neither a pid (1234) nor a JMX service URL"
                + " (service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi)", e.getMessage());
    }

    @Test
    void zeroAndHugeNumbersAreNoPids() {
        assertEquals("0 is not a pid", assertThrows(IllegalArgumentException.class, () -> JvmAddress.parse("0")).getMessage());
        assertEquals("'99999999999999999999' is too large for a pid",
                assertThrows(IllegalArgumentException.class, () -> JvmAddress.parse("99999999999999999999")).getMessage());
    }

    @Test
    void aMalformedServiceUrlSaysSo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JvmAddress.parse("service:jmx:"));
        assertTrue(e.getMessage().startsWith("'service:jmx:' is not a valid JMX service URL: "), e.getMessage());
    }

    @Test
    void theConverterMakesItAUsageError() {
        assertThrows(TypeConversionException.class, () -> new JvmAddress.Converter().convert("abc"));
    }
}
