package dev.dunning.rulesets;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FourEyesTest {

    @Test
    void theUploaderMayNotActivateTheirOwnCandidate() {
        assertThatThrownBy(() -> new FourEyes(false).check("rule set 3f2a", "carol", "carol"))
                .isInstanceOf(FourEyes.FourEyesException.class)
                .hasMessageContaining("rule set 3f2a was uploaded by carol")
                .hasMessageContaining("dunning.security.four-eyes-relaxed");
    }

    @Test
    void anotherCreditControllerMayActivate() {
        assertThatCode(() -> new FourEyes(false).check("rule set 3f2a", "carol", "dave")).doesNotThrowAnyException();
    }

    @Test
    void relaxedOnePersonMayDoBoth() {
        assertThatCode(() -> new FourEyes(true).check("rule set 3f2a", "carol", "carol")).doesNotThrowAnyException();
    }
}
