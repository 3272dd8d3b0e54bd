package io.modulets.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.invoke.MethodHandle;

import org.junit.jupiter.api.Test;

/**
 * The branch-free guard of binding sites: {@code ((a ^ b) - 1) >>> 31} must be exactly
 * {@code a == b} over every key a site can see (tokens, "unbound" 0, and keys of no generation).
 */
class BindingTokensTest {
    private static final int[] KEYS = {0, 1, 2, 3, 7, 8, 255, 256, 65_535, 1 << 30, Integer.MAX_VALUE - 1,
            Integer.MAX_VALUE};

    @Test
    void theGuardIsIntEqualityOverNonNegativeKeys() throws Throwable {
        for (int token : KEYS) {
            if (token == 0) {
                continue; // no entry is ever keyed by 0
            }
            MethodHandle isToken = BindingTokens.isToken(token);
            for (int key : KEYS) {
                assertEquals(key == token, (boolean) isToken.invokeExact(key), "token " + token + ", key " + key);
            }
        }
    }

    @Test
    void aLoaderThatIsNoGenerationHasNoToken() {
        assertEquals(0, BindingTokens.tokenOf(ClassLoader.getSystemClassLoader()));
        assertEquals(0, BindingTokens.tokenOf(null));
    }
}
