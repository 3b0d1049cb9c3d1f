package dev.dunning.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every label of the console is in English and in German, and every label a template names exists. */
class ConsoleMessagesTest {

    static final Path RESOURCES = Path.of("src", "main", "resources");
    /** Labels whose German is the English word. */
    static final Set<String> SAME_IN_GERMAN = Set.of("rulesets.versionTitle");
    /** #{key} and #{key(args)} with a literal key; keys built from values (#{'nav.' + ...}) are checked by prefix. */
    static final Pattern KEY = Pattern.compile("#\\{'?([a-zA-Z][\\w.-]*?)'?(?:\\s*\\+|\\(|})");

    @Test
    void everyLabelIsInEnglishAndInGerman() throws IOException {
        Properties english = load("messages.properties");
        Properties german = load("messages_de.properties");
        assertThat(german.stringPropertyNames()).as("keys of messages_de.properties")
                .containsExactlyInAnyOrderElementsOf(english.stringPropertyNames());
        Set<String> untranslated = new TreeSet<>();
        for (String key : english.stringPropertyNames()) {
            String en = english.getProperty(key);
            if (en.equals(german.getProperty(key)) && en.length() > 8 && !SAME_IN_GERMAN.contains(key)) {
                untranslated.add(key);
            }
        }
        assertThat(untranslated).as("German labels left in English").isEmpty();
    }

    @Test
    void everyLabelATemplateNamesExists() throws IOException {
        Properties english = load("messages.properties");
        Set<String> missing = new TreeSet<>();
        try (Stream<Path> templates = Files.walk(RESOURCES.resolve("templates"))) {
            for (Path template : templates.filter(p -> p.toString().endsWith(".html")).toList()) {
                Matcher m = KEY.matcher(Files.readString(template));
                while (m.find()) {
                    String key = m.group(1);
                    boolean prefix = key.endsWith(".");
                    boolean known = prefix ? english.stringPropertyNames().stream().anyMatch(k -> k.startsWith(key))
                            : english.containsKey(key);
                    if (!known) {
                        missing.add(template.getFileName() + ": " + key);
                    }
                }
            }
        }
        assertThat(missing).as("labels named in templates but missing from messages.properties").isEmpty();
    }

    private static Properties load(String name) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(RESOURCES.resolve(name), StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        return properties;
    }
}
