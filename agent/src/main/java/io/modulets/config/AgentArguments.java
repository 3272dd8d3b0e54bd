package io.modulets.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/** The syntax: {@code key=value} pairs separated by {@code ,}, and the {@code config=FILE} properties file. */
final class AgentArguments {

    /** Every key, in the order they are documented and printed. */
    static final List<String> KEYS =
            List.of("packages", "modules", "shared", "outside", "store", "retain", "watch", "quiet", "jmx", "log",
                    "executors", "loops", "requests", "drainWarning", "maxGenerations", "onLimit", "maxEntrySize",
                    "maxJarSize", "maxEntries", "maxRatio", "permissions", "trust", "trustPassword", "canary",
                    "canaryMargin", "canaryMinTasks", "canaryLatency", "normalExceptions", "config");

    /** The keys a config file may hold: all but {@code config}. */
    static final List<String> FILE_KEYS = KEYS.subList(0, KEYS.size() - 1);

    private AgentArguments() {
    }

    /** The pairs of {@code agentArgs} by key; null or blank gives none, an empty pair is skipped. */
    static Map<String, Setting> parse(String agentArgs) throws OptionsException {
        Map<String, Setting> settings = new LinkedHashMap<>();
        if (agentArgs == null) {
            return settings;
        }
        for (String pair : agentArgs.split(",", -1)) {
            if (pair.isBlank()) {
                continue; // tolerate "a=1,,b=2" and a trailing comma
            }
            int equals = pair.indexOf('=');
            if (equals < 0) {
                throw new OptionsException("bad agent argument '" + pair.trim()
                        + "': expected key=value (pairs separated by ',', list values by ':')");
            }
            String key = pair.substring(0, equals).trim();
            if (key.isEmpty()) {
                throw new OptionsException("bad agent argument '" + pair.trim()
                        + "': empty key (valid keys: " + String.join(", ", KEYS) + ")");
            }
            if (!KEYS.contains(key)) {
                throw new OptionsException("unknown agent argument '" + key
                        + "' (valid keys: " + String.join(", ", KEYS) + ")");
            }
            if (settings.containsKey(key)) {
                throw new OptionsException("agent argument '" + key + "' is given twice; give each key once");
            }
            settings.put(key, new Setting(key, pair.substring(equals + 1).trim(), null));
        }
        return settings;
    }

    /** The settings in the properties file {@code file} (absolute), by key. */
    static Map<String, Setting> readConfigFile(Path file, Setting config) throws OptionsException {
        Properties properties = load(file, config);
        // Sorted, so that of several bad keys the same one is reported every time.
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            if (key.equals("config")) {
                throw new OptionsException("config file " + file + " cannot name another config file (key 'config';"
                        + " valid keys: " + String.join(", ", FILE_KEYS) + ")");
            }
            if (!FILE_KEYS.contains(key)) {
                throw new OptionsException("unknown key '" + key + "' in config file " + file
                        + " (valid keys: " + String.join(", ", FILE_KEYS) + ")");
            }
        }
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (String key : FILE_KEYS) {
            String value = properties.getProperty(key);
            if (value != null) {
                settings.put(key, new Setting(key, value.trim(), file));
            }
        }
        return settings;
    }

    private static Properties load(Path file, Setting config) throws OptionsException {
        if (Files.isDirectory(file)) {
            throw config.error("cannot read " + file + ": is a directory; give a properties file");
        }
        Properties properties = new Properties();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
            return properties;
        } catch (NoSuchFileException e) {
            throw config.error("cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw config.error("cannot read " + file + ": permission denied");
        } catch (CharacterCodingException e) {
            throw config.error("cannot read " + file + ": not UTF-8 text");
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: Properties.load found a malformed unicode escape
            throw config.error("cannot read " + file + ": " + e.getMessage());
        }
    }
}
