package io.modulets.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a password comes from ({@code trustPassword=file:PATH} or {@code env:NAME}): never the
 * password itself, since a JVM's command line is visible to every user of the machine.
 *
 * @param file the file whose first line is the password, or null
 * @param env  the environment variable that holds it, or null
 */
public record PasswordSource(Path file, String env) {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public PasswordSource {
        if ((file == null) == (env == null)) throw new IllegalArgumentException("give exactly one of file and env");
    }

    static PasswordSource parse(Setting setting) throws OptionsException {
        String value = setting.value();
        String how = "give file:PATH (its first line is the password) or env:NAME (an environment variable);"
                + " never the password itself, a command line is visible to every user";
        if (value.startsWith("file:")) {
            Setting path = new Setting(setting.key(), value.substring("file:".length()), setting.file());
            Path file = path.path();
            if (!Files.isRegularFile(file)) throw setting.error(file + " is not a file; " + how);
            return new PasswordSource(file, null);
        }
        if (value.startsWith("env:")) {
            String name = value.substring("env:".length());
            if (!ENV_NAME.matcher(name).matches()) {
                throw setting.error("'" + name + "' is not an environment variable name; " + how);
            }
            return new PasswordSource(null, name);
        }
        throw new OptionsException("bad agent argument " + setting.key() + " (from " + (setting.file() == null
                ? "the command line" : "config file " + setting.file()) + "): " + how);
    }

    /** The password: the file's first line (without its line end), or the variable's value. */
    public char[] read(Map<String, String> environment) throws IOException {
        if (env != null) {
            String value = environment.get(env);
            if (value == null) throw new IOException("modulets: trustPassword=env:" + env + ": the variable is not set");
            return value.toCharArray();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("modulets: trustPassword=file:" + file + ": cannot read it (" + e + ")", e);
        }
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
        if (line.isEmpty()) throw new IOException("modulets: trustPassword=file:" + file + ": its first line is empty");
        return line.toCharArray();
    }

    /** {@code file:PATH} or {@code env:NAME}: safe to print, it holds no password. */
    @Override
    public String toString() {
        return env != null ? "env:" + env : "file:" + Objects.requireNonNull(file);
    }
}
