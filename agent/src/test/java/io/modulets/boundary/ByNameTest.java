package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ByNameTest {
    @Test
    void anArrayNameStandsForItsElementClass() {
        assertEquals("com.acme.W", ByName.elementName("[Lcom.acme.W;"));
        assertEquals("com.acme.W", ByName.elementName("[[[Lcom.acme.W;"));
        assertEquals("W", ByName.elementName("[LW;"));
    }

    @Test
    void everyOtherNameIsItself() {
        assertEquals("com.acme.W", ByName.elementName("com.acme.W"));
        assertEquals("[I", ByName.elementName("[I"), "a primitive array has no class of its own");
        assertEquals("[[J", ByName.elementName("[[J"));
        assertEquals("[L;", ByName.elementName("[L;"));
        assertEquals("[Lcom.acme.W", ByName.elementName("[Lcom.acme.W"), "no ';': not an array's name");
        assertEquals("", ByName.elementName(""));
        assertEquals("[", ByName.elementName("["));
        assertEquals("L;", ByName.elementName("L;"));
    }
}
