package io.modulets.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsAreAsWideAsTheirWidestCellAndNumbersAlignRight() {
        String text = new Table(">ID", "STATE", "LABEL")
                .row(1, "draining", "1.0")
                .row(12, "current", "2.0-beta")
                .render();
        assertEquals(""
                + "ID  STATE     LABEL\n"
                + " 1  draining  1.0\n"
                + "12  current   2.0-beta\n", text);
    }

    @Test
    void noTrailingBlanksAndMissingCellsShowAsADash() {
        String text = new Table("A", "B").row("long value", null).row("x", "").render();
        assertEquals("A           B\nlong value  -\nx           -\n", text);
    }

    @Test
    void aCellIsOneLineWithItsControlCharactersEscaped() {
        assertEquals("a\\nb\\r\\nc\n", new Table("X").row("a\nb\r\nc").render(false));
        assertEquals("\\u001b[2Jmagic.jar\n", new Table("X").row("\u001b[2Jmagic.jar").render(false));
    }

    @Test
    void withoutHeaderOnlyTheRows() {
        assertEquals("agent    0.1\ncurrent  2\n", new Table("", "").row("agent", "0.1").row("current", 2).render(false));
    }

    @Test
    void aRowMustFillEveryColumn() {
        assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("x"));
    }
}
