package io.modulets.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LoadByNameTest {
    @Test
    void anArrayNameStandsForItsElementClass() {
        assertEquals("com.acme.W", LoadByName.elementName("[Lcom.acme.W;"));
        assertEquals("com.acme.W", LoadByName.elementName("[[[Lcom.acme.W;"));
        assertEquals("W", LoadByName.elementName("[LW;"));
    }

    @Test
    void everyOtherNameIsItself() {
        assertEquals("com.acme.W", LoadByName.elementName("com.acme.W"));
        assertEquals("[I", LoadByName.elementName("[I"), "a primitive array has no class of its own");
        assertEquals("[[J", LoadByName.elementName("[[J"));
        assertEquals("[L;", LoadByName.elementName("[L;"));
        assertEquals("[Lcom.acme.W", LoadByName.elementName("[Lcom.acme.W"), "no ';': not an array's name");
        assertEquals("", LoadByName.elementName(""));
        assertEquals("[", LoadByName.elementName("["));
        assertEquals("L;", LoadByName.elementName("L;"));
    }
}
