package dev.dunning.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextsTest {

    @Test
    void pairedSurrogatesAreUnicodeAndHalvesAreNot() {
        assertThat(Texts.unpairedSurrogateAt("C-\uD83D\uDE00")).isEqualTo(-1);
        assertThat(Texts.unpairedSurrogateAt(null)).isEqualTo(-1);
        assertThat(Texts.unpairedSurrogateAt("\uD800")).isZero();
        assertThat(Texts.unpairedSurrogateAt("ab\uDC00")).isEqualTo(2);
        assertThat(Texts.unpairedSurrogateAt("a\uD83D")).as("a high half at the end").isEqualTo(1);
        assertThat(Texts.unpairedSurrogateAt("\uDE00\uD83D")).as("the halves in the wrong order").isZero();
        assertThat(Texts.notUnicode("C-\uD800")).startsWith("is not valid Unicode: character 3 is half of a UTF-16 "
                + "surrogate pair (U+D800) without its other half");
    }

    @Test
    void controlCharactersAndLineBreaksAreNoPartOfAnId() {
        assertThat(Texts.controlCharacterAt("C-1001 \u00A0\u200F\u05E9e\u0301")).isEqualTo(-1);
        assertThat(Texts.controlCharacterAt("C\t1")).isEqualTo(1);
        assertThat(Texts.controlCharacterAt("C\u007F")).isEqualTo(1);
        assertThat(Texts.controlCharacterAt("C\u0085")).isEqualTo(1);
        assertThat(Texts.controlCharacterAt("\u0000")).isZero();
        assertThat(Texts.notPrintable("C-\u0001")).isEqualTo("holds a control character (U+0001) at character 3; ids "
                + "and codes are printable text, e.g. C-1001");
        assertThat(Texts.notPrintable("C\u2029")).startsWith("holds a line break (U+2029) at character 2");
        assertThat(Texts.notPrintable(null)).isNull();
    }

    @Test
    void whiteSpaceAtEitherEndOfAnIdIsNamedWithItsPlace() {
        assertThat(Texts.edgeWhiteSpaceAt("C-1001")).isEqualTo(-1);
        assertThat(Texts.edgeWhiteSpaceAt("C 1001 \u00A0x")).as("inside, or no-break space (kept by strip)")
                .isEqualTo(-1);
        assertThat(Texts.edgeWhiteSpaceAt(" C")).isZero();
        assertThat(Texts.edgeWhiteSpaceAt("C\u3000")).isEqualTo(1);
        assertThat(Texts.edgeWhiteSpaceAt("")).isEqualTo(-1);
        assertThat(Texts.notExact("A1 ")).isEqualTo("ends with white space (U+0020) at character 3; ids are compared "
                + "exactly as sent, so send the id without it");
        assertThat(Texts.notExact("\u2003A1")).startsWith("begins with white space (U+2003) at character 1");
        assertThat(Texts.notExact(null)).isNull();
    }
}
