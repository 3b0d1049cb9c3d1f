package dev.dunning.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The jar the package phase built, which is what a user runs; for tests that run the service as its own process. */
public final class PackagedJar {

    private PackagedJar() {}

    /** {@code java -jar <the jar>} with these arguments, by the running JDK. */
    public static List<String> java(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    public static Path jar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("dunning-decision-service-.*\\.jar"))
                    .filter(f -> !f.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no packaged jar in target/"))
                    .toAbsolutePath();
        }
    }
}
