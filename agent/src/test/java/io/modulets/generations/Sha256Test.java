package io.modulets.generations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sha256Test {

    @Test
    void theKnownAnswersOfFips180() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.of(new byte[0]));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Sha256.of("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                Sha256.of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII)));
    }

    /** Every length around the block and padding edges (55, 56, 63, 64 bytes …), and longer ones, as the JDK's. */
    @Test
    void sameAsTheJdksForEveryLengthUpToSomeBlocks() {
        Random random = new Random(20);
        for (int length = 0; length < 300; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            assertEquals(Sha256.hex(Sha256.newDigest().digest(bytes)), Sha256.of(bytes), "length " + length);
        }
        byte[] joined = new byte[65 * 1000]; // a snapshot of a thousand jars
        random.nextBytes(joined);
        assertEquals(Sha256.hex(Sha256.newDigest().digest(joined)), Sha256.of(joined));
    }
}
