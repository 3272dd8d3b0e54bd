package io.modulets.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * One {@code key=value} as given, on the command line ({@code file} null) or in a config
 * file; it knows how to word an error about itself.
 */
record Setting(String key, String value, Path file) {

    OptionsException error(String reason) {
        String origin = file == null ? "" : " (from config file " + file + ")";
        return new OptionsException("bad agent argument " + key + "=" + value + origin + ": " + reason);
    }

    /**
     * The value as an absolute path. A relative path in a config file is relative to the
     * file's directory, so that the file works whatever directory the JVM starts in;
     * on the command line it is relative to the working directory.
     */
    Path path() throws OptionsException {
        if (value.isEmpty()) {
            throw error("empty; give a path");
        }
        try {
            Path path = Path.of(value);
            if (file != null && !path.isAbsolute()) {
                path = file.resolveSibling(path);
            }
            return path.toAbsolutePath();
        } catch (InvalidPathException e) {
            throw error("not a valid path (" + e.getReason() + ")");
        }
    }
}
