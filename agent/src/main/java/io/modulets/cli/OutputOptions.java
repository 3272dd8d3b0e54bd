package io.modulets.cli;

import picocli.CommandLine.Option;

/** {@code --json}, mixed into every command that prints something a script may read. */
final class OutputOptions {
    @Option(names = "--json", description = "Print one JSON document instead of a table.")
    boolean json;
}
